// The maps a BPF_PROG_LOAD's instructions refer to. A 16-byte ld_imm64
// whose src_reg is BPF_PSEUDO_MAP_FD (1) or BPF_PSEUDO_MAP_VALUE (2) holds a
// map fd in imm; with BPF_PSEUDO_MAP_IDX (5) or BPF_PSEUDO_MAP_IDX_VALUE (6)
// imm indexes fd_array (5.14). A small dedicated decoder, called from the
// schema walk for this one irregular part.
#pragma once

#include "decoded_call.h"

namespace bpfsc::decoder {

// Fills call.insn_maps from the instructions read_program() read (entry
// only; fd_array entries are read from the tracee).
void find_insn_maps(Memory& memory, ObjectResolver* resolver, DecodedCall& call);

} // namespace bpfsc::decoder
