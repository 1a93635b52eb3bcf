// Internal to the recogniser: what one bpf() call looks like on its own,
// without what came before or after it. A shape is the probe the call would
// be; `weak` shapes (a trivial program, a small unnamed map) are common
// enough in real loaders that the call is a probe only if what follows
// says so (its fd closed at once, or handed to the probe's next step).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "../decoded_call.h"
#include "probe.h"

namespace bpfsc::probes::detail {

struct Shape {
    Probe probe;
    bool weak = false;
};

// What the instructions of a BPF_PROG_LOAD are, as far as probes go.
enum class ProgShape : uint8_t {
    Other,
    Trivial,        // r0 = 0; exit
    CallExit,       // call helper; exit (the helper's id in `helper`)
    GlobalData,     // ld_imm64 r1 = map value + 16; *(u64 *)(r1 + 0) = 42; r0 = 0; exit
    LdImm64Range,   // ld_imm64 r1 = map value + 0x40000000; exit
    ProbeReadKern,  // r1 = r10; r1 += -8; r2 = 8; r3 = 0; call 113; exit
    LargeProgram,   // 4096 x (r0 = 1); exit
    BoundedLoop,    // bpftool's: r0 = 10; r0 -= 1; if r0 != 0 goto -2; exit
    IsaV2,
    IsaV3,
    IsaV4,
    BpftraceLoop,   // r0 = 0; r0 += 1; if r0 < 4 goto -2; exit
    LdImm64Zero,    // ld_imm64 r0 = 0; exit (bpftrace's instruction limit)
    ArgCtx,         // call +1 (pseudo); exit; call 173; exit
};
ProgShape prog_shape(const decoder::DecodedCall& call, uint32_t* helper);

// The shapes of single calls: a BPF_PROG_LOAD, BPF_MAP_CREATE or BPF_BTF_LOAD.
std::optional<Shape> prog_load_shape(const decoder::DecodedCall& call);
std::optional<Shape> map_create_shape(const decoder::DecodedCall& call);
std::optional<Shape> btf_load_shape(const decoder::DecodedCall& call);

// The name a BPF_PROG_LOAD or BPF_MAP_CREATE gives ("" if none).
std::string_view object_name(const decoder::DecodedCall& call);
// A member of the call's attr at entry, by its layout (uapi/bpf_attr.h).
#define BPFSC_PROBE_IN(call, S, m) \
    (call).entry_view().get(uint32_t(offsetof(uapi::S, m)), uint32_t(sizeof(uapi::S::m)))

} // namespace bpfsc::probes::detail
