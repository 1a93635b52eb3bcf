// The fd syscalls of the model: close, close_range, dup, dup2, dup3 and
// fcntl(F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD). Each stops the tracee at entry;
// only when it touches an fd the model knows is its exit awaited, the model
// updated, and (for a BPF fd) a line printed:
//   close(3<map#15:hash:config>) = 0
//   dup2(3<map#15:hash:config>, 10) = 10<map#15:hash:config>
#include <fcntl.h>
#include <linux/close_range.h>

#include "decoder/render/format.h"
#include "decoder/render/json.h"
#include "tracer/session/session.h"

namespace bpfsc::tracer {

namespace {

// The fds whose lines are shown (model::Object::followed).
bool is_shown(const model::FdRecord* r) { return r != nullptr && r->object->followed(); }

const char* name_of(Syscall kind) {
    switch (kind) {
    case Syscall::Close: return "close";
    case Syscall::CloseRange: return "close_range";
    case Syscall::Dup: return "dup";
    case Syscall::Dup2: return "dup2";
    case Syscall::Dup3: return "dup3";
    case Syscall::Fcntl: return "fcntl";
    case Syscall::PerfEventOpen: return "perf_event_open";
    case Syscall::Ioctl: return "ioctl";
    default: return "?";
    }
}


const char* fcntl_command(uint64_t cmd) {
    switch (cmd) {
    case F_DUPFD: return "F_DUPFD";
    case F_DUPFD_CLOEXEC: return "F_DUPFD_CLOEXEC";
    case F_SETFD: return "F_SETFD";
    default: return nullptr;
    }
}

} // namespace

void append_fd(std::string& s, int fd, const model::FdRecord* r) {
    s += std::to_string(fd);
    if (r != nullptr) s += "<" + r->object->cached_label() + ">";
}

bool Session::on_fd_entry(const Event& e, Syscall kind) {
    FdCall call;
    call.kind = kind;
    call.args = e.args;
    call.tgid = e.tgid;
    const int fd = int(e.args[0]);
    const model::FdRecord* first = model_.find(e.tgid, fd);
    bool relevant = first != nullptr;
    call.shown = is_shown(first);
    std::string& t = call.text;
    t = name_of(kind);
    t += '(';
    switch (kind) {
    case Syscall::Close:
    case Syscall::Dup: append_fd(t, fd, first); break;
    case Syscall::Dup2:
    case Syscall::Dup3: {
        const model::FdRecord* second = model_.find(e.tgid, int(e.args[1]));
        relevant = relevant || second != nullptr;
        call.shown = call.shown || is_shown(second);
        append_fd(t, fd, first);
        t += ", ";
        append_fd(t, int(e.args[1]), second);
        if (kind == Syscall::Dup3) t += (e.args[2] & O_CLOEXEC) ? ", O_CLOEXEC" : ", 0";
        break;
    }
    case Syscall::Fcntl: {
        append_fd(t, fd, first);
        const char* cmd = fcntl_command(e.args[1]);
        if (cmd == nullptr) return false;  // not one the filter selects for the model
        t += ", ";
        t += cmd;
        if (e.args[1] == F_SETFD) t += (e.args[2] & FD_CLOEXEC) ? ", FD_CLOEXEC" : ", 0";
        else t += ", " + std::to_string(int(e.args[2]));
        break;
    }
    case Syscall::CloseRange: {
        const unsigned lo = unsigned(e.args[0]), hi = unsigned(e.args[1]);
        relevant = false;
        for (const model::FdRecord* r : model_.open_in_range(e.tgid, lo, hi)) {
            relevant = true;
            call.shown = call.shown || is_shown(r);
        }
        t += std::to_string(lo) + ", " + std::to_string(hi) + ", ";
        const uint64_t flags = e.args[2];
        if (flags == 0) t += "0";
        else {
            std::string f;
            if (flags & CLOSE_RANGE_UNSHARE) f += "CLOSE_RANGE_UNSHARE";
            if (flags & CLOSE_RANGE_CLOEXEC) f += std::string(f.empty() ? "" : "|") + "CLOSE_RANGE_CLOEXEC";
            t += f.empty() ? std::to_string(flags) : f;
        }
        break;
    }
    case Syscall::PerfEventOpen:
    case Syscall::Ioctl:
        // Always shown: the events BPF programs run on and write through.
        if (!perf_entry(e, call)) return false;
        relevant = true;
        call.shown = true;
        break;
    default: return false;
    }
    t += ")";
    if (!relevant) return false;  // no fd the model knows: let it run without a second stop
    call.seq = ++seq_;
    fd_pending_[e.tid] = std::move(call);
    return true;
}

void Session::on_fd_exit(const Event& e, FdCall& call) {
    if (e.unknown_result) {
        // How it ended is unknown: the model keeps what it knew.
        call.kind = Syscall::Other;
        return;
    }
    const int64_t ret = e.ret;
    const pid_t pid = call.tgid;
    const model::CallRef by = ref(call.seq, pid, name_of(call.kind));
    const int fd = int(call.args[0]);
    int new_fd = -1;
    // Objects this call may let go of, for the commentary.
    std::vector<std::shared_ptr<model::Object>> released;
    if (ret >= 0 && call.kind == Syscall::Close)
        if (const model::FdRecord* r = model_.find(pid, fd)) released.push_back(r->object);
    if (ret >= 0 && call.kind == Syscall::CloseRange && !(call.args[2] & CLOSE_RANGE_CLOEXEC))
        for (const model::FdRecord* r : model_.open_in_range(pid, unsigned(call.args[0]), unsigned(call.args[1])))
            released.push_back(r->object);
    if (ret >= 0) {
        switch (call.kind) {
        case Syscall::Close: model_.closed(pid, fd, by); break;
        case Syscall::Dup: new_fd = int(ret); model_.duplicated(pid, fd, new_fd, false, by); break;
        case Syscall::Dup2:
        case Syscall::Dup3:
            new_fd = int(call.args[1]);
            if (new_fd == fd) break;  // dup2(fd, fd) changes nothing
            if (model_.find(pid, fd) != nullptr)
                model_.duplicated(pid, fd, new_fd, call.kind == Syscall::Dup3 && (call.args[2] & O_CLOEXEC), by);
            else
                model_.closed(pid, new_fd, by);
            break;
        case Syscall::Fcntl:
            if (call.args[1] == F_SETFD) {
                model_.set_cloexec(pid, fd, call.args[2] & FD_CLOEXEC);
            } else {
                new_fd = int(ret);
                model_.duplicated(pid, fd, new_fd, call.args[1] == F_DUPFD_CLOEXEC, by);
            }
            break;
        case Syscall::CloseRange:
            for (const model::FdRecord* r : model_.open_in_range(pid, unsigned(call.args[0]), unsigned(call.args[1]))) {
                if (call.args[2] & CLOSE_RANGE_CLOEXEC) model_.set_cloexec(pid, r->fd, true);
                else model_.closed(pid, r->fd, by);
            }
            break;
        default: break;
        }
    }
    if (call.kind == Syscall::PerfEventOpen || call.kind == Syscall::Ioctl) perf_exit(call, ret, by, new_fd);
    const Syscall kind = call.kind;
    call.kind = Syscall::Other;  // the slot is idle again
    if (!call.shown || !options_.show_fd_lines || !shown(pid)) return;

    auto& buf = out_.buffer();
    const model::FdRecord* born = new_fd >= 0 && ret >= 0 ? model_.find(pid, new_fd) : nullptr;
    if (options_.format == Format::Json) {
        fmt::format_to(std::back_inserter(buf), "{{\"pid\":{},\"tid\":{},\"seq\":{},\"syscall\":\"{}\",\"line\":", pid,
                       e.tid, call.seq, name_of(kind));
        decoder::append_json_string(buf, call.text);
        fmt::format_to(std::back_inserter(buf), ",\"return\":{{\"value\":{}", ret < 0 ? -1 : ret);
        if (ret < 0) fmt::format_to(std::back_inserter(buf), ",\"errno\":{}", -ret);
        if (born != nullptr) {
            const std::string_view key = ",\"object\":";
            buf.append(key.data(), key.data() + key.size());
            decoder::append_json_string(buf, born->object->cached_label());
        }
        buf.push_back('}');
        if (!call.notes.empty() && !options_.quiet) {
            const std::string_view key = ",\"notes\":[";
            buf.append(key.data(), key.data() + key.size());
            for (std::size_t i = 0; i < call.notes.size(); ++i) {
                if (i != 0) buf.push_back(',');
                decoder::append_json_string(buf, call.notes[i]);
            }
            buf.push_back(']');
        }
        const std::string_view end = "}\n";
        buf.append(end.data(), end.data() + end.size());
        out_.end_record();
        return;
    }
    prefix(e.tid);
    if (options_.numbers) fmt::format_to(std::back_inserter(buf), "#{} ", call.seq);
    buf.append(call.text.data(), call.text.data() + call.text.size());
    const std::string_view eq = " = ";
    buf.append(eq.data(), eq.data() + eq.size());
    if (ret < 0) decoder::append_error_return(buf, ret);
    else fmt::format_to(std::back_inserter(buf), "{}", ret);
    if (born != nullptr) fmt::format_to(std::back_inserter(buf), "<{}>", born->object->cached_label());
    buf.push_back('\n');
    if (!options_.quiet) {
        for (const std::string& note : call.notes) fmt::format_to(std::back_inserter(buf), "  # {}\n", note);
        for (const auto& object : released) {
            if (object->facts.kind == model::ObjectKind::Other) {
                perf_event_released(pid, object, buf);
                continue;
            }
            const std::vector<int> still = model_.open_fds_of(pid, *object);
            if (still.empty())
                fmt::format_to(std::back_inserter(buf), "  # no fd of this process refers to {} any more\n",
                               object->cached_label());
            else
                fmt::format_to(std::back_inserter(buf), "  # {} is still open here as fd {}\n", object->cached_label(),
                               still.front());
        }
        if (born != nullptr && born->object->facts.kind != model::ObjectKind::Other)
            fmt::format_to(std::back_inserter(buf), "  # fd {} is another reference to {}{}\n", new_fd,
                           born->object->cached_label(), born->cloexec ? " (closed on exec)" : "");
    }
    out_.end_record();
}

} // namespace bpfsc::tracer
