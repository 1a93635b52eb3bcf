// Reads a traced process's memory with process_vm_readv, page by page, so
// a read stops exactly where the readable memory ends and says why; and
// writes it with process_vm_writev (the seccomp broker's outputs).
#pragma once

#include <sys/types.h>

#include "decoder/memory.h"

namespace bpfsc::tracer {

class ProcessMemory : public decoder::Memory {
public:
    explicit ProcessMemory(pid_t pid = 0) : pid_(pid) {}
    void set_pid(pid_t pid) { pid_ = pid; }
    decoder::ReadResult read(decoder::RemoteAddr addr, std::span<std::byte> out) override;
    // Writes all of `data` at addr; false (errno set) if any byte could not be written.
    bool write(decoder::RemoteAddr addr, std::span<const std::byte> data);

private:
    pid_t pid_;
};

} // namespace bpfsc::tracer
