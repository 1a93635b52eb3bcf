// The decoder's questions answered from the fd model: what an fd is (its
// label, its kind of object and link type) and, for a map, its key and
// value sizes, known once per object instead of read from /proc/PID/fdinfo
// on every call.
#pragma once

#include <sys/types.h>

#include "decoder/model/fd_model.h"
#include "fdinfo_resolver.h"

namespace bpfsc::tracer {

class ModelResolver : public decoder::ObjectResolver {
public:
    explicit ModelResolver(model::FdModel& model) : model_(model) {}
    void set_pid(pid_t pid) {
        pid_ = pid;
        fdinfo_.set_pid(pid);
    }
    std::optional<decoder::MapShape> map_shape(int32_t fd) override;
    uint32_t possible_cpus() override { return fdinfo_.possible_cpus(); }
    void fd_label(int32_t fd, std::pmr::string& out) override;
    decoder::FdObject fd_object(int32_t fd) override;

private:
    model::FdModel& model_;
    FdinfoResolver fdinfo_;
    pid_t pid_ = 0;
};

} // namespace bpfsc::tracer
