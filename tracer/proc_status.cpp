// Reading /proc/PID/status (see proc_status.h).
#include "proc_status.h"

#include <cstdio>

namespace bpfsc::tracer {

std::optional<uint64_t> effective_capabilities(pid_t pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", int(pid));
    FILE* f = std::fopen(path, "re");
    if (f == nullptr) return std::nullopt;
    std::optional<uint64_t> caps;
    char line[256];
    while (!caps && std::fgets(line, sizeof line, f)) {
        unsigned long long v = 0;
        if (std::sscanf(line, "CapEff: %llx", &v) == 1) caps = v;
    }
    std::fclose(f);
    return caps;
}

} // namespace bpfsc::tracer
