// Interrupts the tracer's run of a brokered call when the kernel would have
// interrupted the tracee's. The verifier gives up with EAGAIN, and a test
// run with EINTR, when their caller has a signal pending; a signal sent to
// the tracee does not reach the tracer's thread, which runs the call. So,
// while such a call runs, a watcher thread reads every millisecond the
// tracee thread's pending and blocked signals (/proc/TGID/task/TID/status)
// and, when one is pending and not blocked (the kernel's signal_pending()),
// or the thread is gone, sends the tracer's thread a signal of its own
// (SIGRTMIN+1) whose handler does nothing: the tracer's call ends as the
// tracee's would have. The tracee, which waits killably (WAIT_KILLABLE_RECV),
// gets that result and then its signal, as untraced. A signal shared by the
// process counts when the thread is its leader or the leader blocks it (the
// kernel's first choice; among three or more threads it may pick another).
// Until the watcher looks, at most a millisecond passes more than untraced.
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace bpfsc::tracer::broker {

class CallInterrupter {
public:
    CallInterrupter() = default;
    ~CallInterrupter();
    CallInterrupter(const CallInterrupter&) = delete;
    CallInterrupter& operator=(const CallInterrupter&) = delete;

    // Watches `tid` (of process `tgid`) for as long as it lives: the call
    // the tracer runs on this thread meanwhile is interrupted when the
    // tracee's would be.
    class Watch {
    public:
        Watch() = default;
        explicit Watch(CallInterrupter* owner) : owner_(owner) {}
        Watch(Watch&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
        Watch& operator=(Watch&&) = delete;
        ~Watch() {
            if (owner_ != nullptr) owner_->end();
        }

    private:
        CallInterrupter* owner_ = nullptr;
    };
    [[nodiscard]] Watch watch(pid_t tid, pid_t tgid);

    // How many calls the watcher interrupted (for BPFSC_SECCOMP_STATS).
    uint64_t interrupted() const { return interrupted_.load(std::memory_order_relaxed); }

private:
    void end();
    void run();
    static bool would_interrupt(pid_t tid, pid_t tgid);

    std::mutex mutex_;
    std::condition_variable wake_;
    std::thread watcher_;
    pthread_t caller_{};
    pid_t tid_ = 0, tgid_ = 0;
    uint64_t generation_ = 0;     // one per watched call
    uint64_t signalled_ = 0;      // the generation the watcher last signalled
    bool active_ = false;
    bool stop_ = false;
    std::atomic<uint64_t> interrupted_{0};
};

} // namespace bpfsc::tracer::broker
