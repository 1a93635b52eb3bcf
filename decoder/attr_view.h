// A view of one call's attr bytes as the kernel would see them: members
// past `size` (or past what could be read) read as zero.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace bpfsc::decoder {

inline constexpr uint32_t kPageSize = 4096;
// PATH_MAX: the longest path the kernel takes, with its NUL.
inline constexpr uint32_t kPathMax = 4096;

// The attr bytes the tracer could read, and the size argument of the call.
// Members beyond `size` read as zero, as the kernel zero-fills them.
struct AttrView {
    std::span<const std::byte> bytes;
    uint32_t size = 0;

    uint64_t get(uint32_t offset, uint32_t width) const;
};

} // namespace bpfsc::decoder
