// The trace's clock: CLOCK_MONOTONIC in nanoseconds, the clock of every
// event's Timestamp (the kernel's process events and the perf samples of
// the seccomp backend carry the same clock), and CLOCK_REALTIME once, to
// show monotonic times as times of day.
#pragma once

#include <time.h>

#include <cstdint>

namespace bpfsc::tracer {

// A point in time on CLOCK_MONOTONIC, in nanoseconds (0: not known).
struct Timestamp {
    int64_t ns = 0;
    bool known() const { return ns != 0; }
};

inline int64_t nanoseconds_of(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

inline Timestamp monotonic_now() { return Timestamp{nanoseconds_of(CLOCK_MONOTONIC)}; }

} // namespace bpfsc::tracer
