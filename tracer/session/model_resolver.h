// The decoder's questions answered from the fd model: what an fd is (its
// label, its kind of object and link type) and, for a map, its key and
// value sizes, known once per object instead of read from /proc/PID/fdinfo
// on every call.
#pragma once

#include <sys/types.h>

#include "tracer/kernel/btf_cache.h"
#include "decoder/kernel_symbols.h"
#include "decoder/model/fd_model.h"
#include "tracer/kernel/fdinfo_resolver.h"

namespace bpfsc::tracer {

class ModelResolver : public decoder::ObjectResolver {
public:
    ModelResolver(model::FdModel& model, BtfCache& btf) : model_(model), btf_(btf) {}
    void set_pid(pid_t pid) {
        pid_ = pid;
        fdinfo_.set_pid(pid);
    }
    std::optional<decoder::MapShape> map_shape(int32_t fd) override;
    uint32_t possible_cpus() override { return fdinfo_.possible_cpus(); }
    void fd_label(int32_t fd, std::pmr::string& out) override;
    void task_fd_label(int32_t pid, int32_t fd, std::pmr::string& out) override;
    const decoder::BtfTypes* btf_of_fd(int32_t fd) override;
    const decoder::BtfTypes* btf_by_id(uint32_t id) override { return btf_.by_id(id); }
    const decoder::BtfTypes* vmlinux_btf() override { return btf_.vmlinux(); }
    decoder::FdObject fd_object(int32_t fd) override;
    const decoder::KernelSymbols* kernel_symbols() override;

private:
    // The label of fd `fd` of `process`, as the model knows it.
    void label_of(pid_t process, int32_t fd, std::pmr::string& out);

    model::FdModel& model_;
    BtfCache& btf_;
    FdinfoResolver fdinfo_;
    pid_t pid_ = 0;
    std::unique_ptr<decoder::KernelSymbols> ksyms_;  // loaded on the first xlated program
    bool ksyms_asked_ = false;
};

} // namespace bpfsc::tracer
