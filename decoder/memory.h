// Tracee memory as the decoder sees it: a typed remote address and a Memory
// interface whose every read can fail. The decoder never dereferences a
// tracee address itself; a failed read becomes output, never an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace bpfsc::decoder {

// An address in another process. Never a plain integer in an interface.
struct RemoteAddr {
    uint64_t value = 0;
    constexpr bool is_null() const { return value == 0; }
    constexpr RemoteAddr operator+(uint64_t n) const { return RemoteAddr{value + n}; }
    friend constexpr bool operator==(RemoteAddr, RemoteAddr) = default;
};

struct ReadResult {
    std::size_t bytes = 0;  // how many bytes were read, from the start
    int error = 0;          // errno when bytes < requested, else 0
};

class Memory {
public:
    virtual ~Memory() = default;
    // Reads up to out.size() bytes at addr. A short read says why in error.
    virtual ReadResult read(RemoteAddr addr, std::span<std::byte> out) = 0;
};

} // namespace bpfsc::decoder
