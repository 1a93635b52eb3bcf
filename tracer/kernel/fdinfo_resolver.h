// Answers the decoder's questions about a tracee's fds from
// /proc/PID/fdinfo/FD: a BPF map's fdinfo carries its type and sizes.
#pragma once

#include <sys/types.h>

#include <string_view>

#include "decoder/resolver.h"

namespace bpfsc::tracer {

class FdinfoResolver : public decoder::ObjectResolver {
public:
    void set_pid(pid_t pid) { pid_ = pid; }
    std::optional<decoder::MapShape> map_shape(int32_t fd) override;
    uint32_t possible_cpus() override;

private:
    pid_t pid_ = 0;
    uint32_t cpus_ = 0;
};

// The number of CPUs in a list such as "0-3,8-11" (/sys/devices/system/cpu/possible).
uint32_t count_cpu_list(std::string_view list);

} // namespace bpfsc::tracer
