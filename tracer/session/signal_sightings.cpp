// Signals seen as the kernel generates them (see signal_sightings.h).
#include "tracer/session/signal_sightings.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "tracer/os/tracefs.h"
#include "tracer/os/unique_file.h"

namespace bpfsc::tracer {

namespace {

// The two signals of one group delivery are generated within one kill
// call: microseconds apart, far less than this.
constexpr uint64_t k_same_delivery_ns = 100'000'000;
// Older sightings than this are of no use to any later signal.
constexpr uint64_t k_keep_ns = 2'000'000'000;

uint64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1'000'000'000 + uint64_t(ts.tv_nsec);
}

// Whether `pid` is inside a syscall that sends signals (kill, tkill,
// tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_send_signal), or
// running, where /proc cannot say.
bool sending(pid_t pid) {
    const UniqueFile f = open_for_reading(fmt::format("/proc/{}/syscall", pid));
    if (!f) return false;  // gone, or not ours to look at
    char word[32] = {};
    if (std::fscanf(f.get(), "%31s", word) != 1) return false;
    if (std::strcmp(word, "running") == 0) return true;
    const long nr = std::strtol(word, nullptr, 10);
    return nr == 62 || nr == 200 || nr == 234 || nr == 129 || nr == 297 || nr == 424;
}

} // namespace

bool SignalSightings::open(std::string* why) {
    const std::string dir = tracefs_events_dir("/signal");
    const long id = dir.empty() ? -1 : tracepoint_id(dir, "signal_generate");
    if (id < 0) {
        *why = "no tracepoint signal:signal_generate (mount tracefs on /sys/kernel/tracing)";
        return false;
    }
    sig_offset_ = tracepoint_field_offset(dir, "signal_generate", "sig", sig_offset_);
    pid_offset_ = tracepoint_field_offset(dir, "signal_generate", "pid", pid_offset_);
    for (const int cpu : online_cpus()) {
        PerfRing& ring = rings_.emplace_back();
        std::string error;
        if (!ring.open(id, TracepointTarget{-1, cpu, false}, &error)) {
            *why = "signal:signal_generate: " + error;
            rings_.clear();
            return false;
        }
        // Every signal of the machine would do; these are the ones the
        // tracer handles.
        ring.set_filter("sig == 1 || sig == 2 || sig == 15");
    }
    if (rings_.empty()) *why = "no online CPU found";
    return !rings_.empty();
}

bool SignalSightings::reached_traced(pid_t sender, int sig, const std::function<bool(pid_t)>& traced) {
    for (int i = 0; i < 20 && sender > 0 && sending(sender); ++i) usleep(1000);
    for (PerfRing& ring : rings_)
        ring.read([&](const TracepointSample& s) {
            if (s.raw.size() < std::max(sig_offset_, pid_offset_) + 4) return;
            Generation g;
            std::memcpy(&g.sig, s.raw.data() + sig_offset_, 4);
            std::memcpy(&g.target, s.raw.data() + pid_offset_, 4);
            g.time = s.time;
            g.sender = s.pid;
            recent_.push_back(g);
        });
    const pid_t self = getpid();
    bool reached = false;
    for (const Generation& to_tracer : recent_) {
        if (to_tracer.target != self || to_tracer.sender != sender || to_tracer.sig != sig) continue;
        for (const Generation& g : recent_)
            if (g.sender == sender && g.sig == sig && g.target != self && traced(g.target) &&
                (g.time > to_tracer.time ? g.time - to_tracer.time : to_tracer.time - g.time) < k_same_delivery_ns)
                reached = true;
    }
    // What answered this signal cannot answer another; drop it, and
    // whatever is too old to matter.
    const uint64_t now = now_ns();
    std::erase_if(recent_, [&](const Generation& g) {
        return (g.sender == sender && g.sig == sig) || now - std::min(now, g.time) > k_keep_ns;
    });
    return reached;
}

} // namespace bpfsc::tracer
