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
// Brief lines: whether the call has an info struct the kernel wrote (or
// inputs of one) to show on data lines below the call, and those lines,
// its members wrapped to fit kInfoWidth columns:
//   info: {type=BPF_MAP_TYPE_HASH, id=15, key_size=4, value_size=13, ...,
//          btf_key_type_id=8<__u32>, btf_value_type_id=11<struct user_msg_t>}
bool shows_below(const DecodedCall& call, TextPhase phase);
void append_info_below(OutBuf& out, const DecodedCall& call, TextPhase phase);
inline constexpr std::size_t kInfoWidth = 150;
void append_info_data_lines(OutBuf& out, const DecodedCall& call, TextPhase phase);
bool append_info_json(OutBuf& out, const FieldValue& pointer, const DecodedCall& call);

} // namespace bpfsc::decoder::info
