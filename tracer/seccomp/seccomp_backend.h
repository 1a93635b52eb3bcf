// The seccomp user-notification backend: no ptrace at all. The launched
// program carries a filter returning SECCOMP_RET_USER_NOTIF for bpf(), the
// fd syscalls of the model and the few syscalls that change a thread's
// credentials or namespaces; only the calling thread waits, once, until the
// tracer answers. A bpf() call is either run by the tracer itself on the
// tracee's behalf (broker/, when that cannot change what the call means)
// or let go ("continue"); the result of a call let go comes from the
// syscalls:sys_exit_* tracepoints (syscall_exit_events.h), or is unknown.
// Forks, execs and exits come from the process events connector
// (process_events.h); the main process's end from waitpid. Events from these
// sources are put in the order they happened before the session sees them.
#pragma once

#include <linux/seccomp.h>
#include <sys/types.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "tracer/backend.h"
#include "tracer/seccomp/broker/call_interrupter.h"
#include "tracer/seccomp/broker/replica.h"
#include "tracer/seccomp/broker/tracee_identity.h"
#include "tracer/seccomp/notified_tracee.h"
#include "tracer/seccomp/own_seccomp_filters.h"
#include "tracer/os/process_events.h"
#include "tracer/os/process_memory.h"
#include "tracer/seccomp/seccomp_listener.h"
#include "tracer/seccomp/syscall_exit_events.h"
#include "tracer/seccomp/watchdog.h"

namespace bpfsc::tracer {

class SeccompBackend : public Backend {
public:
    SeccompBackend();
    ~SeccompBackend() override;

    // Before the launched child is released: subscribes to process events
    // and opens the syscall-exit tracepoints on it. false (with a reason)
    // if process events are unavailable; without the tracepoints the
    // backend runs, and the results of calls it lets go are unknown.
    bool prepare(pid_t child, std::string* error);
    // Serves the listener the child sent.
    bool start(UniqueFd listener, std::string* error);
    // Every process the backend learns of is guarded by `watchdog`.
    void set_watchdog(Watchdog* watchdog) { watchdog_ = watchdog; }
    // Why the results of calls let go are unknown ("" when they are known).
    const std::string& results_unavailable() const { return no_results_; }

    std::optional<Event> next() override;
    void resume(const Event& event, bool want_exit = true, const decoder::DecodedCall* call = nullptr) override;
    decoder::Memory& memory(pid_t tid) override;
    void stop_tracing() override;
    std::size_t tracee_count() const override { return announced_; }
    bool traces(pid_t pid) const override;
    void forward_signal(int sig) override;

private:
    struct Task {
        pid_t tgid = 0;
        bool waiting = false;        // in a notification the tracer has not answered yet
        uint64_t notification = 0;   // its id
        int awaited_nr = -1;         // a call let go whose result is wanted
        uint64_t continued_at = 0;   // when it was let go (CLOCK_MONOTONIC ns)
        bool leader_gone = false;    // a leader whose exit waits for its threads'
        int leader_status = 0;
        bool exit_queued = false;    // its TaskExit is in the queue
        bool announced = false;      // the session has seen it appear (its NewTask)
        Pidfd pidfd;                 // opened when the broker first needs one of its fds
        bool own_enosys = false;     // its own filter says TRACE: the call fails with ENOSYS, unrun
    };
    // How many calls were brokered, and why the others ran in the tracee
    // (BPFSC_SECCOMP_STATS=1 prints them at the end, on stderr).
    struct Stats {
        uint64_t brokered = 0;
        uint64_t orphaned = 0;  // brokered, but the thread died before the answer
        uint64_t interrupted = 0;  // brokered, and ended early for the tracee's signal
        std::vector<std::pair<const char*, uint64_t>> continued;
        void count(const char* why);
        ~Stats();
        bool print = false;
    };

    void wait_round();
    void collect(bool process_events);
    void on_process_record(const ProcConnectorEvent& r);
    void on_exit_record(const ExitRecord& r);
    void on_notification(const seccomp_notif& n);
    void task_gone(pid_t tid, int status);
    void forget_gone(const Event& e);
    void reap_main();
    Task& learn(pid_t tid);
    void push_exit(pid_t tid, const Task& t, int64_t ret, bool unknown, Timestamp when = {});
    // Queues an event; one without a time gets now.
    void push(Event e) {
        if (!e.ts.known()) e.ts = monotonic_now();
        queue_.push_back(e);
    }
    void push_front(Event e);
    bool broker(const Event& event, Task& t, const decoder::DecodedCall& call);
    bool awaiting() const;

    std::unordered_map<pid_t, Task> tasks_;
    std::unordered_map<pid_t, int> threads_;  // process -> its live threads
    // Events waiting for the session, from head_ on. A vector rather than a
    // deque: its storage is kept from call to call (no allocation once warm).
    std::vector<Event> queue_;
    std::size_t head_ = 0;
    SeccompListener listener_;
    SyscallExitEvents exits_;
    ProcessEvents processes_;
    ProcessMemory plain_memory_;
    std::string no_results_;
    Pidfd main_pidfd_;
    pid_t main_pid_ = 0;
    bool hung_up_ = false;       // every task using the filter is gone
    bool main_reaped_ = false;
    std::size_t announced_ = 0;  // tasks the session knows of: what tracee_count() says
    broker::Replica replica_;
    broker::CallInterrupter interrupter_;
    OwnSeccompFilters own_filters_;
    broker::TraceeIdentity identity_;
    NotifiedTracee notified_{listener_};
    pid_t brokered_tid_ = 0;     // its exit is decoded from the replica's view
    pid_t brokered_tgid_ = 0;
    bool broker_enabled_ = true; // BPFSC_SECCOMP_BROKER=0 lets every call run in the tracee
    Stats stats_;
    Watchdog* watchdog_ = nullptr;
    std::vector<ExitRecord> exit_records_;       // reused: no allocation per round once warm
    std::vector<ProcConnectorEvent> process_records_;
};

} // namespace bpfsc::tracer
