// Asks the kernel what a tracee's fd is: readlink of /proc/PID/fd/N says
// which kind of file it is; for a BPF object, a duplicate of the fd taken
// with pidfd_getfd (closed at once) lets BPF_OBJ_GET_INFO_BY_FD tell its id,
// type, name and sizes. The tracer never keeps a tracee's object alive.
#pragma once

#include <sys/types.h>

#include <string_view>
#include <unordered_map>

#include "decoder/model/fd_model.h"
#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer {

class KernelInspector : public model::ObjectInspector {
public:
    std::optional<model::ObjectFacts> inspect(pid_t pid, int fd) override;
    bool still_exists(model::ObjectKind kind, uint32_t id) override;
    // A process ended: drop its pidfd.
    void forget(pid_t pid);

private:
    // The process's pidfd, opened on first use (invalid when it is gone).
    const Pidfd& pidfd(pid_t pid);
    std::unordered_map<pid_t, Pidfd> pidfds_;
    Pidfd no_pidfd_;
    long settle_budget_us_ = 200000;  // how long still_exists may wait for deferred frees
};

// What kind of BPF object an fd whose /proc/PID/fd/N link reads `target`
// refers to ("anon_inode:bpf-map" is a map); Other for any other file.
model::ObjectKind bpf_kind_of_fd_target(std::string_view target);

// Facts of a BPF object from an fd the tracer holds.
std::optional<model::ObjectFacts> facts_of_own_fd(int fd, model::ObjectKind kind);

} // namespace bpfsc::tracer
