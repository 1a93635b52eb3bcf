// Rendering BPF_OBJ_GET_INFO_BY_FD's info struct, called by the renderers
// (render/text.cpp, render/json.cpp) for the value of the `info` member:
//   info={type=BPF_PROG_TYPE_SOCKET_FILTER, id=80, tag="a04f5eef06a7f555", ...}
// inline in the call line; func/line info records, a map's hash and the
// lengths of instructions as data lines below it; in JSON a nested object
// with raw numbers and names. Each returns false when there is no decoded
// struct to show (unknown object, failed call): the caller shows the address.
#pragma once

#include "../decoded_call.h"
#include "../format/format.h"
#include "../render/text.h"

namespace bpfsc::decoder::info {

// brief: members that say nothing are left out (render/text.h, says_nothing).
bool append_info_text(OutBuf& out, const FieldValue& pointer, const DecodedCall& call, TextPhase phase, bool brief);
void append_info_data_lines(OutBuf& out, const DecodedCall& call, TextPhase phase);
bool append_info_json(OutBuf& out, const FieldValue& pointer, const DecodedCall& call);

} // namespace bpfsc::decoder::info
