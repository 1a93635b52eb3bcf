// The session: the loop that takes the backend's events, decodes each
// bpf() call at entry and exit, and prints it. It does not know which
// backend runs. Calls of different threads interleave as strace shows
// them: a call still in progress when another one completes is printed as
// `<unfinished ...>` first, and later as `<... bpf resumed>`.
#pragma once

#include <sys/types.h>

#include <array>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "tracer/backend.h"
#include "decoder/decode.h"
#include "decoder/model/fd_model.h"
#include "decoder/notes/notes.h"
#include "tracer/kernel/kernel_inspector.h"
#include "tracer/session/model_resolver.h"
#include "tracer/launch/seccomp_filter.h"
#include "tracer/cli/options.h"
#include "tracer/output/sink.h"
#include "tracer/session/perf_events.h"
#include "tracer/session/signal_sightings.h"

namespace bpfsc::tracer {

// An fd as the lines of fd syscalls show it: "3<map#15:hash:config>", or "3"
// when the model does not know it (fd_syscalls.cpp).
void append_fd(std::string& s, int fd, const model::FdRecord* r);

class Session {
public:
    Session(Backend& backend, const Options& options, Output& output, pid_t main_pid);
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
        bool shown_unfinished = false;
    };

    // Returns whether the call's exit is wanted.
    bool on_entry(const Event& e);
    void on_exit(const Event& e);
    // The model's side of a completed bpf() call (new fds, pins, links).
    void update_model(pid_t tgid, uint64_t seq, decoder::DecodedCall& call);
    // Whether to load the call's program (or BTF) again for its verifier log.
    bool wants_replay(const decoder::DecodedCall& call) const;
    std::string replay_note_;  // why that could not be done, for the notes
    // fd syscalls (fd_syscalls.cpp): close, close_range, dup*, fcntl.
    struct FdCall {
        Syscall kind = Syscall::Other;
        std::array<uint64_t, 6> args{};
        pid_t tgid = 0;
        uint64_t seq = 0;
        bool shown = false;           // it touches a BPF fd: print it
        std::string text;             // the line up to ") = ", with labels as at entry
        std::string born_label;       // perf_event_open: what the new fd is
        std::vector<std::string> notes;  // commentary below the line
    };
    bool on_fd_entry(const Event& e, Syscall kind);
    void on_fd_exit(const Event& e, FdCall& call);
    // perf_event_open and ioctl(PERF_EVENT_IOC_SET_BPF) (perf_syscalls.cpp):
    // the arguments of the line; at exit, the new event's label and the
    // program's attachment in the model, and what the call did.
    bool perf_entry(const Event& e, FdCall& call);
    void perf_exit(FdCall& call, int64_t ret, const model::CallRef& by, int& new_fd);
    // A close let go of `event`: if no fd of the process refers to it any
    // more, the programs it ran are detached from it (commentary into `out`).
    void perf_event_released(pid_t pid, const std::shared_ptr<model::Object>& event, fmt::memory_buffer& out);
    model::CallRef ref(uint64_t seq, pid_t tgid, std::string_view what) const;
    const notes::Environment& environment(pid_t tgid);
    void on_task_exit(const Event& e);
    void on_signal(int sig, bool sent_by_process, pid_t sender);
    void print_call(pid_t tid, pid_t tgid, const decoder::DecodedCall& call, bool unfinished, bool resumed,
                    uint64_t seq, std::string_view note = {});
    void prefix(pid_t tid);
    bool shown(pid_t tgid) const;
    std::unique_ptr<decoder::DecodedCall> take_call();

    Backend& backend_;
    const Options& options_;
    Output& out_;
    KernelInspector inspector_;
    PerfEvents perf_events_;
    model::FdModel model_{inspector_};
    BtfCache btf_;
    ModelResolver resolver_{model_, btf_};
    pid_t main_pid_;
    int main_status_ = 0;
    bool main_exec_seen_ = false;
    bool main_exited_ = false;
    uint64_t seq_ = 0;
    SignalSightings signal_sightings_;  // opened when launching: which signals reached the program too
    std::unordered_map<pid_t, Pending> pending_;
    std::unordered_map<pid_t, FdCall> fd_pending_;
    std::vector<std::string> notes_;               // the commentary of the call being printed
    notes::Environment environment_{-2, true};      // -2: not read yet
    struct Privileges {
        bool bpf_or_admin;  // CAP_BPF or CAP_SYS_ADMIN
        bool admin;         // CAP_SYS_ADMIN
    };
    std::unordered_map<pid_t, Privileges> privileged_;
    std::vector<std::unique_ptr<decoder::DecodedCall>> pool_;
};

} // namespace bpfsc::tracer
