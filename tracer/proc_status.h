// What /proc/PID/status says of a process that the tracer needs in more
// than one place: its effective capabilities.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace bpfsc::tracer {

// The "CapEff:" bit set of process `pid`, nullopt when it cannot be read.
std::optional<uint64_t> effective_capabilities(pid_t pid);

} // namespace bpfsc::tracer
