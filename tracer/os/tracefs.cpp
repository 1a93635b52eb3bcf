// Where tracefs is (see tracefs.h).
#include "tracer/os/tracefs.h"

#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

#include "tracer/os/unique_file.h"

namespace bpfsc::tracer {

std::string tracefs_events_dir(const char* below) {
    for (const char* root : {"/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events"}) {
        std::string dir = std::string(root) + below;
        if (access(dir.c_str(), R_OK) == 0) return dir;
    }
    return {};
}

long tracepoint_id(const std::string& dir, const char* event) {
    const UniqueFile f = open_for_reading(fmt::format("{}/{}/id", dir, event));
    long id = -1;
    if (!f || std::fscanf(f.get(), "%ld", &id) != 1) return -1;
    return id;
}

uint32_t tracepoint_field_offset(const std::string& dir, const char* event, const char* name, uint32_t fallback) {
    // Lines such as "\tfield:int ret;\toffset:16;\tsize:8;\tsigned:1;".
    const UniqueFile f = open_for_reading(fmt::format("{}/{}/format", dir, event));
    if (!f) return fallback;
    const std::string declared = fmt::format(" {};", name);
    char line[256];
    while (std::fgets(line, sizeof line, f.get())) {
        const char* field = std::strstr(line, declared.c_str());
        const char* offset = field ? std::strstr(field, "offset:") : nullptr;
        unsigned value = 0;
        if (offset != nullptr && std::sscanf(offset, "offset:%u", &value) == 1) return value;
    }
    return fallback;
}

} // namespace bpfsc::tracer
