// perf_event_open and ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog_fd): how BCC
// (and libbpf on kernels without perf links) attach programs to
// tracepoints, kprobes and uprobes, and how perf buffers get their
// bpf-output events. The new event's fd is labelled with what it is, and a
// program set on an event is recorded as held by it:
//   perf_event_open({type=PERF_TYPE_TRACEPOINT, size=128, config=742 /* syscalls:sys_enter_execve */}, -1, 0, -1, PERF_FLAG_FD_CLOEXEC) = 7<perf_event:tracepoint:syscalls:sys_enter_execve>
//   ioctl(7<perf_event:tracepoint:syscalls:sys_enter_execve>, PERF_EVENT_IOC_SET_BPF, 6<prog#80:tracepoint:hello>) = 0
//     # prog#80:tracepoint:hello now runs on every syscalls:sys_enter_execve event ...
#include <algorithm>
#include <cerrno>
#include <linux/perf_event.h>

#include <fmt/format.h>

#include "tracer/session/session.h"

namespace bpfsc::tracer {

namespace {

// "tracepoint:syscalls:sys_enter_execve" of "perf_event:tracepoint:...".
std::string_view event_of(std::string_view label) {
    return label.starts_with("perf_event:") ? label.substr(11) : label;
}

} // namespace

bool Session::perf_entry(const Event& e, FdCall& call) {
    using K = SyscallArg::Kind;
    std::vector<SyscallArg>& args = call.decoded;
    if (call.kind == Syscall::PerfEventOpen) {
        PerfEventOpen p = perf_events_.describe_open(backend_.memory(e.tid), e.args, fd_ref(e.tgid, int(e.args[3])));
        args = std::move(p.args);
        call.born_label = std::move(p.label);
        return true;
    }
    // ioctl: only PERF_EVENT_IOC_SET_BPF is selected (the kernel reads the request as 32 bits).
    if (uint32_t(e.args[1]) != kPerfEventIocSetBpf) return false;
    // An fd the model has not seen (open before tracing) is asked of the kernel.
    args.push_back(fd_arg("fd", e.tgid, int(e.args[0]), true));
    SyscallArg request = SyscallArg::of("request", K::Enum, uint32_t(e.args[1]));
    request.symbol = "PERF_EVENT_IOC_SET_BPF";
    args.push_back(std::move(request));
    args.push_back(fd_arg("prog_fd", e.tgid, int(e.args[2]), true));
    return true;
}

void Session::perf_notes(FdCall& call, int64_t ret) {
    if (call.kind == Syscall::PerfEventOpen) {
        switch (ret < 0 ? -ret : 0) {
        case EACCES:
        case EPERM:
            call.notes.push_back("not allowed: perf_event_paranoid, CAP_PERFMON or CAP_SYS_ADMIN decide who may "
                                 "open this event");
            break;
        case ENOENT: call.notes.push_back("no such event: the tracepoint id, probe or PMU does not exist"); break;
        case EINVAL: call.notes.push_back("the kernel refused the attr: a field or flag it does not accept here"); break;
        default: break;
        }
        return;
    }
    const pid_t pid = call.tgid;
    const int event_fd = int(call.args[0]), prog_fd = int(call.args[2]);
    const auto event = model_.object_of(pid, event_fd);
    const auto prog = model_.object_of(pid, prog_fd);
    const std::string event_name = event != nullptr ? std::string(event_of(event->cached_label())) : "the event";
    const std::string prog_name = prog != nullptr ? prog->cached_label() : fmt::format("fd {}", prog_fd);
    if (ret == 0) {
        call.notes.push_back(fmt::format("{} now runs on every {} event: the perf event holds a reference to it "
                                         "until its last fd is closed (fd {} here)",
                                         prog_name, event_name, event_fd));
        return;
    }
    switch (-ret) {
    case EEXIST: call.notes.push_back(fmt::format("{} already has a program", event_name)); break;
    case EINVAL:
        call.notes.push_back(fmt::format("{} cannot run on {}: the program type must match the event (tracepoint "
                                         "programs on tracepoints, kprobe programs on kprobes and uprobes, perf_event "
                                         "programs on hardware and software events)",
                                         prog_name, event_name));
        break;
    case EBADF: call.notes.push_back(fmt::format("fd {} is no BPF program, or fd {} no perf event", prog_fd, event_fd)); break;
    case EPERM:
    case EACCES: call.notes.push_back("not allowed to attach a program to this event"); break;
    default: break;
    }
}

void Session::perf_event_released(pid_t pid, const std::shared_ptr<model::Object>& event, std::vector<std::string>& notes) {
    if (!model_.open_fds_of(pid, *event).empty()) return;  // still open here
    for (const auto& prog : model_.objects()) {
        if (std::find(prog->perf_events.begin(), prog->perf_events.end(), event) == prog->perf_events.end()) continue;
        notes.push_back(fmt::format("no fd of this process refers to {} any more: unless another process holds "
                                    "it, the event is released and {} no longer runs on it",
                                    event->cached_label(), prog->cached_label()));
    }
}

} // namespace bpfsc::tracer
