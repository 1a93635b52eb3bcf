// The session loop (see session.h).
#include "tracer/session/session.h"

#include "tracer/os/proc_status.h"
#include "tracer/kernel/verifier_replay.h"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sys/wait.h>

#include "decoder/model/summary.h"
#include "decoder/notes/notes.h"
#include "decoder/render/json.h"
#include "decoder/render/text.h"
#include "decoder/uapi/bpf_attr.h"
#include "tracer/os/process_memory.h"
#include "tracer/launch/seccomp_filter.h"

namespace bpfsc::tracer {

using namespace bpfsc::decoder;

Session::Session(Backend& backend, const Options& options, Output& output, pid_t main_pid)
    : backend_(backend), options_(options), out_(output), main_pid_(main_pid) {
    backend_.before_blocking = [this] { out_.flush(); };
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

int Session::run() {
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
            auto fd = fd_pending_.find(e->tid);
            if (fd != fd_pending_.end() && fd->second.kind != Syscall::Other) on_fd_exit(*e, fd->second);
            else on_exit(*e);
            break;
        }
        case Event::Kind::NewTask:
            if (!e->thread) model_.forked(e->other_tgid, e->tgid, ref(0, e->other_tgid, "fork"));
            break;
        case Event::Kind::Exec:
            if (e->tgid == main_pid_) main_exec_seen_ = true;
            model_.execed(e->tgid, ref(0, e->tgid, "execve"));
            // Threads killed by execve never return from their calls.
            for (auto it = pending_.begin(); it != pending_.end();) {
                if (it->second.call && it->second.tgid == e->tgid && it->first != e->tid) {
                    if (shown(e->tgid)) print_call(it->first, e->tgid, *it->second.call, true, false, it->second.seq,
                                                   "thread gone: execve");
                    pool_.push_back(std::move(it->second.call));
                    it = pending_.erase(it);
                } else {
                    ++it;
                }
            }
            break;
        case Event::Kind::TaskExit: on_task_exit(*e); break;
        case Event::Kind::TracerSignal: on_signal(e->status, e->thread, e->other); break;
        }
        backend_.resume(*e);
    }
    if (!options_.quiet && !model_.objects().empty()) {
        // What each fd held, and what outlives the program (when the trace
        // saw any BPF object at all).
        model::SummaryOptions summary;
        summary.json = options_.format == Format::Json;
        if (!options_.follow_forks) summary.only_pid = main_pid_;  // as the call lines: COMMAND's process only
        model::render_summary(model_, inspector_, summary, out_.buffer());
    }
    out_.flush();
    if (WIFSIGNALED(main_status_)) return 128 + WTERMSIG(main_status_);
    return WIFEXITED(main_status_) ? WEXITSTATUS(main_status_) : 1;
}


namespace {

// Whether a successful call of this command made a new BPF object (the
// others that return fds open an existing one: by id, by pin).
bool creates_object(uint32_t cmd) {
    switch (cmd) {
    case uapi::BPF_MAP_CREATE:
    case uapi::BPF_PROG_LOAD:
    case uapi::BPF_BTF_LOAD:
    case uapi::BPF_LINK_CREATE:
    case uapi::BPF_RAW_TRACEPOINT_OPEN:
    case uapi::BPF_ITER_CREATE:
    case uapi::BPF_TOKEN_CREATE: return true;
    default: return false;
    }
}

} // namespace

model::CallRef Session::ref(uint64_t seq, pid_t tgid, std::string_view what) const {
    return model::CallRef{seq, tgid, std::string(what)};
}

bool Session::on_entry(const Event& e) {
    const Syscall kind = classify_syscall(e.arch, e.nr);
    if (kind != Syscall::Bpf) return on_fd_entry(e, kind);
    Pending p;
    p.call = take_call();
    p.tgid = e.tgid;
    p.seq = ++seq_;
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
        if (shown(done.tgid)) print_call(e.tid, done.tgid, *done.call, true, false, done.seq, "result unknown");
        pool_.push_back(std::move(done.call));
        return;
    }

    resolver_.set_pid(e.tgid);
    DecodeOptions opts;
    opts.string_limit = options_.string_limit;
    Decoder decoder(backend_.memory(e.tid), &resolver_, opts);
    decoder.decode_exit(*done.call, e.ret);
    replay_note_.clear();
    if (wants_replay(*done.call)) {
        std::string why_not;
        if (!replay_for_log(e.tgid, backend_.memory(e.tid), *done.call, &why_not))
            replay_note_ = "the tracer did not load it again to get the verifier's log: " + why_not;
    }
    update_model(done.tgid, done.seq, *done.call);

    if (shown(done.tgid)) {
        // Calls that began before this one and are still running are shown
        // as unfinished first, so the trace keeps the order things happened.
        for (auto& [tid, p] : pending_) {
            if (p.call && p.seq < done.seq && !p.shown_unfinished && shown(p.tgid)) {
                print_call(tid, p.tgid, *p.call, true, false, p.seq);
                p.shown_unfinished = true;
            }
        }
        notes_.clear();
        if (!options_.quiet || options_.format == Format::Json)
            notes::explain_bpf(*done.call, done.tgid, model_, environment(done.tgid), notes_);
        if (!replay_note_.empty()) notes_.push_back(replay_note_);
        print_call(e.tid, done.tgid, *done.call, false, done.shown_unfinished, done.seq);
        notes_.clear();
    }
    pool_.push_back(std::move(done.call));
}

void Session::on_task_exit(const Event& e) {
    auto it = pending_.find(e.tid);
    if (it != pending_.end() && !it->second.call) {
        pending_.erase(it);
    } else if (it != pending_.end()) {
        if (shown(it->second.tgid)) print_call(e.tid, it->second.tgid, *it->second.call, true, false, it->second.seq, "exited");
        pool_.push_back(std::move(it->second.call));
        pending_.erase(it);
    }
    fd_pending_.erase(e.tid);
    if (e.tid == main_pid_) {
        main_status_ = e.status;
        main_exited_ = true;
    }
    if (e.tid == e.tgid) {
        model_.exited(e.tgid, ref(0, e.tgid, "exit"));
        inspector_.forget(e.tgid);
    }
    if (e.tid != e.tgid || !shown(e.tgid)) return;
    auto& buf = out_.buffer();
    if (options_.format == Format::Json) {
        fmt::format_to(std::back_inserter(buf), "{{\"event\":\"exit\",\"pid\":{},", e.tid);
        if (WIFSIGNALED(e.status))
            fmt::format_to(std::back_inserter(buf), "\"signal\":{},\"signal_name\":\"SIG{}\"}}\n", WTERMSIG(e.status),
                           sigabbrev_np(WTERMSIG(e.status)) ? sigabbrev_np(WTERMSIG(e.status)) : "?");
        else fmt::format_to(std::back_inserter(buf), "\"exit_code\":{}}}\n", WEXITSTATUS(e.status));
    } else {
        // The task is no longer counted: others still traced means a prefix.
        if (backend_.tracee_count() > 0) fmt::format_to(std::back_inserter(buf), "[pid {}] ", e.tid);
        if (WIFSIGNALED(e.status))
            fmt::format_to(std::back_inserter(buf), "+++ killed by SIG{} +++\n",
                           sigabbrev_np(WTERMSIG(e.status)) ? sigabbrev_np(WTERMSIG(e.status)) : "?");
        else fmt::format_to(std::back_inserter(buf), "+++ exited with {} +++\n", WEXITSTATUS(e.status));
    }
    out_.end_record();
}

const notes::Environment& Session::environment(pid_t tgid) {
    // Read once per process: the sysctl, and whether the process holds
    // CAP_BPF (39) or CAP_SYS_ADMIN (21) in its effective set.
    if (environment_.unprivileged_bpf_disabled == -2) {
        environment_.unprivileged_bpf_disabled = -1;
        if (FILE* f = std::fopen("/proc/sys/kernel/unprivileged_bpf_disabled", "re")) {
            if (std::fscanf(f, "%d", &environment_.unprivileged_bpf_disabled) != 1)
                environment_.unprivileged_bpf_disabled = -1;
            std::fclose(f);
        }
    }
    auto it = privileged_.find(tgid);
    if (it == privileged_.end()) {
        const std::optional<uint64_t> caps = effective_capabilities(tgid);
        const bool admin = !caps || (*caps >> 21 & 1);
        it = privileged_.emplace(tgid, Privileges{admin || (*caps >> 39 & 1), admin}).first;
    }
    environment_.tracee_privileged = it->second.bpf_or_admin;
    environment_.tracee_sys_admin = it->second.admin;
    return environment_;
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

void Session::update_model(pid_t tgid, uint64_t seq, DecodedCall& call) {
    if (call.command == nullptr || call.ret < 0) return;
    const std::string_view name = call.command->name;
    auto member = [&](std::string_view field) -> const FieldValue* {
        for (const FieldValue& v : call.fields)
            if (v.field->name == field) return &v;
        return nullptr;
    };
    if (call.command->returns == Returns::Fd) {
        // bpf() makes every fd it returns close-on-exec.
        model::CallRef by = ref(seq, tgid, name);
        by.creates = creates_object(call.cmd);
        const model::FdRecord* r = model_.opened(tgid, int(call.ret), true, by);
        if (r != nullptr) {
            const std::string& label = r->object->cached_label();
            call.ret_label.assign(label.data(), label.size());
        }
    }
    switch (call.cmd) {
    case uapi::BPF_OBJ_PIN:
        if (const FieldValue* fd = member("bpf_fd"); fd != nullptr) {
            if (auto object = model_.object_of(tgid, int32_t(fd->entry))) {
                // The whole path, not the -s cut of it the line shows.
                const FieldValue* path = member("pathname");
                std::string where = path != nullptr ? read_tracee_string(backend_.memory(tgid), path->entry) : "";
                object->pinned_at.push_back(where.empty() ? std::string("a path") : std::move(where));
            }
        }
        break;
    case uapi::BPF_OBJ_GET:
        // Opened from a pin: the object is pinned there (perhaps by someone else).
        if (auto object = model_.object_of(tgid, int(call.ret))) {
            const FieldValue* path = member("pathname");
            std::string where = path != nullptr ? read_tracee_string(backend_.memory(tgid), path->entry) : "";
            if (!where.empty() &&
                std::find(object->pinned_at.begin(), object->pinned_at.end(), where) == object->pinned_at.end())
                object->pinned_at.push_back(std::move(where));
        }
        break;
    case uapi::BPF_MAP_FREEZE:
        if (const FieldValue* fd = member("map_fd"))
            if (auto object = model_.object_of(tgid, int32_t(fd->entry))) object->frozen = true;
        break;
    case uapi::BPF_PROG_ATTACH:
    case uapi::BPF_PROG_DETACH:
        if (const FieldValue* fd = member("attach_bpf_fd"))
            if (auto object = model_.object_of(tgid, int32_t(fd->entry)))
                object->attached = call.cmd == uapi::BPF_PROG_ATTACH;
        break;
    case uapi::BPF_LINK_CREATE:
    case uapi::BPF_RAW_TRACEPOINT_OPEN:
        if (const FieldValue* fd = member("prog_fd")) {
            auto link = model_.object_of(tgid, int(call.ret));
            auto prog = model_.object_of(tgid, int32_t(fd->entry));
            if (link && prog && link->facts.id != 0) prog->held_by_links.push_back(link->facts.id);
        }
        break;
    default: break;
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

void Session::prefix(pid_t tid) {
    if (backend_.tracee_count() > 1) fmt::format_to(std::back_inserter(out_.buffer()), "[pid {}] ", tid);
}

void Session::print_call(pid_t tid, pid_t tgid, const DecodedCall& call, bool unfinished, bool resumed,
                         uint64_t seq, std::string_view note) {
    auto& buf = out_.buffer();
    if (options_.format == Format::Json) {
        fmt::memory_buffer obj;
        render_json(call, obj, options_.verbose);
        // Splice pid/tid (and the note) in front of the call's own members.
        fmt::format_to(std::back_inserter(buf), "{{\"pid\":{},\"tid\":{},", tgid, tid);
        if (seq != 0) fmt::format_to(std::back_inserter(buf), "\"seq\":{},", seq);
        if (!note.empty()) fmt::format_to(std::back_inserter(buf), "\"note\":\"{}\",", note);
        buf.append(obj.data() + 1, obj.data() + obj.size() - 1);
        if (!unfinished && !notes_.empty()) {
            const std::string_view key = ",\"notes\":[";
            buf.append(key.data(), key.data() + key.size());
            for (std::size_t i = 0; i < notes_.size(); ++i) {
                if (i != 0) buf.push_back(',');
                append_json_string(buf, notes_[i]);
            }
            buf.push_back(']');
        }
        buf.append(std::string_view("}\n"));
        out_.end_record();
        return;
    }
    prefix(tid);
    if (options_.numbers && seq != 0) fmt::format_to(std::back_inserter(buf), "#{} ", seq);
    if (resumed) fmt::format_to(std::back_inserter(buf), "<... bpf resumed> ");
    TextOptions topts;
    topts.data_lines = !options_.quiet;
    topts.whole_data = !options_.quiet;
    topts.verbose = options_.verbose;
    const std::size_t start = buf.size();
    render_text(call, unfinished ? TextPhase::Unfinished : TextPhase::Complete, topts, buf);
    if (!note.empty() && unfinished) {
        // "... <unfinished ...>\n" becomes "... <unfinished ...> = ? <exited>"
        const std::string_view text(buf.data() + start, buf.size() - start);
        const std::size_t nl = text.find('\n');
        if (nl != std::string_view::npos) {
            std::string rest(text.substr(nl));
            buf.resize(start + nl);
            fmt::format_to(std::back_inserter(buf), " = ? <{}>", note);
            buf.append(rest.data(), rest.data() + rest.size());
        }
    }
    if (!unfinished && !options_.quiet)
        for (const std::string& line : notes_) fmt::format_to(std::back_inserter(buf), "  # {}\n", line);
    out_.end_record();
}

} // namespace bpfsc::tracer
