// Reading BPF_OBJ_GET_INFO_BY_FD's info struct, called from the schema walk
// (decode.cpp): at entry the kind of object bpf_fd refers to picks the
// layout and the caller's inputs are read; at exit the struct the kernel
// wrote (info_len bytes of it, the smaller of what was offered and what it
// wrote back) and the arrays and names it copied out.
#pragma once

#include "../decode.h"

namespace bpfsc::decoder::info {

void decode_info_entry(Memory& memory, ObjectResolver* resolver, DecodedCall& call);
void decode_info_exit(Memory& memory, ObjectResolver* resolver, const DecodeOptions& options, DecodedCall& call);

} // namespace bpfsc::decoder::info
