// Map keys and values printed by their BTF type, as bpftool prints map
// contents: integers, structs, unions, arrays, enums by name, pointers in
// hex, and char arrays as strings, also when the text fills the array with
// no NUL (`message="Hi user 501!"`). Text and JSON spellings of one walk.
#pragma once

#include <cstdint>
#include <string_view>

#include "../format/format.h"
#include "btf_types.h"

namespace bpfsc::decoder {

enum class ValueStyle : uint8_t {
    Text,   // {pid=12, message="Hi user 501!"}
    Json,   // {"pid":12,"message":"Hi user 501!"}
};

struct ValueFormat {
    ValueStyle style = ValueStyle::Text;
    uint32_t array_limit = 32;   // elements shown of a non-string array
};

// Appends the value of type `type_id` held in `bytes`. Returns false, having
// appended nothing, when the type cannot describe these bytes (its size is
// not bytes.size(), or the type is broken); the caller then shows hex.
bool append_typed_value(OutBuf& out, const BtfTypes& btf, uint32_t type_id, std::string_view bytes,
                        const ValueFormat& format);

} // namespace bpfsc::decoder
