// The irregular parts of a call read whole, beyond what fits on its line:
// a BPF_PROG_LOAD's instructions with their func_info and line_info (for
// the disassembly and its one-line summary), a BPF_BTF_LOAD's blob parsed
// as BTF, and the verifier's or BTF checker's log. Small dedicated readers
// called from the schema walk; every read can fail and says so.
#pragma once

#include "decoded_call.h"

namespace bpfsc::decoder {

// Most bytes read of one instruction array, log or blob: the kernel's own
// limits (1M instructions; BTF blobs and logs are capped here at 16 MiB).
inline constexpr uint64_t kMaxInsnBytes = uint64_t(1) << 23;
inline constexpr uint64_t kMaxBlobBytes = uint64_t(1) << 24;

// BPF_PROG_LOAD at entry: instructions, func_info, line_info, and the BTF
// they refer to.
void read_program(Memory& memory, ObjectResolver* resolver, DecodedCall& call);
// BPF_OBJ_GET_INFO_BY_FD of a program at exit, once the kernel wrote the
// struct (`entry`: as the caller passed it, `exit`: as written): the xlated
// instructions it copied out, with their func_info, line_info and BTF, and
// the kernel's symbols to name their calls.
void read_xlated_program(Memory& memory, ObjectResolver* resolver, DecodedCall& call, const AttrView& entry,
                         const AttrView& exit);
// BPF_BTF_LOAD at entry: the blob, parsed with libbpf.
void read_btf_blob(Memory& memory, DecodedCall& call);
// BPF_PROG_LOAD / BPF_BTF_LOAD at exit: the log the loader asked for, whole.
void read_log(Memory& memory, DecodedCall& call);

} // namespace bpfsc::decoder
