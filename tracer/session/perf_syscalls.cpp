// perf_event_open and ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog_fd): how BCC
// (and libbpf on kernels without perf links) attach programs to
// tracepoints, kprobes and uprobes, and how perf buffers get their
// bpf-output events. The new event's fd is labelled with what it is, and a
// program set on an event is recorded as held by it (notes/fd_syscalls.cpp
// says what the results mean):
//   perf_event_open({type=PERF_TYPE_TRACEPOINT, size=128, config=742 /* syscalls:sys_enter_execve */}, -1, 0, -1, PERF_FLAG_FD_CLOEXEC) = 7<perf_event:tracepoint:syscalls:sys_enter_execve>
//   ioctl(7<perf_event:tracepoint:syscalls:sys_enter_execve>, PERF_EVENT_IOC_SET_BPF, 6<prog#80:tracepoint:hello>) = 0
//     # prog#80:tracepoint:hello now runs on every tracepoint:syscalls:sys_enter_execve event ...
#include <linux/perf_event.h>

#include "tracer/session/fd_syscalls.h"

namespace bpfsc::tracer {

bool FdSyscalls::perf_entry(const Event& e, decoder::Memory& memory, Call& call) {
    using K = SyscallArg::Kind;
    std::vector<SyscallArg>& args = call.decoded;
    if (call.kind == Syscall::PerfEventOpen) {
        PerfEventOpen p = perf_events_.describe_open(memory, e.args, fd_ref(e.tgid, int(e.args[3])));
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

} // namespace bpfsc::tracer
