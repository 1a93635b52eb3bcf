// What /proc/PID/status says of a process that the tracer needs in more
// than one place: its effective capabilities, its thread group.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace bpfsc::tracer {

// The "CapEff:" bit set of process `pid`, nullopt when it cannot be read.
std::optional<uint64_t> effective_capabilities(pid_t pid);
// The "Tgid:" of thread `tid` (its process), nullopt when it cannot be read.
std::optional<pid_t> thread_group_of(pid_t tid);

} // namespace bpfsc::tracer
