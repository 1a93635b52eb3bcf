// What the replica's files share (replica.cpp, replica_info.cpp): the
// largest buffer the broker copies and how a count member is read.
#pragma once

#include <cstdint>

#include "decoder/decoded_call.h"

namespace bpfsc::tracer::broker {

// The largest buffer the broker copies (verifier logs of 16 MiB, BTF blobs
// and instructions fit); a call naming a larger one runs in the tracee.
inline constexpr uint64_t k_max_buffer = 64u << 20;

// A count member's value, from the struct as the tracee passed it.
inline uint64_t count_of(const decoder::AttrView& view, const decoder::Length& l) {
    return view.get(l.count_offset, l.count_width);
}

} // namespace bpfsc::tracer::broker
