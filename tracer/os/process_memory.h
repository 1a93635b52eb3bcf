// Reads a traced process's memory with process_vm_readv, page by page, so
// a read stops exactly where the readable memory ends and says why; and
// writes it with process_vm_writev (the seccomp broker's outputs).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

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

// A NUL-terminated string of the tracee (a pin path, a probed file), up to
// PATH_MAX: the whole path, not the -s cut a line shows. `whole` says
// whether it ended with its NUL (false: unreadable or longer).
std::string read_tracee_string(decoder::Memory& memory, uint64_t addr, bool* whole = nullptr);

} // namespace bpfsc::tracer
