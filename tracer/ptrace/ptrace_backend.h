// The ptrace backend. Launched programs carry a seccomp filter returning
// SECCOMP_RET_TRACE for the syscalls the tracer needs, so only those stop:
// a seccomp stop at entry, then (PTRACE_SYSCALL) one exit stop. Attached
// processes (-p) cannot be given a filter, so there every syscall stops and
// all but the selected ones are resumed at once. Forks, vforks, clones and
// execs are followed with ptrace options.
#pragma once

#include <sys/types.h>

#include <string>
#include <unordered_map>

#include "tracer/backend.h"
#include "tracer/os/process_memory.h"

namespace bpfsc::tracer {

class PtraceBackend : public Backend {
public:
    // Seizes a launched child (still blocked before exec). false on error.
    bool seize_launched(pid_t pid, std::string* error);
    // Seizes every thread of a running process.
    bool attach(pid_t pid, std::string* error);

    std::optional<Event> next() override;
    void resume(const Event& event, bool want_exit = true, const decoder::DecodedCall* call = nullptr) override;
    decoder::Memory& memory(pid_t tid) override;
    void stop_tracing() override;
    void forward_signal(int sig) override;
    std::size_t tracee_count() const override { return tasks_.size(); }
    bool traces(pid_t pid) const override { return tasks_.count(pid) != 0; }

private:
    struct Task {
        pid_t tgid = 0;
        bool in_selected_syscall = false;  // between entry and exit of a selected syscall
        bool started = false;              // its first stop has been seen
    };

    Task& task(pid_t tid);
    void restart(pid_t tid, int sig);
    std::optional<Event> handle_stop(pid_t tid, int status);
    bool selected(uint32_t arch, long nr) const;

    std::unordered_map<pid_t, Task> tasks_;
    pid_t main_pid_ = 0;
    void skip_syscall(pid_t tid);
    bool launched_ = false;       // filter installed: only selected syscalls stop
    ProcessMemory memory_;
};

} // namespace bpfsc::tracer
