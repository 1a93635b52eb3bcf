// Reading syscall results from perf tracepoints (see syscall_exit_events.h).
#include "tracer/seccomp/syscall_exit_events.h"

#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "tracer/os/tracefs.h"

namespace bpfsc::tracer {

namespace {

constexpr const char* k_events[] = {"sys_exit_bpf",  "sys_exit_close", "sys_exit_close_range", "sys_exit_dup",
                                    "sys_exit_dup2", "sys_exit_dup3",  "sys_exit_fcntl",       "sys_exit_perf_event_open",
                                    "sys_exit_ioctl"};

} // namespace

bool SyscallExitEvents::open(pid_t pid, std::string* why) {
    const std::string dir = tracefs_events_dir("/syscalls");
    if (dir.empty()) {
        *why = "no tracefs with syscall events (mount tracefs on /sys/kernel/tracing)";
        return false;
    }
    std::vector<long> ids;
    for (const char* event : k_events) {
        const long id = tracepoint_id(dir, event);
        if (id < 0) {
            *why = fmt::format("no tracepoint syscalls:{}", event);
            return false;
        }
        ids.push_back(id);
    }
    nr_offset_ = tracepoint_field_offset(dir, "sys_exit_bpf", "__syscall_nr", nr_offset_);
    ret_offset_ = tracepoint_field_offset(dir, "sys_exit_bpf", "ret", ret_offset_);
    for (const int cpu : online_cpus()) {
        const TracepointTarget target{pid, cpu, true};
        PerfRing& ring = rings_.emplace_back();
        std::string error;
        if (!ring.open(ids[0], target, &error)) {
            *why = fmt::format("syscalls:{}: {}", k_events[0], error);
            return false;
        }
        for (std::size_t i = 1; i < ids.size(); ++i)
            if (!ring.add(ids[i], target, &error)) {
                *why = fmt::format("syscalls:{}: {}", k_events[i], error);
                return false;
            }
    }
    if (rings_.empty()) {
        *why = "no online CPU found";
        return false;
    }
    return true;
}

void SyscallExitEvents::drain(std::vector<ExitRecord>& out) {
    for (PerfRing& ring : rings_)
        lost_ += ring.read([&](const TracepointSample& s) {
            if (s.raw.size() < ret_offset_ + 8 || s.raw.size() < nr_offset_ + 4) return;
            ExitRecord r;
            int32_t nr;
            std::memcpy(&nr, s.raw.data() + nr_offset_, 4);
            std::memcpy(&r.ret, s.raw.data() + ret_offset_, 8);
            r.time = s.time;
            r.tid = s.tid;
            r.nr = nr;
            out.push_back(r);
        });
}

} // namespace bpfsc::tracer
