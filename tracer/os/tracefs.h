// Where tracefs is: /sys/kernel/tracing, or the older debugfs mount.
#pragma once

#include <string>

namespace bpfsc::tracer {

// tracefs's events directory with `below` appended ("/syscalls"), the first
// of the two mounts where it can be read; "" where neither has it.
std::string tracefs_events_dir(const char* below = "");

} // namespace bpfsc::tracer
