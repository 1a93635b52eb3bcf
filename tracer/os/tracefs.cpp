// Where tracefs is (see tracefs.h).
#include "tracer/os/tracefs.h"

#include <unistd.h>

namespace bpfsc::tracer {

std::string tracefs_events_dir(const char* below) {
    for (const char* root : {"/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events"}) {
        std::string dir = std::string(root) + below;
        if (access(dir.c_str(), R_OK) == 0) return dir;
    }
    return {};
}

} // namespace bpfsc::tracer
