// The fd syscalls the model follows: close, close_range, dup, dup2, dup3,
// fcntl(F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD), perf_event_open and
// ioctl(PERF_EVENT_IOC_SET_BPF). At entry their arguments are decoded (fds
// with the objects they refer to); at exit the model learns their effect
// (decoder/model/call_effects.h) and, for a call that touched a BPF fd or a
// perf event, a SyscallRecord is made with the commentary of
// decoder/notes/fd_syscalls.cpp. The session decides whether it is printed.
//   close(3<map#15:hash:config>) = 0
//   dup2(3<map#15:hash:config>, 10) = 10<map#15:hash:config>
#pragma once

#include <sys/types.h>

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "decoder/memory.h"
#include "decoder/model/fd_model.h"
#include "tracer/backend.h"
#include "tracer/output/records.h"
#include "tracer/session/perf_events.h"

namespace bpfsc::tracer {

class FdSyscalls {
public:
    explicit FdSyscalls(model::FdModel& model) : model_(model) {}

    // At entry of a call of `kind` (not bpf): whether it touches an fd the
    // model knows, so its exit is wanted; then it is numbered `seq`.
    // `memory` reads the caller's perf_event_attr.
    bool entry(const Event& e, Syscall kind, decoder::Memory& memory, uint64_t seq);
    // Whether `tid` is inside a call entry() took.
    bool in_call(pid_t tid) const;
    // At its exit: updates the model. Returns whether a record is to be
    // made (the call touched a BPF fd or a perf event and `show`); then
    // fills `r` but its caller, with notes when `commentary`. The record's
    // spans stay valid until the thread's next call. `closed`: the fds the
    // call closed (close, a dup2/dup3 over one, close_range), first -1 if none.
    struct Closed {
        int first = -1;
        int last = -1;
    };
    bool exit(const Event& e, bool show, bool commentary, SyscallRecord& r, Closed& closed);
    // The thread is gone: a call it was in never completes.
    void forget(pid_t tid) { pending_.erase(tid); }

private:
    // A call between its entry and its exit.
    struct Call {
        Syscall kind = Syscall::Other;    // Other: the slot is idle
        std::array<uint64_t, 6> args{};
        pid_t tgid = 0;
        uint64_t seq = 0;
        Timestamp entered;
        bool shown = false;               // it touches a BPF fd or a perf event
        std::vector<SyscallArg> decoded;  // the arguments, with the fds' objects at entry
        std::string born_label;           // perf_event_open: what the new fd is
        std::vector<std::string> notes;   // the commentary
    };

    // perf_event_open and ioctl(PERF_EVENT_IOC_SET_BPF) (perf_syscalls.cpp):
    // their arguments and, for perf_event_open, the new event's label.
    bool perf_entry(const Event& e, decoder::Memory& memory, Call& call);
    // fd `fd` of process `pid` with its object: from the model, or with
    // ask_kernel from the kernel on first sight (model::FdModel::lookup).
    FdRef fd_ref(pid_t pid, int fd, bool ask_kernel = false);
    SyscallArg fd_arg(std::string_view name, pid_t pid, int fd, bool ask_kernel = false);

    model::FdModel& model_;
    PerfEvents perf_events_;
    std::unordered_map<pid_t, Call> pending_;  // slots stay: no allocation per call
};

} // namespace bpfsc::tracer
