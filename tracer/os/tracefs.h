// Where tracefs is (/sys/kernel/tracing, or the older debugfs mount), and
// what it says of a tracepoint: its id and the layout of its records.
#pragma once

#include <cstdint>
#include <string>

namespace bpfsc::tracer {

// tracefs's events directory with `below` appended ("/syscalls"), the first
// of the two mounts where it can be read; "" where neither has it.
std::string tracefs_events_dir(const char* below = "");

// The id of tracepoint `event` under the events directory `dir`, or -1.
long tracepoint_id(const std::string& dir, const char* event);
// The offset of field `name` in the records of tracepoint `event` under
// `dir`, from its format file; `fallback` where the file does not say.
uint32_t tracepoint_field_offset(const std::string& dir, const char* event, const char* name, uint32_t fallback);

} // namespace bpfsc::tracer
