// The seccomp user-notification backend (see seccomp_backend.h).
#include "tracer/seccomp/seccomp_backend.h"

#include <signal.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "tracer/seccomp/broker/run_policy.h"
#include "tracer/launch/seccomp_filter.h"
#include "tracer/os/proc_status.h"
#include "tracer/os/tracer_signals.h"

namespace bpfsc::tracer {

namespace {

uint64_t monotonic_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

// A thread's process and parent process, from /proc (for a task seen first
// in a notification, when process events are not there to say).
void read_status(pid_t tid, pid_t& tgid, pid_t& ppid) {
    const std::optional<ProcStatus> s = read_proc_status(tid);
    tgid = s && s->tgid != 0 ? s->tgid : tid;
    ppid = s ? s->ppid : 0;
}

// How long to wait for a result of a call let go before looking again: the
// tracepoints wake nobody, so a quiet tracee is polled.
constexpr int k_result_poll_ms = 1;

} // namespace

SeccompBackend::SeccompBackend() {
    const char* broker = std::getenv("BPFSC_SECCOMP_BROKER");
    broker_enabled_ = broker == nullptr || std::strcmp(broker, "0") != 0;
    const char* stats = std::getenv("BPFSC_SECCOMP_STATS");
    stats_.print = stats != nullptr && std::strcmp(stats, "1") == 0;
}

SeccompBackend::~SeccompBackend() = default;

void SeccompBackend::Stats::count(const char* why) {
    for (auto& [reason, n] : continued)
        if (reason == why) {
            ++n;
            return;
        }
    continued.emplace_back(why, 1);
}

SeccompBackend::Stats::~Stats() {
    if (!print) return;
    std::fprintf(stderr, "seccomp backend: %llu bpf() calls run by the tracer\n", (unsigned long long)brokered);
    std::fprintf(stderr, "seccomp backend: %llu of them ended with their thread gone before the answer\n",
                 (unsigned long long)orphaned);
    std::fprintf(stderr, "seccomp backend: %llu of them interrupted for a signal of the tracee's\n",
                 (unsigned long long)interrupted);
    for (const auto& [why, n] : continued)
        std::fprintf(stderr, "seccomp backend: %llu run by the tracee: %s\n", (unsigned long long)n, why);
}

bool SeccompBackend::prepare(pid_t child, std::string* error) {
    main_pid_ = child;
    if (!processes_.open(error)) return false;
    std::string why;
    // BPFSC_SECCOMP_TRACEPOINTS=0 does without them, as a system without
    // perf access must (tests of the unknown results use it).
    const char* tracepoints = std::getenv("BPFSC_SECCOMP_TRACEPOINTS");
    if (tracepoints != nullptr && std::strcmp(tracepoints, "0") == 0)
        no_results_ = "BPFSC_SECCOMP_TRACEPOINTS=0";
    else if (!exits_.open(child, &why))
        no_results_ = why;
    Task& t = tasks_[child];
    t.tgid = child;
    t.announced = true;
    announced_ = 1;
    threads_[child] = 1;
    main_pidfd_ = Pidfd::open(child);
    if (!main_pidfd_) {
        *error = fmt::format("pidfd_open: {}", std::strerror(errno));
        return false;
    }
    return true;
}

bool SeccompBackend::start(UniqueFd listener, std::string*) {
    listener_.reset(std::move(listener));
    // 6.6: the tracee wakes the tracer on its own CPU and back. The tracer
    // waits in poll(), which passes that on (epoll would not): on a virtual
    // machine a cross-CPU wake-up costs more than everything else together.
    listener_.set_sync_wakeup();
    return true;
}

bool SeccompBackend::awaiting() const {
    for (const auto& [tid, t] : tasks_)
        if (t.awaited_nr >= 0) return true;
    return false;
}

std::optional<Event> SeccompBackend::next() {
    for (;;) {
        if (auto signal = TracerSignals::take()) return signal;
        if (head_ < queue_.size()) {
            const Event e = queue_[head_++];
            if (head_ == queue_.size()) {
                queue_.clear();
                head_ = 0;
            }
            forget_gone(e);
            return e;
        }
        if (hung_up_ && main_reaped_) {
            collect(true);
            if (queue_.empty()) return std::nullopt;
            continue;
        }
        wait_round();
    }
}

void SeccompBackend::wait_round() {
    // The listener first: a notification seen ready means every process
    // event before it is seen by the later look at the connector's socket.
    pollfd fds[3] = {{hung_up_ ? -1 : listener_.fd(), POLLIN, 0},
                     {processes_.fd(), POLLIN, 0},
                     {main_reaped_ ? -1 : main_pidfd_.get(), POLLIN, 0}};
    int timeout = awaiting() ? k_result_poll_ms : -1;
    if (hung_up_ && main_reaped_) timeout = 0;
    int n = poll(fds, 3, 0);
    if (n == 0 && timeout != 0) {
        if (before_blocking) before_blocking();
        n = poll(fds, 3, timeout);
    }
    if (n < 0) return;  // EINTR: a signal for the tracer; next() looks
    if (fds[0].revents & (POLLHUP | POLLERR)) hung_up_ = true;
    seccomp_notif request;
    const bool received = (fds[0].revents & POLLIN) && listener_.receive(request);
    // Everything that happened before the call (the fork that made its
    // thread, an exec, earlier results) is read before it is handed on.
    collect(fds[1].revents & POLLIN);
    if (fds[2].revents & POLLIN) reap_main();
    if (received) on_notification(request);
}

void SeccompBackend::collect(bool process_events) {
    process_records_.clear();
    exit_records_.clear();
    // Process events first: a syscall result written before a process event
    // that was read is visible too.
    if (process_events && processes_.fd() >= 0) processes_.drain(process_records_);
    exits_.drain(exit_records_);
    std::sort(process_records_.begin(), process_records_.end(),
              [](const ProcConnectorEvent& a, const ProcConnectorEvent& b) { return a.time < b.time; });
    std::sort(exit_records_.begin(), exit_records_.end(),
              [](const ExitRecord& a, const ExitRecord& b) { return a.time < b.time; });
    std::size_t p = 0, x = 0;
    while (p < process_records_.size() || x < exit_records_.size()) {
        const bool take_exit = p == process_records_.size() ||
                               (x < exit_records_.size() && exit_records_[x].time <= process_records_[p].time);
        if (take_exit) on_exit_record(exit_records_[x++]);
        else on_process_record(process_records_[p++]);
    }
}

void SeccompBackend::push_front(Event e) {
    if (!e.ts.known()) e.ts = monotonic_now();
    if (head_ > 0) queue_[--head_] = e;
    else queue_.insert(queue_.begin(), e);
}

void SeccompBackend::push_exit(pid_t tid, const Task& t, int64_t ret, bool unknown, Timestamp when) {
    Event e{Event::Kind::SyscallExit};
    e.ts = when;
    e.tid = tid;
    e.tgid = t.tgid;
    e.ret = ret;
    e.unknown_result = unknown;
    push(e);
}

void SeccompBackend::on_exit_record(const ExitRecord& r) {
    const auto it = tasks_.find(r.tid);
    if (it == tasks_.end()) return;
    Task& t = it->second;
    if (t.awaited_nr < 0 || r.time < t.continued_at) return;  // a call the session did not wait for
    // The first record of this thread after the call was let go is the
    // call's: the thread makes no other syscall before it returns. Another
    // syscall's record means the call's own was lost (a full ring).
    push_exit(r.tid, t, r.ret, r.nr != t.awaited_nr, Timestamp{int64_t(r.time)});
    t.awaited_nr = -1;
}

void SeccompBackend::on_process_record(const ProcConnectorEvent& r) {
    switch (r.kind) {
    case ProcConnectorEvent::Kind::Fork: {
        const bool thread = threads_.count(r.tgid) != 0;
        if (!thread && threads_.count(r.parent_tgid) == 0) return;  // not a descendant
        if (tasks_.count(r.tid) != 0) return;
        tasks_[r.tid].tgid = r.tgid;
        ++threads_[r.tgid];
        // A thread's maker is some thread of its process (the event does
        // not say which): its filters are taken to be the leader's.
        own_filters_.on_new_task(thread ? r.tgid : r.parent_tid, r.tid, r.tgid);
        if (!thread && watchdog_ != nullptr) watchdog_->guard(r.tid);
        Event e{Event::Kind::NewTask};
        e.tid = r.tid;
        e.tgid = r.tgid;
        e.thread = thread;
        // A thread's event names its process's parent: its creator is some
        // thread of its own process.
        e.other = thread ? r.tgid : r.parent_tid;
        e.other_tgid = thread ? r.tgid : r.parent_tgid;
        e.ts = Timestamp{int64_t(r.time)};
        push(e);
        return;
    }
    case ProcConnectorEvent::Kind::Exec: {
        if (threads_.count(r.tgid) == 0) return;
        // execve killed every other thread (forget_gone drops them when the
        // session sees the event); the one that called it now has the
        // process's id.
        Task& t = tasks_[r.tgid];
        const bool announced = t.announced;
        t = Task{};
        t.tgid = r.tgid;
        t.announced = announced;
        identity_.forget_all();  // a set-user-ID or file-capability image changes it
        threads_[r.tgid] = 1;
        Event e{Event::Kind::Exec};
        e.tid = r.tgid;
        e.tgid = r.tgid;
        e.other = r.tid;
        e.ts = Timestamp{int64_t(r.time)};
        push(e);
        return;
    }
    case ProcConnectorEvent::Kind::Exit:
        if (tasks_.count(r.tid) != 0) task_gone(r.tid, r.status);
        return;
    }
}

void SeccompBackend::forget_gone(const Event& e) {
    // The session counts tracees (tracee_count) as it sees them come and
    // go, as with ptrace: a task counts from its NewTask to its TaskExit,
    // and leaves the table when its end is handed out.
    auto drop = [this](std::unordered_map<pid_t, Task>::iterator it) {
        if (it->second.announced) --announced_;
        identity_.forget(it->first);
        own_filters_.forget(it->first);
        return tasks_.erase(it);
    };
    if (e.kind == Event::Kind::NewTask) {
        const auto it = tasks_.find(e.tid);
        if (it != tasks_.end() && !it->second.announced) {
            it->second.announced = true;
            ++announced_;
        }
    } else if (e.kind == Event::Kind::TaskExit) {
        if (const auto it = tasks_.find(e.tid); it != tasks_.end()) drop(it);
    } else if (e.kind == Event::Kind::Exec) {
        for (auto it = tasks_.begin(); it != tasks_.end();) {
            if (it->second.tgid == e.tgid && it->first != e.tid) it = drop(it);
            else ++it;
        }
    }
}

void SeccompBackend::task_gone(pid_t tid, int status) {
    Task& t = tasks_[tid];
    const pid_t tgid = t.tgid;
    t.awaited_nr = -1;
    t.waiting = false;
    t.exit_queued = tid != main_pid_;
    // The main process ends when waitpid says (reap_main), with its status.
    if (tid == main_pid_) {
        t.leader_gone = true;
        return;
    }
    // A leader whose threads run on is reported after them, as wait() does.
    if (tid == tgid && threads_[tgid] > 1) {
        t.exit_queued = false;
        t.leader_gone = true;
        t.leader_status = status;
        return;
    }
    Event e{Event::Kind::TaskExit};
    e.tid = tid;
    e.tgid = tgid;
    e.status = status;
    push(e);
    if (--threads_[tgid] > 0) {
        const auto leader = tasks_.find(tgid);
        if (threads_[tgid] == 1 && leader != tasks_.end() && leader->second.leader_gone && tgid != main_pid_) {
            // The last thread's status is the process's when the process
            // ended as a whole (exit_group, a signal); else the leader's.
            Event l{Event::Kind::TaskExit};
            l.tid = tgid;
            l.tgid = tgid;
            l.status = status != 0 ? status : leader->second.leader_status;
            threads_.erase(tgid);
            push(l);
        }
        return;
    }
    threads_.erase(tgid);
}

void SeccompBackend::reap_main() {
    int status = 0;
    const pid_t r = waitpid(main_pid_, &status, WNOHANG | __WALL);
    if (r != main_pid_) return;
    main_reaped_ = true;
    // Its threads' ends were read before (collect): they come first.
    for (const auto& [tid, t] : tasks_) {
        if (t.tgid != main_pid_ || tid == main_pid_ || t.exit_queued) continue;
        Event e{Event::Kind::TaskExit};
        e.tid = tid;
        e.tgid = main_pid_;
        e.status = status;
        push(e);
    }
    threads_.erase(main_pid_);
    Event e{Event::Kind::TaskExit};
    e.tid = main_pid_;
    e.tgid = main_pid_;
    e.status = status;
    push(e);
}

SeccompBackend::Task& SeccompBackend::learn(pid_t tid) {
    // A task no process event announced (they were lost, or come from
    // outside the tree): ask /proc.
    pid_t tgid = tid, ppid = 0;
    read_status(tid, tgid, ppid);
    const bool thread = threads_.count(tgid) != 0;
    Task& t = tasks_[tid];
    t.tgid = tgid;
    ++threads_[tgid];
    if (!thread && watchdog_ != nullptr) watchdog_->guard(tgid);
    Event e{Event::Kind::NewTask};
    e.tid = tid;
    e.tgid = tgid;
    e.thread = thread;
    e.other = thread ? tgid : ppid;
    e.other_tgid = thread ? tgid : ppid;
    push(e);
    return t;
}

void SeccompBackend::on_notification(const seccomp_notif& n) {
    const pid_t tid = pid_t(n.pid);
    const long nr = long(n.data.nr);
    // The identity syscalls and the rest the session does not follow have
    // nothing to print.
    const bool followed = !changes_identity(n.data.arch, nr) && classify_syscall(n.data.arch, nr) != Syscall::Other;
    bool own_enosys = false;
    if (tid != 0) {
        const auto known = tasks_.find(tid);
        const pid_t tgid = known != tasks_.end() ? known->second.tgid : tid;
        own_enosys = own_filters_.traced_away(tid, tgid, n.data);
        const std::optional<FilterInstall> install = own_enosys ? std::nullopt : filter_install(n.data);
        if (install) {
            // The program's own filter, read while its call waits.
            plain_memory_.set_pid(tid);
            own_filters_.on_install(tid, tgid, *install, plain_memory_);
            if (!listener_.valid(n.id)) own_filters_.forget(tid);
            listener_.answer_continue(n.id);
            return;
        }
    }
    if (own_enosys && !followed) {
        listener_.answer(n.id, -ENOSYS);  // not run: nothing changed
        return;
    }
    // A thread outside the tracer's pid namespace, or a call the session
    // does not follow: let it run.
    if (tid == 0 || !followed) {
        // Some thread's credentials, namespaces, root or umask may change:
        // what the tracer knew of any thread's is read again when needed.
        identity_.forget_all();
        listener_.answer_continue(n.id);
        return;
    }
    auto it = tasks_.find(tid);
    Task& t = it != tasks_.end() ? it->second : learn(tid);
    if (t.awaited_nr >= 0) {
        // Its previous call returned (this is a new one) but no record said
        // how: the record was lost.
        push_exit(tid, t, 0, true);
        t.awaited_nr = -1;
    }
    t.waiting = true;
    t.notification = n.id;
    t.own_enosys = own_enosys;
    Event e{Event::Kind::SyscallEntry};
    e.tid = tid;
    e.tgid = t.tgid;
    e.nr = nr;
    e.arch = n.data.arch;
    for (int i = 0; i < 6; ++i) e.args[i] = n.data.args[i];
    push(e);
}

void SeccompBackend::resume(const Event& event, bool want_exit, const decoder::DecodedCall* call) {
    if (event.kind == Event::Kind::SyscallExit && event.tid == brokered_tid_) brokered_tid_ = 0;
    if (event.kind != Event::Kind::SyscallEntry) return;
    const auto it = tasks_.find(event.tid);
    if (it == tasks_.end() || !it->second.waiting) return;
    Task& t = it->second;
    // One look at the notification vouches for every read of the entry's
    // decoding: an id, once dead, never lives again. A dead one means the
    // thread is gone (its exit shows the call unfinished).
    if (!listener_.valid(t.notification)) {
        t.waiting = false;
        return;
    }
    if (t.own_enosys) {
        // The program's own SECCOMP_RET_TRACE, with no ptracer: the kernel
        // fails the call with ENOSYS without running it.
        t.own_enosys = false;
        t.waiting = false;
        if (listener_.answer(t.notification, -ENOSYS) && want_exit) push_exit(event.tid, t, -ENOSYS, false);
        return;
    }
    if (call != nullptr && broker(event, t, *call)) return;
    t.waiting = false;
    const uint64_t now = monotonic_ns();
    if (!listener_.answer_continue(t.notification)) return;  // it died meanwhile: its exit says so
    if (!want_exit) return;
    // The tracepoints report native syscalls only (not a 32-bit program's).
    if (exits_.active() && event.arch == native_arch()) {
        t.awaited_nr = int(event.nr);
        t.continued_at = now;
    } else {
        push_exit(event.tid, t, 0, true);
    }
}

bool SeccompBackend::broker(const Event& event, Task& t, const decoder::DecodedCall& call) {
    if (!broker_enabled_) return false;
    const char* why = "";
    // Only the tracer's own architecture: the identity syscalls of other
    // ones are not all selected, and their results not all traced.
    if (event.arch != native_arch()) {
        stats_.count("a 32-bit program");
        return false;
    }
    if (const char* left = broker::left_to_tracee(call)) {
        stats_.count(left);
        return false;
    }
    const bool creates = call.command != nullptr && call.command->returns == decoder::Returns::Fd &&
                         call.command->returned_object != decoder::Object::None;
    const uint64_t id = t.notification;
    notified_.set(event.tid, t.tgid, id, &t.pidfd);
    if (!identity_.same_as_tracer(event.tid, notified_.thread_pidfd(), creates, &why)) {
        stats_.count(why);
        return false;
    }
    if (!replica_.prepare(call, notified_)) {
        stats_.count(replica_.reason());
        return false;
    }
    int64_t ret;
    {
        const auto watch = broker::interrupted_by_signals(call) ? interrupter_.watch(event.tid, t.tgid)
                                                                 : broker::CallInterrupter::Watch{};
        ret = replica_.run();
    }
    stats_.interrupted = interrupter_.interrupted();
    if (ret == -EMFILE || ret == -ENFILE) {
        // The tracer's fd table is full, not necessarily the tracee's: the
        // tracee's own call gives the answer (nothing was created).
        replica_.release();
        stats_.count("the tracer has no fd to spare");
        return false;
    }
    // Outputs first, then the answer: the tracee never sees half a call.
    const int written = replica_.write_back(notified_);
    UniqueFd own = replica_.take_returned_fd();
    if (written < 0) own.reset();  // nothing holds the new object: it goes away
    if (written < 0) ret = written;
    bool answered;
    if (own) {
        // The new fd appears in the tracee close-on-exec, as bpf() makes
        // it, and the call returns its number there, in one step.
        ret = listener_.answer_with_fd(id, own.get());
        own.reset();
        answered = ret >= 0;
        if (!answered && ret != -ENOENT) answered = listener_.answer(id, ret);  // e.g. EMFILE in the tracee
    } else {
        answered = listener_.answer(id, ret);
    }
    replica_.release();
    t.waiting = false;
    ++stats_.brokered;
    if (!answered) {  // it died meanwhile: its exit shows the call unfinished
        ++stats_.orphaned;
        return true;
    }
    brokered_tid_ = event.tid;
    brokered_tgid_ = t.tgid;
    Event e{Event::Kind::SyscallExit};
    e.tid = event.tid;
    e.tgid = t.tgid;
    e.ret = ret;
    push_front(e);  // the session decodes it next, from the replica's view
    return true;
}

decoder::Memory& SeccompBackend::memory(pid_t tid) {
    // A waiting thread's memory is read as is: resume() then checks that
    // the call still waits, before anything read is used.
    plain_memory_.set_pid(tid);
    // The brokered call's thread, or its process (the session reads a pin
    // path by process): the call as the kernel left it.
    if (brokered_tid_ != 0 && (tid == brokered_tid_ || tid == brokered_tgid_)) return replica_.view(plain_memory_);
    return plain_memory_;
}

bool SeccompBackend::traces(pid_t pid) const {
    if (threads_.count(pid) != 0) return true;
    const auto tgid = thread_group_of(pid);
    return tgid && threads_.count(*tgid) != 0;
}

void SeccompBackend::forward_signal(int sig) {
    if (main_pid_ > 0) kill(main_pid_, sig);
}

void SeccompBackend::stop_tracing() {
    // Without the tracer, every bpf() call of these programs would fail with
    // ENOSYS: stopping means ending them.
    for (const auto& [tgid, n] : threads_) kill(tgid, SIGKILL);
}

} // namespace bpfsc::tracer
