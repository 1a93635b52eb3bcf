// The session: the loop that takes the backend's events, decodes each
// traced call at entry and exit, keeps the model up to date, and hands one
// record per thing that happened to the Output (records.h). It does not
// know which backend runs, nor how records are printed. Calls of different
// threads interleave as strace shows them: a call still in progress when
// another one completes is recorded as in progress first, and later whole.
//
// The bpf() calls and the processes are here; the fd syscalls the model
// follows (close, dup*, fcntl, perf_event_open, ...) are decoded by
// FdSyscalls (fd_syscalls.h), which this loop hands their events to.
#pragma once

#include <sys/types.h>

#include <array>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "decoder/decoded_call.h"
#include "decoder/model/fd_model.h"
#include "tracer/backend.h"
#include "tracer/cli/options.h"
#include "tracer/kernel/kernel_inspector.h"
#include "tracer/launch/seccomp_filter.h"
#include "tracer/output/output.h"
#include "decoder/notes/repeats.h"
#include "tracer/session/environment.h"
#include "tracer/session/model_resolver.h"
#include "tracer/session/fd_syscalls.h"
#include "tracer/session/probe_calls.h"
#include "tracer/session/signal_sightings.h"

namespace bpfsc::tracer {

// What the header record says about the run, from main.
struct RunInfo {
    std::string_view backend;            // "ptrace", "seccomp"
    std::string backend_reason;          // --backend=auto: why
    Timestamp start;                     // before COMMAND was started
    int64_t start_realtime_ns = 0;
    std::vector<std::string> warnings;   // said once, after the header
};

class Session {
public:
    Session(Backend& backend, const Options& options, Output& output, pid_t main_pid, RunInfo run);
    // Runs until no tracee is left. Returns the exit status to exit with.
    int run();
    // Whether the main process ever got past exec (else the launch failed).
    bool main_exec_seen() const { return main_exec_seen_; }
    int main_status() const { return main_status_; }

private:
    struct Pending {
        std::unique_ptr<decoder::DecodedCall> call;
        pid_t tgid = 0;
        uint64_t seq = 0;
        Timestamp entered;
        bool shown_unfinished = false;
    };
    // Returns whether the call's exit is wanted.
    bool on_entry(const Event& e);
    void on_exit(const Event& e);
    // Whether to load the call's program (or BTF) again for its verifier log.
    bool wants_replay(const decoder::DecodedCall& call) const;
    void on_fd_exit(const Event& e);
    model::CallRef ref(uint64_t seq, pid_t tgid, std::string_view what) const;
    void on_new_task(const Event& e);
    void on_exec(const Event& e);
    void on_task_exit(const Event& e);
    void on_signal(int sig, bool sent_by_process, pid_t sender);
    void header();
    void summary();
    // A call that is still running, or will never complete.
    void record_unfinished(pid_t tid, const Pending& p, CallEnd end);
    Caller caller(pid_t tid, pid_t tgid) const { return Caller{tgid, tid, backend_.tracee_count()}; }
    bool shown(pid_t tgid) const;
    // Whether notes are printed at all (text -q prints none: they are not made).
    bool commentary_wanted() const;
    std::unique_ptr<decoder::DecodedCall> take_call();

    Backend& backend_;
    const Options& options_;
    Output& out_;
    RunInfo run_;
    KernelInspector inspector_;
    model::FdModel model_{inspector_};
    FdSyscalls fd_syscalls_{model_};
    BtfCache btf_;
    ModelResolver resolver_{model_, btf_};
    Environment environment_;
    notes::RepeatedQuestions repeats_;
    pid_t main_pid_;
    int main_status_ = 0;
    bool main_exec_seen_ = false;
    bool main_exited_ = false;
    uint64_t seq_ = 0;
    SignalSightings signal_sightings_;  // opened when launching: which signals reached the program too
    std::unordered_map<pid_t, Pending> pending_;
    std::unordered_set<pid_t> calling_; // processes with a call or fd line in the trace (until they exit)
    std::vector<std::string> notes_;    // the commentary of the call being recorded
    std::string replay_note_;           // why the verifier's log could not be had, for the notes
    std::vector<std::unique_ptr<decoder::DecodedCall>> pool_;
    ProbeCalls probes_{out_, model_, pool_};  // after pool_, which it gives calls back to
};

} // namespace bpfsc::tracer
