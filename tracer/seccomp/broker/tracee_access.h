// What the broker needs of the tracee it runs a call for: its memory (read
// and write), duplicates of its fds, and whether a relative path means for
// the tracer what it means for the tracee. The seccomp backend answers for
// a thread waiting in a notification (every read checked against the
// notification id); tests answer for their own process.
#pragma once

#include <cstddef>
#include <span>

#include "decoder/memory.h"
#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer::broker {

class TraceeAccess {
public:
    virtual ~TraceeAccess() = default;
    virtual decoder::ReadResult read(decoder::RemoteAddr addr, std::span<std::byte> out) = 0;
    // Whether everything read so far was the tracee's: its call is still
    // waiting (an id, once dead, never lives again, so one look after the
    // last read vouches for every read before it).
    virtual bool confirm() { return true; }
    // Writes all of `data`; false if it could not.
    virtual bool write(decoder::RemoteAddr addr, std::span<const std::byte> data) = 0;
    // A duplicate, in the tracer, of the tracee's fd (pidfd_getfd);
    // invalid when it cannot be had.
    virtual UniqueFd duplicate_fd(int tracee_fd) = 0;
    // Whether the tracee's current directory is the tracer's.
    virtual bool same_cwd() = 0;
};

} // namespace bpfsc::tracer::broker
