// The ptrace backend (see ptrace_backend.h).
#include "tracer/ptrace/ptrace_backend.h"

#include "tracer/os/proc_status.h"

#include <dirent.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "tracer/launch/seccomp_filter.h"
#include "tracer/os/tracer_signals.h"

namespace bpfsc::tracer {

namespace {

constexpr long kOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK |
                          PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;

pid_t tgid_of(pid_t tid) { return thread_group_of(tid).value_or(tid); }

} // namespace

PtraceBackend::Task& PtraceBackend::task(pid_t tid) {
    auto it = tasks_.find(tid);
    if (it != tasks_.end()) return it->second;
    Task& t = tasks_[tid];
    t.tgid = tgid_of(tid);
    return t;
}

bool PtraceBackend::seize_launched(pid_t pid, std::string* error) {
    if (ptrace(PTRACE_SEIZE, pid, nullptr, kOptions | PTRACE_O_EXITKILL) != 0) {
        *error = fmt::format("ptrace(PTRACE_SEIZE, {}): {}", pid, std::strerror(errno));
        return false;
    }
    main_pid_ = pid;
    launched_ = true;
    Task& t = tasks_[pid];
    t.tgid = pid;
    t.started = true;  // it runs on (it is blocked on its pipe, not stopped)
    return true;
}

bool PtraceBackend::attach(pid_t pid, std::string* error) {
    main_pid_ = pid;
    launched_ = false;
    // Threads may appear while we walk the list: walk until no new one shows up.
    for (bool found_new = true; found_new;) {
        found_new = false;
        char path[64];
        std::snprintf(path, sizeof path, "/proc/%d/task", int(pid));
        DIR* dir = opendir(path);
        if (dir == nullptr) {
            *error = fmt::format("-p {}: {}", pid, std::strerror(errno));
            return false;
        }
        while (dirent* d = readdir(dir)) {
            const pid_t tid = pid_t(std::atoi(d->d_name));
            if (tid <= 0 || tasks_.count(tid)) continue;
            if (ptrace(PTRACE_SEIZE, tid, nullptr, kOptions) != 0) {
                if (errno == ESRCH) continue;  // the thread ended meanwhile
                *error = fmt::format("-p {}: cannot attach to thread {}: {}", pid, tid, std::strerror(errno));
                closedir(dir);
                return false;
            }
            ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
            tasks_[tid].tgid = pid;
            found_new = true;
        }
        closedir(dir);
    }
    return true;
}

bool PtraceBackend::selected(uint32_t arch, long nr) const { return classify_syscall(arch, nr) != Syscall::Other; }

void PtraceBackend::skip_syscall(pid_t tid) {
#ifdef __x86_64__
    // Syscall number -1: the kernel skips the call, which returns the
    // -ENOSYS the entry code put in rax.
    ptrace(PTRACE_POKEUSER, tid, reinterpret_cast<void*>(offsetof(user_regs_struct, orig_rax)),
           reinterpret_cast<void*>(-1L));
#else
    (void)tid;  // elsewhere the call runs (the README says so)
#endif
}

void PtraceBackend::restart(pid_t tid, int sig) {
    auto it = tasks_.find(tid);
    const bool syscall_stops = !launched_ || (it != tasks_.end() && it->second.in_selected_syscall);
    ptrace(syscall_stops ? PTRACE_SYSCALL : PTRACE_CONT, tid, nullptr, reinterpret_cast<void*>(long(sig)));
}

std::optional<Event> PtraceBackend::next() {
    for (;;) {
        if (auto signal = TracerSignals::take()) return signal;
        int status = 0;
        pid_t tid = waitpid(-1, &status, __WALL | WNOHANG);
        if (tid == 0) {
            if (before_blocking) before_blocking();
            tid = waitpid(-1, &status, __WALL);
        }
        if (tid < 0) {
            if (errno == EINTR) continue;
            return std::nullopt;  // ECHILD: nothing left to trace
        }
        const Timestamp seen = monotonic_now();
        if (auto e = handle_stop(tid, status)) {
            e->ts = seen;
            return e;
        }
    }
}

std::optional<Event> PtraceBackend::handle_stop(pid_t tid, int status) {
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
        Event e{Event::Kind::TaskExit};
        e.tid = tid;
        const auto it = tasks_.find(tid);
        e.tgid = it != tasks_.end() ? it->second.tgid : tid;
        e.status = status;
        if (it != tasks_.end()) tasks_.erase(it);
        return e;
    }
    if (!WIFSTOPPED(status)) return std::nullopt;

    Task& t = task(tid);
    const int sig = WSTOPSIG(status);
    const int event = status >> 16;

    if (event == PTRACE_EVENT_SECCOMP || sig == (SIGTRAP | 0x80)) {
        __ptrace_syscall_info info{};
        if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, reinterpret_cast<void*>(sizeof info), &info) <= 0) {
            restart(tid, 0);
            return std::nullopt;
        }
        if (info.op == PTRACE_SYSCALL_INFO_SECCOMP && (!launched_ || info.seccomp.ret_data != kTracerTraceData)) {
            // The program's own SECCOMP_RET_TRACE (the newest filter's data
            // wins a tie): without a tracer of its own, the kernel fails the
            // call with ENOSYS, unrun. Attached, its entry was seen already.
            skip_syscall(tid);
            if (!launched_ || !selected(info.arch, long(info.seccomp.nr))) {
                restart(tid, 0);
                return std::nullopt;
            }
        }
        const bool entry = info.op == PTRACE_SYSCALL_INFO_SECCOMP || info.op == PTRACE_SYSCALL_INFO_ENTRY;
        if (entry) {
            const uint64_t nr = info.op == PTRACE_SYSCALL_INFO_SECCOMP ? info.seccomp.nr : info.entry.nr;
            const auto* args = info.op == PTRACE_SYSCALL_INFO_SECCOMP ? info.seccomp.args : info.entry.args;
            if (!selected(info.arch, long(nr))) {
                restart(tid, 0);
                return std::nullopt;
            }
            t.in_selected_syscall = true;
            Event e{Event::Kind::SyscallEntry};
            e.tid = tid;
            e.tgid = t.tgid;
            e.nr = long(nr);
            e.arch = info.arch;
            for (int i = 0; i < 6; ++i) e.args[i] = args[i];
            return e;
        }
        if (info.op == PTRACE_SYSCALL_INFO_EXIT && t.in_selected_syscall) {
            t.in_selected_syscall = false;
            Event e{Event::Kind::SyscallExit};
            e.tid = tid;
            e.tgid = t.tgid;
            e.ret = info.exit.rval;
            return e;
        }
        restart(tid, 0);
        return std::nullopt;
    }

    switch (event) {
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE: {
        unsigned long child = 0;
        ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &child);
        Task& c = task(pid_t(child));
        Event e{Event::Kind::NewTask};
        e.tid = pid_t(child);
        e.tgid = c.tgid;
        e.other = tid;
        e.other_tgid = t.tgid;
        e.thread = c.tgid == t.tgid;
        return e;
    }
    case PTRACE_EVENT_EXEC: {
        unsigned long former = 0;
        ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &former);
        if (pid_t(former) != tid) tasks_.erase(pid_t(former));
        // Every other thread of the process is gone: execve killed them.
        for (auto it = tasks_.begin(); it != tasks_.end();) {
            if (it->first != tid && it->second.tgid == t.tgid) it = tasks_.erase(it);
            else ++it;
        }
        Task& me = task(tid);
        me.in_selected_syscall = false;
        Event e{Event::Kind::Exec};
        e.tid = tid;
        e.tgid = me.tgid;
        e.other = pid_t(former);
        return e;
    }
    case PTRACE_EVENT_STOP:
        if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
            ptrace(PTRACE_LISTEN, tid, nullptr, nullptr);  // a group stop: stay stopped
        } else {
            t.started = true;
            restart(tid, 0);
        }
        return std::nullopt;
    default:
        break;
    }
    // A signal on its way to the tracee: deliver it.
    restart(tid, sig == SIGTRAP && event != 0 ? 0 : sig);
    return std::nullopt;
}

void PtraceBackend::resume(const Event& event, bool want_exit, const decoder::DecodedCall*) {
    if (event.kind == Event::Kind::SyscallEntry && !want_exit) {
        auto it = tasks_.find(event.tid);
        if (it != tasks_.end()) it->second.in_selected_syscall = false;
    }
    switch (event.kind) {
    case Event::Kind::TaskExit:
    case Event::Kind::TracerSignal: return;
    // The stop was the parent's (its fork/clone event); the child starts on
    // its own first stop.
    case Event::Kind::NewTask: restart(event.other, 0); return;
    default: restart(event.tid, 0);
    }
}

decoder::Memory& PtraceBackend::memory(pid_t tid) {
    memory_.set_pid(tid);
    return memory_;
}

void PtraceBackend::forward_signal(int sig) {
    if (main_pid_ > 0) kill(main_pid_, sig);
}

void PtraceBackend::stop_tracing() {
    if (launched_) {
        // A launched program carries a filter that needs a tracer: without
        // one its bpf() calls would fail with ENOSYS. Stopping means ending it.
        for (const auto& [tid, t] : tasks_) kill(t.tgid, SIGKILL);
        return;
    }
    // Attached: stop each thread, then detach, leaving it running untouched.
    for (const auto& [tid, t] : tasks_) ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
    while (!tasks_.empty()) {
        int status = 0;
        const pid_t tid = waitpid(-1, &status, __WALL);
        if (tid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (!WIFSTOPPED(status)) {
            tasks_.erase(tid);
            continue;
        }
        const int sig = WSTOPSIG(status);
        const int event = status >> 16;
        const bool signal_stop = event == 0 && sig != (SIGTRAP | 0x80);
        ptrace(PTRACE_DETACH, tid, nullptr, reinterpret_cast<void*>(long(signal_stop ? sig : 0)));
        tasks_.erase(tid);
    }
}

} // namespace bpfsc::tracer
