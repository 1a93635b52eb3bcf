// Reading BPF_OBJ_GET_INFO_BY_FD's info struct, called from the schema walk
// (decode.cpp): at entry the kind of object bpf_fd refers to picks the
// layout and the caller's inputs are read; at exit the struct the kernel
// wrote (info_len bytes of it, the smaller of what was offered and what it
// wrote back) and the arrays and names it copied out.
#pragma once

#include "../decode.h"

namespace bpfsc::decoder::info {

void decode_info_entry(Memory& memory, ObjectResolver* resolver, DecodedCall& call);
// Bytes of one element of a nested buffer of the struct `view` holds: 4 for
// map ids, 8 for tags and addresses, func_info/line_info records as the
// caller sized them (the kernel's own size when that is out of reason), 1
// for names and blobs.
uint32_t element_size(const Field& f, const AttrView& view);
void decode_info_exit(Memory& memory, ObjectResolver* resolver, const DecodeOptions& options, DecodedCall& call);

} // namespace bpfsc::decoder::info
