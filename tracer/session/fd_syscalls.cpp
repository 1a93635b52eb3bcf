// The fd syscalls of the model (see fd_syscalls.h): decoding their
// arguments at entry, their effect on the model and their record at exit.
#include <fcntl.h>
#include <linux/close_range.h>

#include <linux/perf_event.h>

#include "decoder/model/call_effects.h"
#include "decoder/notes/notes.h"
#include "tracer/session/fd_syscalls.h"

#include <algorithm>
#include <cstdint>

namespace bpfsc::tracer {

namespace {

// The fds whose lines are shown (model::Object::followed).
bool is_shown(const model::FdRecord* r) { return r != nullptr && r->object->followed(); }

const char* fcntl_command(uint64_t cmd) {
    switch (cmd) {
    case F_DUPFD: return "F_DUPFD";
    case F_DUPFD_CLOEXEC: return "F_DUPFD_CLOEXEC";
    case F_SETFD: return "F_SETFD";
    default: return nullptr;
    }
}

// What a successful call does, in the model's terms.
model::FdOperation fd_operation(Syscall kind, const std::array<uint64_t, 6>& args, int64_t ret, const std::string& born) {
    using K = model::FdOperation::Kind;
    model::FdOperation op;
    op.fd = int(args[0]);
    switch (kind) {
    case Syscall::Close: op.kind = K::Close; break;
    case Syscall::Dup: op.kind = K::Duplicate; op.new_fd = int(ret); break;
    case Syscall::Dup2:
    case Syscall::Dup3:
        op.kind = K::DuplicateOnto;
        op.new_fd = int(args[1]);
        op.cloexec = kind == Syscall::Dup3 && (args[2] & O_CLOEXEC);
        break;
    case Syscall::Fcntl:
        if (args[1] == F_SETFD) {
            op.kind = K::SetCloexec;
            op.cloexec = args[2] & FD_CLOEXEC;
        } else {
            op.kind = K::Duplicate;
            op.new_fd = int(ret);
            op.cloexec = args[1] == F_DUPFD_CLOEXEC;
        }
        break;
    case Syscall::CloseRange:
        op.kind = args[2] & CLOSE_RANGE_CLOEXEC ? K::CloexecRange : K::CloseRange;
        op.last = unsigned(args[1]);
        break;
    case Syscall::PerfEventOpen:
        op.kind = K::PerfEventOpened;
        op.new_fd = int(ret);
        op.cloexec = args[4] & PERF_FLAG_FD_CLOEXEC;
        op.what = born;
        break;
    default:  // PERF_EVENT_IOC_SET_BPF, the one ioctl followed
        op.kind = K::ProgOnEvent;
        op.prog_fd = int(args[2]);
        break;
    }
    return op;
}

} // namespace

FdRef FdSyscalls::fd_ref(pid_t pid, int fd, bool ask_kernel) {
    FdRef r;
    r.fd = fd;
    const model::FdRecord* known = ask_kernel ? model_.lookup(pid, fd) : model_.find(pid, fd);
    if (known != nullptr) r.object = known->object;
    return r;
}

SyscallArg FdSyscalls::fd_arg(std::string_view name, pid_t pid, int fd, bool ask_kernel) {
    SyscallArg a = SyscallArg::of(name, SyscallArg::Kind::Fd, uint64_t(int64_t(fd)));
    a.fd = fd_ref(pid, fd, ask_kernel);
    return a;
}

bool FdSyscalls::entry(const Event& e, Syscall kind, decoder::Memory& memory, uint64_t seq) {
    Call call;
    call.kind = kind;
    call.args = e.args;
    call.tgid = e.tgid;
    call.entered = e.ts;
    const int fd = int(e.args[0]);
    const model::FdRecord* first = model_.find(e.tgid, fd);
    bool relevant = first != nullptr;
    call.shown = is_shown(first);
    std::vector<SyscallArg>& args = call.decoded;
    switch (kind) {
    case Syscall::Close: args.push_back(fd_arg("fd", e.tgid, fd)); break;
    case Syscall::Dup: args.push_back(fd_arg("oldfd", e.tgid, fd)); break;
    case Syscall::Dup2:
    case Syscall::Dup3: {
        const model::FdRecord* second = model_.find(e.tgid, int(e.args[1]));
        relevant = relevant || second != nullptr;
        call.shown = call.shown || is_shown(second);
        args.push_back(fd_arg("oldfd", e.tgid, fd));
        args.push_back(fd_arg("newfd", e.tgid, int(e.args[1])));
        // dup3 takes O_CLOEXEC alone (the kernel refuses other bits).
        if (kind == Syscall::Dup3) args.push_back(SyscallArg::flags_of("flags", e.args[2] & O_CLOEXEC, {{O_CLOEXEC, "O_CLOEXEC"}}));
        break;
    }
    case Syscall::Fcntl: {
        args.push_back(fd_arg("fd", e.tgid, fd));
        const char* cmd = fcntl_command(e.args[1]);
        if (cmd == nullptr) return false;  // not one the filter selects for the model
        SyscallArg c = SyscallArg::of("cmd", SyscallArg::Kind::Enum, e.args[1]);
        c.symbol = cmd;
        args.push_back(std::move(c));
        if (e.args[1] == F_SETFD) args.push_back(SyscallArg::flags_of("arg", e.args[2] & FD_CLOEXEC, {{FD_CLOEXEC, "FD_CLOEXEC"}}));
        else args.push_back(SyscallArg::of("arg", SyscallArg::Kind::Signed, uint64_t(int64_t(int(e.args[2])))));
        break;
    }
    case Syscall::CloseRange: {
        const unsigned lo = unsigned(e.args[0]), hi = unsigned(e.args[1]);
        relevant = false;
        for (const model::FdRecord* r : model_.open_in_range(e.tgid, lo, hi)) {
            relevant = true;
            call.shown = call.shown || is_shown(r);
        }
        args.push_back(SyscallArg::of("first", SyscallArg::Kind::Unsigned, lo));
        args.push_back(SyscallArg::of("last", SyscallArg::Kind::Unsigned, hi));
        args.push_back(SyscallArg::flags_of("flags", e.args[2],
                             {{CLOSE_RANGE_UNSHARE, "CLOSE_RANGE_UNSHARE"}, {CLOSE_RANGE_CLOEXEC, "CLOSE_RANGE_CLOEXEC"}}));
        break;
    }
    case Syscall::PerfEventOpen:
    case Syscall::Ioctl:
        // Always shown: the events BPF programs run on and write through.
        if (!perf_entry(e, memory, call)) return false;
        relevant = true;
        call.shown = true;
        break;
    default: return false;
    }
    if (!relevant) return false;  // no fd the model knows: let it run without a second stop
    call.seq = seq;
    pending_[e.tid] = std::move(call);
    return true;
}

bool FdSyscalls::in_call(pid_t tid) const {
    const auto it = pending_.find(tid);
    return it != pending_.end() && it->second.kind != Syscall::Other;
}

bool FdSyscalls::exit(const Event& e, bool show, bool commentary, SyscallRecord& r, Closed& closed) {
    closed = Closed{};
    const auto it = pending_.find(e.tid);
    if (it == pending_.end() || it->second.kind == Syscall::Other) return false;
    Call& call = it->second;
    const Syscall kind = call.kind;
    call.kind = Syscall::Other;  // the slot is idle again
    // How it ended is unknown: the model keeps what it knew.
    if (e.unknown_result) return false;
    const int64_t ret = e.ret;
    const pid_t pid = call.tgid;
    const model::CallRef by{call.seq, pid, std::string(syscall_name(kind))};
    model::FdOutcome outcome;
    if (ret >= 0) outcome = model::apply_fd_operation(model_, pid, fd_operation(kind, call.args, ret, call.born_label), by);
    const int new_fd = ret >= 0 ? outcome.new_fd : -1;
    if (kind == Syscall::Close && ret == 0) closed = Closed{int(call.args[0]), int(call.args[0])};
    if ((kind == Syscall::Dup2 || kind == Syscall::Dup3) && ret >= 0 && call.args[0] != call.args[1])
        closed = Closed{int(call.args[1]), int(call.args[1])};
    constexpr uint64_t kCloseRangeCloexec = 1u << 2;  // CLOSE_RANGE_CLOEXEC: marks them, closes none
    if (kind == Syscall::CloseRange && ret == 0 && !(call.args[2] & kCloseRangeCloexec) && call.args[0] <= INT32_MAX)
        closed = Closed{int(call.args[0]), int(std::min<uint64_t>(call.args[1], INT32_MAX))};
    if (kind == Syscall::PerfEventOpen) notes::explain_perf_event_open(ret, call.notes);
    else if (kind == Syscall::Ioctl)
        notes::explain_perf_set_bpf(model_, pid, int(call.args[0]), int(call.args[2]), ret, call.notes);
    if (!call.shown || !show) return false;

    if (commentary) notes::explain_fd_syscall(model_, pid, outcome.released, new_fd, call.notes);
    r.seq = call.seq;
    r.syscall = kind;
    r.args = call.decoded;
    r.ret = ret;
    r.returned = FdRef{};
    if (new_fd >= 0) {
        r.returned.fd = new_fd;
        if (const model::FdRecord* born = model_.find(pid, new_fd)) r.returned.object = born->object;
    }
    r.entered = call.entered;
    r.exited = e.ts;
    r.notes = call.notes;
    return true;
}

} // namespace bpfsc::tracer
