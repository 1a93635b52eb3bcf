// What a perf event is, from the perf_event_attr a program passes to
// perf_event_open: the event BPF programs attach to (a tracepoint, a kprobe
// or uprobe) or the one a perf buffer writes through (software
// bpf-output, one per CPU). Gives the call's line and the label its fd
// carries from then on:
//   perf_event_open({type=PERF_TYPE_TRACEPOINT, config=742 /* syscalls:sys_enter_execve */}, -1, 0, -1, PERF_FLAG_FD_CLOEXEC)
//   7<perf_event:tracepoint:syscalls:sys_enter_execve>
// Tracepoint names come from tracefs (events/*/*/id), read once on the
// first tracepoint; the kprobe and uprobe PMU types from sysfs.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "decoder/decoded_call.h"
#include "tracer/output/records.h"

namespace bpfsc::tracer {

struct PerfEventOpen {
    // attr (the perf_event_attr, decoded; no members: unreadable), pid,
    // cpu, group_fd, flags.
    std::vector<SyscallArg> args;
    std::string label;  // "perf_event:tracepoint:syscalls:sys_enter_execve"
};

class PerfEvents {
public:
    // perf_event_open(attr, pid, cpu, group_fd, flags) from its syscall
    // arguments, the attr read from `memory`; `group` is group_fd with what
    // it refers to.
    PerfEventOpen describe_open(decoder::Memory& memory, const std::array<uint64_t, 6>& args, const FdRef& group);

private:
    SyscallArg describe_attr(decoder::Memory& memory, uint64_t attr_addr, int cpu, std::string& label);
    const std::string* tracepoint(uint64_t id);
    uint32_t pmu_type(const char* pmu);

    std::unordered_map<uint64_t, std::string> tracepoints_;
    bool tracepoints_read_ = false;
    std::unordered_map<std::string, int64_t> pmu_types_;  // -1: no such PMU
};

// ioctl request numbers the filter selects.
inline constexpr uint64_t kPerfEventIocSetBpf = 0x40042408;  // _IOW('$', 8, __u32)

} // namespace bpfsc::tracer
