// A traced program's own seccomp filters (see own_seccomp_filters.h).
#include "tracer/seccomp/own_seccomp_filters.h"

#include "tracer/os/proc_status.h"

namespace bpfsc::tracer {

namespace {

// A thread's Seccomp_filters count, -1 when it cannot be read.
int filters_of(pid_t tid) {
    const std::optional<ProcStatus> s = read_proc_status(tid);
    return s ? s->seccomp_filters : -1;
}

} // namespace

void OwnSeccompFilters::on_install(pid_t tid, pid_t tgid, const FilterInstall& install, decoder::Memory& memory) {
    std::optional<SeccompProgram> program = SeccompProgram::read(memory, install.program, install.compat);
    if (!program) return;  // the kernel cannot read it either: EFAULT or EINVAL, nothing installed
    Thread* found = find(tid, tgid);
    Thread& t = found != nullptr ? *found : threads_[tid];
    if (found == nullptr) t.tgid = tgid;
    t.pending = std::make_shared<const SeccompProgram>(std::move(*program));
    t.pending_tsync = (install.flags & SECCOMP_FILTER_FLAG_TSYNC) != 0;
    t.filters_before = filters_of(tid);
}

void OwnSeccompFilters::settle(pid_t tid, Thread& t) {
    if (!t.pending) return;
    // The install call has returned: this thread is making another.
    const int now = filters_of(tid);
    const bool taken = now < 0 || t.filters_before < 0 || now > t.filters_before;
    std::shared_ptr<const SeccompProgram> program = std::move(t.pending);
    t.pending.reset();
    if (!taken) return;
    auto chain = std::make_shared<std::vector<std::shared_ptr<const SeccompProgram>>>();
    if (t.chain) *chain = *t.chain;
    chain->push_back(std::move(program));
    t.chain = chain;
    if (!t.pending_tsync) return;
    // Every thread of the process now has the caller's filters.
    synced_[t.tgid] = t.chain;
    for (auto& [other_tid, other] : threads_)
        if (other.tgid == t.tgid) other.chain = t.chain;
}

OwnSeccompFilters::Thread* OwnSeccompFilters::find(pid_t tid, pid_t tgid) {
    if (const auto it = threads_.find(tid); it != threads_.end()) return &it->second;
    // A thread that was there when another one synced its filters.
    if (const auto it = synced_.find(tgid); it != synced_.end()) {
        Thread& t = threads_[tid];
        t.tgid = tgid;
        t.chain = it->second;
        return &t;
    }
    return nullptr;
}

void OwnSeccompFilters::on_new_task(pid_t parent, pid_t child, pid_t child_tgid) {
    if (threads_.empty() && synced_.empty()) return;
    const auto it = threads_.find(parent);
    if (it == threads_.end()) return;
    settle(parent, it->second);  // the clone call itself ended the install call before it
    Thread t;
    t.tgid = child_tgid;
    t.chain = it->second.chain;
    if (t.chain) threads_[child] = std::move(t);
}

void OwnSeccompFilters::forget(pid_t tid) {
    if (threads_.empty()) return;
    threads_.erase(tid);
    if (const auto it = synced_.find(tid); it != synced_.end()) {
        // The process is gone when its leader's end is handed out.
        bool others = false;
        for (const auto& [other_tid, other] : threads_) others = others || other.tgid == tid;
        if (!others) synced_.erase(it);
    }
}

bool OwnSeccompFilters::traced_away(pid_t tid, pid_t tgid, const seccomp_data& call) {
    if (threads_.empty() && synced_.empty()) return false;  // the common case: no filter of its own
    Thread* t = find(tid, tgid);
    if (t == nullptr) return false;
    settle(tid, *t);
    if (!t->chain) return false;
    int32_t strongest = action_rank(SECCOMP_RET_ALLOW);
    for (const auto& program : *t->chain) {
        const int32_t rank = action_rank(program->run(call));
        if (rank < strongest) strongest = rank;
    }
    // Anything stronger than TRACE never reaches the backend: a different
    // answer here means the backend's picture is wrong, and the call runs.
    if (strongest != action_rank(SECCOMP_RET_TRACE)) return false;
    const std::optional<ProcStatus> s = read_proc_status(tid);
    return s && s->tracer_pid == 0;
}

} // namespace bpfsc::tracer
