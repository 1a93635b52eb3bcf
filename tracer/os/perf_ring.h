// Tracepoints read through perf_event_open: the online CPUs, and PerfRing, one per-CPU ring buffer (the perf event's fd
// and its mapping, released together) whose samples are read when the
// tracer looks; nothing wakes it for them. Every sample carries
// PERF_SAMPLE_TID, PERF_SAMPLE_TIME (CLOCK_MONOTONIC) and PERF_SAMPLE_RAW.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer {

// The CPUs that are online now.
std::vector<int> online_cpus();

// One sample of a tracepoint: who was running (the thread that hit it), when,
// and the tracepoint's own record (layout in its tracefs format file).
struct TracepointSample {
    pid_t pid = 0;  // thread group
    pid_t tid = 0;
    uint64_t time = 0;  // CLOCK_MONOTONIC ns
    std::span<const unsigned char> raw;
};

// Who a tracepoint event counts: one process and what it starts from now
// on, on one CPU; or every process on one CPU.
struct TracepointTarget {
    pid_t pid = -1;  // -1: every process
    int cpu = 0;
    bool inherit = false;
};

class PerfRing {
public:
    PerfRing() = default;
    ~PerfRing();
    PerfRing(PerfRing&& other) noexcept;
    PerfRing& operator=(PerfRing&&) = delete;
    PerfRing(const PerfRing&) = delete;

    // Opens tracepoint `id` for `target` with a ring of its own; false with
    // a reason.
    bool open(long id, const TracepointTarget& target, std::string* why);
    // Opens another tracepoint for the same target whose samples go into
    // this ring; false with a reason.
    bool add(long id, const TracepointTarget& target, std::string* why);
    // Sets a tracefs filter ("sig == 2 || sig == 15") on the ring's own event.
    bool set_filter(const std::string& filter);
    // Calls `sample` for every sample written since the last look; returns
    // how many the kernel dropped because the ring was full.
    uint64_t read(const std::function<void(const TracepointSample&)>& sample);

private:
    UniqueFd fd_;
    void* base_ = nullptr;
    std::vector<UniqueFd> extra_fds_;  // the other tracepoints, writing into this ring
};

} // namespace bpfsc::tracer
