// How the seccomp backend runs calls whatever their bytes say. The broker
// runs a call in the tracer's one thread, which no signal of the tracee's
// reaches and which serves every traced thread:
//   - calls a signal interrupts, BPF_PROG_LOAD (the verifier gives up with
//     EAGAIN when its caller has a signal pending) and BPF_PROG_TEST_RUN
//     (EINTR between runs), run watched (call_interrupter.h), so that the
//     tracee's signal interrupts them as it would untraced;
//   - calls whose work grows with a size the attr gives and that nothing
//     interrupts are left to the tracee: a map whose entries the kernel
//     may allocate at creation (zeroing 256 MiB takes 0.13 s here) and a
//     large BTF blob. The other threads' calls would wait for them.
// What replica.h refuses is the other half: calls it cannot copy exactly.
#pragma once

#include "decoder/decoded_call.h"

namespace bpfsc::tracer::broker {

// The largest map (max_entries times key and value size, or the ring's
// bytes) and the largest BTF blob the tracer creates for a tracee.
inline constexpr uint64_t k_max_brokered_map_bytes = 32u << 20;
inline constexpr uint64_t k_max_brokered_btf_bytes = 8u << 20;

// Why `call` runs in the tracee whatever its bytes, or nullptr when the
// broker may run it.
const char* left_to_tracee(const decoder::DecodedCall& call);

// Whether the kernel ends `call` early for a pending signal.
bool interrupted_by_signals(const decoder::DecodedCall& call);

} // namespace bpfsc::tracer::broker
