// Reading /proc/PID/status (see proc_status.h).
#include "proc_status.h"

#include <cstdio>

namespace bpfsc::tracer {

namespace {

// The first number after `key` ("CapEff: %llx") in /proc/PID/status.
std::optional<unsigned long long> status_field(pid_t pid, const char* format) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", int(pid));
    FILE* f = std::fopen(path, "re");
    if (f == nullptr) return std::nullopt;
    std::optional<unsigned long long> value;
    char line[256];
    while (!value && std::fgets(line, sizeof line, f)) {
        unsigned long long v = 0;
        if (std::sscanf(line, format, &v) == 1) value = v;
    }
    std::fclose(f);
    return value;
}

} // namespace

std::optional<uint64_t> effective_capabilities(pid_t pid) {
    const auto v = status_field(pid, "CapEff: %llx");
    return v ? std::optional<uint64_t>(*v) : std::nullopt;
}

std::optional<pid_t> thread_group_of(pid_t tid) {
    const auto v = status_field(tid, "Tgid: %llu");
    return v ? std::optional<pid_t>(pid_t(*v)) : std::nullopt;
}

} // namespace bpfsc::tracer
