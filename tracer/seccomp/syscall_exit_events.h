// The results of calls the seccomp backend let run in the tracee, without
// ptrace: the syscalls:sys_exit_* tracepoints of bpf() and of the fd
// syscalls, through perf_event_open, one ring buffer per CPU, opened on the
// launched child before it execs and inherited by every thread and process
// it starts. Each record says which thread returned from which syscall with
// what result, and when (CLOCK_MONOTONIC, so records sort with the process
// events of process_events.h). The kernel writes a record for every one of
// those syscalls of the traced programs, answered by the tracer or not;
// nothing wakes the tracer for them: they are read when it looks.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tracer/os/perf_ring.h"

namespace bpfsc::tracer {

struct ExitRecord {
    uint64_t time = 0;  // CLOCK_MONOTONIC ns
    pid_t tid = 0;
    int nr = -1;        // syscall number (native architecture)
    int64_t ret = 0;
};

class SyscallExitEvents {
public:
    SyscallExitEvents() = default;
    SyscallExitEvents(const SyscallExitEvents&) = delete;
    SyscallExitEvents& operator=(const SyscallExitEvents&) = delete;

    // Opens the tracepoints for `pid` and everything it starts from now on.
    // false with a reason (no tracefs, no permission: perf_event_paranoid
    // and CAP_PERFMON decide).
    bool open(pid_t pid, std::string* why);
    bool active() const { return !rings_.empty(); }
    // Appends every record written since the last call, and says how many
    // the kernel dropped because a ring was full.
    void drain(std::vector<ExitRecord>& out);
    uint64_t lost() const { return lost_; }

private:
    std::vector<PerfRing> rings_;  // one per CPU, each taking every tracepoint's samples on that CPU
    uint32_t nr_offset_ = 8, ret_offset_ = 16;
    uint64_t lost_ = 0;
};

} // namespace bpfsc::tracer
