// Whether a signal the tracer received also reached the traced programs
// straight from its sender. `kill %1`, systemd, `kill -INT -PGID` and
// timeout(1) signal a whole process group or cgroup, the program with the
// tracer; `kill $!` and `timeout --foreground` signal the tracer alone.
// Nothing in a siginfo tells the two apart, so the tracer watches the
// kernel generate them: the tracepoint signal:signal_generate on every CPU,
// for SIGHUP, SIGINT and SIGTERM only, sampled in the sender's context
// (its pid) with the target's pid in the record. The session forwards a
// signal only when its sender did not also send it to a traced process.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tracer/os/perf_ring.h"

namespace bpfsc::tracer {

class SignalSightings {
public:
    // Opens the tracepoint; false with a reason (no tracefs, no permission:
    // a system-wide tracepoint needs CAP_PERFMON or perf_event_paranoid <= -1).
    bool open(std::string* why);
    bool active() const { return !rings_.empty(); }
    // Whether `sender` (a process) also sent `sig` to a process `traced`
    // accepts, close in time to a time it sent `sig` to this tracer. Waits
    // first (at most 20 ms) for the sender to finish the kill call that
    // reached the tracer: a group's members get the signal one by one.
    bool reached_traced(pid_t sender, int sig, const std::function<bool(pid_t)>& traced);

private:
    struct Generation {
        uint64_t time = 0;
        pid_t sender = 0;
        pid_t target = 0;
        int sig = 0;
    };
    std::vector<PerfRing> rings_;  // one per CPU
    std::vector<Generation> recent_;  // read, not yet matched
    uint32_t sig_offset_ = 8, pid_offset_ = 36;
};

} // namespace bpfsc::tracer
