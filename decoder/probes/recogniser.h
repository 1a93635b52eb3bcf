// Finds the feature probes in a trace (probe.h): each completed bpf() call
// is matched against the probes' signatures (signatures.h) and against
// what the same thread did just before (a link probe's program, a map a
// probe program uses). A call whose shape is common in real loaders (a
// trivial program, a small unnamed map) is a probe only if the thread's
// next call says so: it closes the fd at once, or hands it to the probe's
// next step. Such a call is held: the caller keeps its record back until
// the verdict on it arrives with the next call (of any thread). Memory:
// one small entry per process, and the fds its probes hold.
#pragma once

#include <sys/types.h>

#include <optional>
#include <unordered_map>
#include <vector>

#include "../decoded_call.h"
#include "probe.h"

namespace bpfsc::probes {

// Whether a successful call of `cmd` returns the fd of an object it made
// (the fds probes make and close).
bool returns_new_fd(uint32_t cmd);

class Recogniser {
public:
    // What became of the call held before this event.
    enum class Held : uint8_t {
        None,      // no call was held
        Probe,     // it was a probe: `held_probe` says which
        NotProbe,  // it was the program's own work
    };
    struct Verdict {
        std::optional<Probe> probe;  // this call is (a step of) a probe
        bool hold = false;           // this call may be one: hold its record until the next verdict
        Held held = Held::None;
        Probe held_probe;
    };

    // A bpf() call of thread `tid` of process `pid` completed.
    Verdict bpf_call(const decoder::DecodedCall& call, pid_t pid, pid_t tid);
    // Thread `tid` closed `fd` (close, or a dup2/dup3 over it), or the fds
    // from `fd` to `last` (close_range): a probe cleaning up when one is
    // an fd a probe made.
    Verdict closed(pid_t pid, pid_t tid, int fd, int last = -1);
    // Anything else happened (another syscall the trace shows, a process
    // event, the end of the trace): the held call, if any, was no probe.
    Verdict other_event();
    // The process is gone or replaced its image: its fds with it.
    void forget(pid_t pid);
    // What the process is, when the caller knows (its command is bpftool or
    // bpftrace): the probes of libbpf's probe API it makes are its own.
    void program_is(pid_t pid, Prober by) { processes_[pid].family = by; }
    // Whether a call is held.
    bool holding() const { return held_.has_value(); }

private:
    struct ProbeFd {
        int fd;
        Probe probe;                         // the probe that made it
    };
    struct Process {
        uint64_t calls = 0;                  // bpf() calls seen
        std::optional<Feature> last_probe;   // the latest probe's question
        Prober family = Prober::Libbpf;      // bpftool or bpftrace once a probe only they make was seen
        std::vector<ProbeFd> probe_fds;      // open fds that probes made
    };
    struct HeldCall {
        pid_t pid = 0;
        pid_t tid = 0;
        int fd = -1;                         // what it returned
        Probe probe;
        bool weak = false;                   // a probe only if the next call says so
        uint32_t cmd = 0;
        uint32_t type = 0;                   // its program or map type
        uint32_t expected_attach_type = 0;
    };

    // The verdict on the held call given this thread's next bpf() call
    // (nullptr: not a bpf() call), and the probe the call itself is, if
    // it is a follow-up of the held call or of an earlier probe.
    std::optional<Probe> follow_up(const decoder::DecodedCall& call, Process& process, Verdict& v);
    void settle(Verdict& v, bool was_probe);
    bool probe_fd(const Process& process, int fd) const;
    void remember(pid_t pid, int fd, const Probe& probe);

    std::unordered_map<pid_t, Process> processes_;
    std::optional<HeldCall> held_;
};

} // namespace bpfsc::probes
