// Forks, execs and exits without ptrace: the kernel's process events
// connector (netlink, CN_IDX_PROC; needs CAP_NET_ADMIN), filtered to those
// three kinds. It reports every process of the system; the seccomp backend
// keeps the ones descended from the launched program. An event is queued
// before the task it describes runs on (a forked child, an exec'd image),
// so whatever the backend reads after a notification includes everything
// that happened before that call. Exits carry the wait status.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer {

struct ProcConnectorEvent {
    enum class Kind : uint8_t { Fork, Exec, Exit } kind = Kind::Fork;
    uint64_t time = 0;       // CLOCK_MONOTONIC ns
    pid_t tid = 0;           // the new task (Fork), the task that exec'd or exited
    pid_t tgid = 0;          // its process
    pid_t parent_tid = 0;    // Fork: the parent (for a thread: the process's parent)
    pid_t parent_tgid = 0;
    int status = 0;          // Exit: the wait status (exit code << 8 | signal)
};

class ProcessEvents {
public:
    ProcessEvents() = default;

    // Subscribes. false with a reason (no CAP_NET_ADMIN, no CONFIG_PROC_EVENTS).
    bool open(std::string* why);
    int fd() const { return fd_.get(); }
    // Appends every event queued since the last call (non-blocking).
    void drain(std::vector<ProcConnectorEvent>& out);
    // Whether the socket overflowed at some point (events were lost).
    bool overflowed() const { return overflowed_; }

private:
    UniqueFd fd_;
    bool overflowed_ = false;
};

} // namespace bpfsc::tracer
