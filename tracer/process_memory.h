// Reads a traced process's memory with process_vm_readv, page by page, so
// a read stops exactly where the readable memory ends and says why.
#pragma once

#include <sys/types.h>

#include "decoder/memory.h"

namespace bpfsc::tracer {

class ProcessMemory : public decoder::Memory {
public:
    explicit ProcessMemory(pid_t pid = 0) : pid_(pid) {}
    void set_pid(pid_t pid) { pid_ = pid; }
    decoder::ReadResult read(decoder::RemoteAddr addr, std::span<std::byte> out) override;

private:
    pid_t pid_;
};

} // namespace bpfsc::tracer
