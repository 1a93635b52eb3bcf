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

#include <cstdint>
#include <string>
#include <unordered_map>

#include "decoder/decode.h"
#include "tracer/output/records.h"

namespace bpfsc::tracer {

struct PerfEventOpen {
    SyscallArg attr;    // the perf_event_attr, decoded (members empty: unreadable)
    std::string label;  // "perf_event:tracepoint:syscalls:sys_enter_execve"
};

class PerfEvents {
public:
    // The attr of perf_event_open(attr, pid, cpu, group_fd, flags), read
    // from `memory`, and what the event is (`cpu` tells bpf-output events apart).
    PerfEventOpen describe_open(decoder::Memory& memory, uint64_t attr, int cpu);

private:
    const std::string* tracepoint(uint64_t id);
    uint32_t pmu_type(const char* pmu);

    std::unordered_map<uint64_t, std::string> tracepoints_;
    bool tracepoints_read_ = false;
    std::unordered_map<std::string, int64_t> pmu_types_;  // -1: no such PMU
};

// perf_event_open's flags argument.
SyscallArg perf_open_flags(uint64_t flags);

// ioctl request numbers the filter selects.
inline constexpr uint64_t kPerfEventIocSetBpf = 0x40042408;  // _IOW('$', 8, __u32)

} // namespace bpfsc::tracer
