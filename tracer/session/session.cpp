// The session loop, bpf() calls and process events (see session.h).
#include "tracer/session/session.h"

#include <signal.h>
#include <sys/wait.h>


#include "decoder/decode.h"
#include "decoder/model/call_effects.h"
#include "decoder/model/summary.h"
#include "decoder/notes/notes.h"
#include "decoder/uapi/bpf_attr.h"
#include "tracer/kernel/holders.h"
#include "tracer/kernel/verifier_replay.h"

namespace bpfsc::tracer {

using namespace bpfsc::decoder;

Session::Session(Backend& backend, const Options& options, Output& output, pid_t main_pid, RunInfo run)
    : backend_(backend), options_(options), out_(output), run_(std::move(run)), main_pid_(main_pid) {
    backend_.before_blocking = [this] { out_.flush(); };
    environment_.set_every_member_shown(options_.format == Format::Json || options_.all_members || options_.verbose);
    // Without the tracepoint (no CAP_PERFMON), a signal a process sent is
    // always passed on, also when it was sent to the program's group.
    std::string why;
    if (!options_.command.empty()) signal_sightings_.open(&why);
}

std::unique_ptr<DecodedCall> Session::take_call() {
    if (pool_.empty()) return std::make_unique<DecodedCall>();
    auto c = std::move(pool_.back());
    pool_.pop_back();
    return c;
}

bool Session::shown(pid_t tgid) const { return options_.follow_forks || tgid == main_pid_; }

bool Session::commentary_wanted() const { return !(options_.quiet && options_.format == Format::Text); }

void Session::header() {
    HeaderRecord h;
    h.tool_version = BPFSC_VERSION;
    h.kernel_release = kernel_release();
    h.backend = run_.backend;
    h.backend_reason = run_.backend_reason;
    h.command = options_.command;
    h.pid = main_pid_;
    h.start = run_.start;
    h.start_realtime_ns = run_.start_realtime_ns;
    out_.header(h);
    for (const std::string& w : run_.warnings) out_.message(MessageRecord{MessageRecord::Level::Warning, w, run_.start});
    if (options_.command.empty()) {
        ProcessRecord attached;
        attached.kind = ProcessRecord::Kind::Attach;
        attached.caller = Caller{main_pid_, main_pid_, backend_.tracee_count()};
        attached.when = run_.start;
        out_.process(attached);
    }
}

int Session::run() {
    header();
    while (auto e = backend_.next()) {
        switch (e->kind) {
        case Event::Kind::SyscallEntry: {
            const bool want_exit = on_entry(*e);
            // The call as decoded at entry: the seccomp backend may run it itself.
            const auto call = pending_.find(e->tid);
            const bool bpf = classify_syscall(e->arch, e->nr) == Syscall::Bpf;
            backend_.resume(*e, want_exit, bpf && call != pending_.end() ? call->second.call.get() : nullptr);
            continue;
        }
        case Event::Kind::SyscallExit: {
            if (fd_syscalls_.in_call(e->tid)) on_fd_exit(*e);
            else on_exit(*e);
            break;
        }
        case Event::Kind::NewTask: on_new_task(*e); break;
        case Event::Kind::Exec: on_exec(*e); break;
        case Event::Kind::TaskExit: on_task_exit(*e); break;
        case Event::Kind::TracerSignal: on_signal(e->status, e->thread, e->other); break;
        }
        backend_.resume(*e);
    }
    probes_.settle();
    if (options_.command.empty() && !main_exited_) {
        // Detached (Ctrl-C): the process runs on.
        ProcessRecord detached;
        detached.kind = ProcessRecord::Kind::Detach;
        detached.caller = Caller{main_pid_, main_pid_, 1};
        detached.when = monotonic_now();
        out_.process(detached);
    }
    summary();
    out_.flush();
    if (WIFSIGNALED(main_status_)) return 128 + WTERMSIG(main_status_);
    return WIFEXITED(main_status_) ? WEXITSTATUS(main_status_) : 1;
}

void Session::summary() {
    // What each fd held, and what outlives the program (when the trace saw
    // any BPF object at all). Text -q prints none: it is not gathered.
    if (model_.objects().empty() || !commentary_wanted()) return;
    // --no-follow: COMMAND's process only, as the call lines.
    // Feature probes' fds are left out of the text's tables unless -v.
    const bool with_probes = options_.verbose || options_.format == Format::Json;
    // What holds each object on the whole machine, asked once.
    const model::KernelHolders holders = gather_holders(getpid());
    const model::Summary s =
        model::summarize(model_, inspector_, options_.follow_forks ? 0 : main_pid_, with_probes, &holders);
    for (const model::ProcessFds& p : s.processes) out_.fd_table(FdTableRecord{&p});
    out_.alive(AliveRecord{s.alive, s.only_looked_at});
}

void Session::on_new_task(const Event& e) {
    if (!e.thread) model_.forked(e.other_tgid, e.tgid, ref(0, e.other_tgid, "fork"));
    if (!shown(e.tgid)) return;
    probes_.settle();
    ProcessRecord r;
    r.kind = e.thread ? ProcessRecord::Kind::Thread : ProcessRecord::Kind::Fork;
    r.caller = caller(e.tid, e.tgid);
    r.parent = e.other_tgid;
    r.when = e.ts;
    out_.process(r);
}

void Session::on_exec(const Event& e) {
    if (e.tgid == main_pid_) main_exec_seen_ = true;
    probes_.settle();
    probes_.forget(e.tgid);
    model_.execed(e.tgid, ref(0, e.tgid, "execve"));
    // Threads killed by execve never return from their calls.
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->second.call && it->second.tgid == e.tgid && it->first != e.tid) {
            if (shown(e.tgid)) record_unfinished(it->first, it->second, CallEnd::ExecKilled);
            pool_.push_back(std::move(it->second.call));
            it = pending_.erase(it);
        } else {
            ++it;
        }
    }
    if (!shown(e.tgid)) return;
    ProcessRecord r;
    r.kind = ProcessRecord::Kind::Exec;
    r.caller = caller(e.other != 0 ? e.other : e.tid, e.tgid);
    r.when = e.ts;
    out_.process(r);
}

void Session::record_unfinished(pid_t tid, const Pending& p, CallEnd end) {
    probes_.settle();
    CallRecord r;
    r.caller = caller(tid, p.tgid);
    r.seq = p.seq;
    r.call = p.call.get();
    r.state = end == CallEnd::None ? CallState::InProgress : CallState::Abandoned;
    r.end = end;
    r.entered = p.entered;
    calling_.insert(p.tgid);
    out_.call(r);
}

model::CallRef Session::ref(uint64_t seq, pid_t tgid, std::string_view what) const {
    return model::CallRef{seq, tgid, std::string(what)};
}

bool Session::on_entry(const Event& e) {
    const Syscall kind = classify_syscall(e.arch, e.nr);
    if (kind != Syscall::Bpf) {
        if (!fd_syscalls_.entry(e, kind, backend_.memory(e.tid), seq_ + 1)) return false;
        ++seq_;
        return true;
    }
    Pending p;
    p.call = take_call();
    p.tgid = e.tgid;
    p.seq = ++seq_;
    p.entered = e.ts;
    resolver_.set_pid(e.tgid);
    DecodeOptions opts;
    opts.string_limit = options_.string_limit;
    Decoder decoder(backend_.memory(e.tid), &resolver_, opts);
    decoder.decode_entry(*p.call, uint32_t(e.args[0]), RemoteAddr{e.args[1]}, uint32_t(e.args[2]));
    auto& slot = pending_[e.tid];
    if (slot.call) pool_.push_back(std::move(slot.call));
    slot = std::move(p);
    return true;
}

void Session::on_exit(const Event& e) {
    // The slot stays in the table (no allocation per call); an empty call
    // pointer marks it idle.
    auto it = pending_.find(e.tid);
    if (it == pending_.end() || !it->second.call) return;
    Pending done = std::move(it->second);
    it->second.call.reset();
    if (e.unknown_result) {
        // The call ran, but nothing says how it ended (strace's `= ?`).
        if (shown(done.tgid)) record_unfinished(e.tid, done, CallEnd::ResultUnknown);
        pool_.push_back(std::move(done.call));
        return;
    }

    resolver_.set_pid(e.tgid);
    DecodeOptions opts;
    opts.string_limit = options_.string_limit;
    Decoder decoder(backend_.memory(e.tid), &resolver_, opts);
    decoder.decode_exit(*done.call, e.ret);
    // A feature probe's failure is its answer: the verifier's log of it is not wanted.
    const auto probe = probes_.bpf_call(*done.call, done.tgid, e.tid);
    replay_note_.clear();
    if (!probe.probe && wants_replay(*done.call)) {
        std::string why_not;
        if (!replay_for_log(e.tgid, backend_.memory(e.tid), *done.call, &why_not))
            replay_note_ = "the tracer did not load it again to get the verifier's log: " + why_not;
    }
    model::apply_bpf_call(model_, done.tgid, done.seq, *done.call);

    if (shown(done.tgid)) {
        // Calls that began before this one and are still running are
        // recorded as in progress first, so the trace keeps the order
        // things happened in.
        for (auto& [tid, p] : pending_) {
            if (p.call && p.seq < done.seq && !p.shown_unfinished && shown(p.tgid)) {
                record_unfinished(tid, p, CallEnd::None);
                p.shown_unfinished = true;
            }
        }
        notes_.clear();
        if (commentary_wanted()) {
            // A question asked and answered before is said to be one, not explained again.
            if (const auto earlier = repeats_.repeat_of(*done.call, done.seq))
                notes_.push_back(fmt::format("the same question as #{}, and the same answer", *earlier));
            else
                notes::explain_bpf(*done.call, done.tgid, model_, environment_.for_process(done.tgid), notes_);
        }
        if (!replay_note_.empty()) notes_.push_back(replay_note_);
        CallRecord r;
        r.caller = caller(e.tid, done.tgid);
        r.seq = done.seq;
        r.call = done.call.get();
        r.resumed = done.shown_unfinished;
        r.entered = done.entered;
        r.exited = e.ts;
        r.notes = notes_;
        calling_.insert(done.tgid);
        if (probes_.record(probe, r, notes_, done.call)) return;  // held until the next call says what it was
        out_.call(r);
    }
    notes_.clear();
    pool_.push_back(std::move(done.call));
}

void Session::on_fd_exit(const Event& e) {
    SyscallRecord r;
    FdSyscalls::Closed closed;
    const bool show = fd_syscalls_.exit(e, options_.show_fd_lines && shown(e.tgid), commentary_wanted(), r, closed);
    if (closed.first >= 0) r.probe = probes_.closed(e.tgid, e.tid, closed.first, closed.last);
    if (!show) return;
    probes_.settle();
    r.caller = caller(e.tid, e.tgid);
    calling_.insert(e.tgid);
    out_.syscall(r);
}

void Session::on_task_exit(const Event& e) {
    auto it = pending_.find(e.tid);
    if (it != pending_.end() && !it->second.call) {
        pending_.erase(it);
    } else if (it != pending_.end()) {
        if (shown(it->second.tgid)) record_unfinished(e.tid, it->second, CallEnd::ThreadExited);
        pool_.push_back(std::move(it->second.call));
        pending_.erase(it);
    }
    fd_syscalls_.forget(e.tid);
    if (e.tid == main_pid_) {
        main_status_ = e.status;
        main_exited_ = true;
    }
    if (e.tid == e.tgid) {
        model_.exited(e.tgid, ref(0, e.tgid, "exit"));
        inspector_.forget(e.tgid);
        environment_.forget(e.tgid);
    }
    if (e.tid == e.tgid) {
        probes_.settle();  // its held call, if any, before its state goes
        probes_.forget(e.tgid);
    }
    if (e.tid != e.tgid || !shown(e.tgid)) return;
    probes_.settle();
    ProcessRecord r;
    r.kind = ProcessRecord::Kind::Exit;
    // The task is no longer counted: it and the others still traced.
    r.caller = Caller{e.tgid, e.tid, backend_.tracee_count() + 1};
    r.status = e.status;
    r.when = e.ts;
    r.made_traced_calls = calling_.erase(e.tgid) > 0;
    r.is_command = e.tgid == main_pid_;
    out_.process(r);
}

bool Session::wants_replay(const DecodedCall& call) const {
    if (call.cmd != uapi::BPF_PROG_LOAD && call.cmd != uapi::BPF_BTF_LOAD) return false;
    if (call.log_source != LogSource::None || options_.verifier_log == VerifierLog::Never) return false;
    if (options_.verifier_log == VerifierLog::Always) return true;
    // Failures the verifier (or BTF checker) explains; not missing
    // privileges, bad pointers or bad fds, which it never sees, nor a
    // verification a signal interrupted (EAGAIN), which it never finished.
    if (call.ret >= 0) return false;
    switch (-call.ret) {
    case EPERM:
    case EFAULT:
    case EBADF:
    case ENOMEM:
    case EINTR:
    case EAGAIN: return false;
    default: return true;
    }
}

void Session::on_signal(int sig, bool sent_by_process, pid_t sender) {
    if (options_.command.empty()) {
        // Attached: the signal is the user's way to stop tracing; the
        // process runs on untouched.
        backend_.stop_tracing();
        return;
    }
    // Launched: the program decides what a signal means, and gets each one
    // once, as untraced. One from the terminal or sent to its process group
    // (or cgroup) reached it already; one sent to the tracer alone is passed
    // on. Tracing goes on, so its clean-up is in the trace too; nothing the
    // tracer receives ever ends the program for it.
    if (!sent_by_process) return;
    if (signal_sightings_.active() &&
        signal_sightings_.reached_traced(sender, sig, [&](pid_t pid) { return pid == main_pid_ || backend_.traces(pid); }))
        return;
    backend_.forward_signal(sig);
}

} // namespace bpfsc::tracer
