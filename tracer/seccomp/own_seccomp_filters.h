// The seccomp filters a traced program installs itself, under the seccomp
// backend. The kernel runs every filter of a thread and takes the strongest
// action; the backend's SECCOMP_RET_USER_NOTIF outranks SECCOMP_RET_TRACE,
// so for the calls the backend selects, a program's own "trace this" (which
// without a ptracer fails the call with ENOSYS, unrun) would be lost and the
// call run. The actions stronger than USER_NOTIF (KILL, TRAP, ERRNO) and a
// user-notify filter of the program's own (the newest filter wins a tie)
// keep their meaning by themselves: such calls never reach the backend.
// So the backend keeps each thread's own filters and runs them on every call
// it receives; when their strongest action is TRACE and nothing ptraces the
// thread, it answers ENOSYS, as the kernel would.
//
// A filter is read from the program's memory when the call installing it
// (filter_install) is received; whether the kernel took it is seen at the
// thread's next call, in /proc/TID/status (Seccomp_filters counts them).
// Filters pass to new threads and processes, and through exec; TSYNC gives
// them to every thread of the process. A new thread is given its leader's
// (process events do not say which thread made it). What is not followed: a thread
// ptraced by another tracer with PTRACE_O_TRACESECCOMP (the backend runs
// the call where the kernel would stop it for that tracer), LOG's audit
// record, and filters the tracer itself was started under.
#pragma once

#include <linux/seccomp.h>
#include <sys/types.h>

#include <memory>
#include <unordered_map>
#include <vector>

#include "decoder/memory.h"
#include "tracer/launch/seccomp_filter.h"
#include "tracer/seccomp/seccomp_program.h"

namespace bpfsc::tracer {

class OwnSeccompFilters {
public:
    // `call` (received, not yet answered) installs a filter: read it.
    void on_install(pid_t tid, pid_t tgid, const FilterInstall& install, decoder::Memory& memory);
    // `child` (a thread or process) was made by `parent`: it has its filters.
    void on_new_task(pid_t parent, pid_t child, pid_t child_tgid);
    void forget(pid_t tid);

    // Whether the kernel would have failed `call` of `tid` with ENOSYS for
    // a SECCOMP_RET_TRACE of the program's own filters.
    bool traced_away(pid_t tid, pid_t tgid, const seccomp_data& call);

private:
    using Chain = std::shared_ptr<const std::vector<std::shared_ptr<const SeccompProgram>>>;
    struct Thread {
        pid_t tgid = 0;
        Chain chain;                                  // installed, oldest first
        std::shared_ptr<const SeccompProgram> pending;  // an install not yet seen to be taken
        bool pending_tsync = false;
        int filters_before = -1;                      // Seccomp_filters before that install
    };
    Thread* find(pid_t tid, pid_t tgid);
    void settle(pid_t tid, Thread& t);

    std::unordered_map<pid_t, Thread> threads_;
    std::unordered_map<pid_t, Chain> synced_;  // tgid -> the chain TSYNC gave every thread of it
};

} // namespace bpfsc::tracer
