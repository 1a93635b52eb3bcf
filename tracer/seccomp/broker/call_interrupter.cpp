// Interrupting a brokered call as the kernel would (see call_interrupter.h).
#include "tracer/seccomp/broker/call_interrupter.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>

#include "tracer/os/proc_status.h"

namespace bpfsc::tracer::broker {

namespace {

int interrupt_signal() { return SIGRTMIN + 1; }

void on_interrupt(int) {}  // its arrival is all: the kernel ends the call

} // namespace

CallInterrupter::~CallInterrupter() {
    if (!watcher_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    watcher_.join();
}

bool CallInterrupter::would_interrupt(pid_t tid, pid_t tgid) {
    const std::optional<ProcStatus> thread = read_proc_status(tid);
    if (!thread || !thread->alive() || thread->tgid != tgid) return true;  // gone: nobody waits for the result
    if (thread->pending & ~thread->blocked) return true;
    const uint64_t shared = thread->shared_pending & ~thread->blocked;
    if (shared == 0) return false;
    if (tid == tgid) return true;
    // The kernel offers a process's signal to its leader first.
    const std::optional<ProcStatus> leader = read_proc_status(tgid);
    return !leader || !leader->alive() || (shared & leader->blocked) != 0;
}

CallInterrupter::Watch CallInterrupter::watch(pid_t tid, pid_t tgid) {
    if (!watcher_.joinable()) {
        struct sigaction sa {};
        sa.sa_handler = on_interrupt;
        sa.sa_flags = SA_RESTART;  // nothing else of the tracer's is cut short
        sigemptyset(&sa.sa_mask);
        sigaction(interrupt_signal(), &sa, nullptr);
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, interrupt_signal());
        // The watcher is born with it blocked; this thread takes it.
        pthread_sigmask(SIG_BLOCK, &only, nullptr);
        caller_ = pthread_self();
        watcher_ = std::thread([this] { run(); });
        pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
    }
    {
        std::lock_guard lock(mutex_);
        tid_ = tid;
        tgid_ = tgid;
        ++generation_;
        active_ = true;
    }
    wake_.notify_one();
    return Watch(this);
}

void CallInterrupter::end() {
    bool signalled;
    {
        std::lock_guard lock(mutex_);
        active_ = false;
        signalled = signalled_ == generation_;
    }
    // A signal sent as the call ended is taken now, not by a later call.
    if (signalled) syscall(SYS_getppid);
}

void CallInterrupter::run() {
    using namespace std::chrono_literals;
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stop_ || active_; });
        if (stop_) return;
        const uint64_t generation = generation_;
        // Most calls end before the first look.
        while (!stop_ && active_ && generation_ == generation) {
            wake_.wait_for(lock, 1ms);
            if (stop_ || !active_ || generation_ != generation) break;
            const pid_t tid = tid_, tgid = tgid_;
            lock.unlock();
            const bool interrupt = would_interrupt(tid, tgid);
            lock.lock();
            if (!interrupt || !active_ || generation_ != generation) continue;
            // Again each millisecond until the call ends: a signal that
            // came just before the call entered the kernel did nothing.
            if (signalled_ != generation) interrupted_.fetch_add(1, std::memory_order_relaxed);
            signalled_ = generation;
            pthread_kill(caller_, interrupt_signal());
        }
    }
}

} // namespace bpfsc::tracer::broker
