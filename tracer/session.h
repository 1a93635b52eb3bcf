// The session: the loop that takes the backend's events, decodes each
// bpf() call at entry and exit, and prints it. It does not know which
// backend runs. Calls of different threads interleave as strace shows
// them: a call still in progress when another one completes is printed as
// `<unfinished ...>` first, and later as `<... bpf resumed>`.
#pragma once

#include <sys/types.h>

#include <memory>
#include <unordered_map>
#include <vector>

#include "backend.h"
#include "decoder/decode.h"
#include "fdinfo_resolver.h"
#include "options.h"
#include "output.h"

namespace bpfsc::tracer {

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

    void on_entry(const Event& e);
    void on_exit(const Event& e);
    void on_task_exit(const Event& e);
    void on_signal(int sig, bool sent_to_tracer);
    void print_call(pid_t tid, pid_t tgid, const decoder::DecodedCall& call, bool unfinished, bool resumed,
                    std::string_view note = {});
    void prefix(pid_t tid);
    bool shown(pid_t tgid) const;
    std::unique_ptr<decoder::DecodedCall> take_call();

    Backend& backend_;
    const Options& options_;
    Output& out_;
    FdinfoResolver resolver_;
    pid_t main_pid_;
    int main_status_ = 0;
    bool main_exec_seen_ = false;
    bool main_exited_ = false;
    uint64_t seq_ = 0;
    int signals_seen_ = 0;
    std::unordered_map<pid_t, Pending> pending_;
    std::vector<std::unique_ptr<decoder::DecodedCall>> pool_;
};

} // namespace bpfsc::tracer
