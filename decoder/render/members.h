// One member rendered as the call line shows it (text.cpp) and as JSON
// carries it (json.cpp), for info/, which shows the members of an info
// struct the way the attr's own members are shown.
#pragma once

#include "../decoded_call.h"
#include "../format/format.h"
#include "text.h"

namespace bpfsc::decoder {

// "name=value" (with " => after" for members the kernel changed).
void append_member_text(OutBuf& out, const FieldValue& v, const DecodedCall& call, TextPhase phase);
// The JSON value of a member (its name is the caller's).
void append_value_json(OutBuf& out, const FieldValue& v, const DecodedCall& call);
// ,"truncated":true,... / ,"error":... for data that was cut or unreadable.
void append_data_state_json(OutBuf& out, const Data& d);

} // namespace bpfsc::decoder
