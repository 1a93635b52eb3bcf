// JSON primitives shared by every JSON renderer. The numbers rule of the
// trace's JSON (docs/json.md): an integer whose magnitude fits in 53 bits
// is a JSON number; a larger one (an address, a cookie, a 64-bit member)
// is a string of its decimal digits, so that no reader that parses numbers
// as doubles (jq, JavaScript) loses precision.
#pragma once

#include <cstdint>
#include <string_view>

#include "format.h"

namespace bpfsc::decoder {

// 2^53 - 1: the largest integer every JSON reader holds exactly.
inline constexpr uint64_t k_json_max_exact = (uint64_t(1) << 53) - 1;

// A JSON string literal for arbitrary bytes: invalid UTF-8 sequences become
// U+FFFD; returns false when that happened (the caller may add the hex).
bool append_json_string(OutBuf& out, std::string_view bytes);
// An integer, by the numbers rule.
void append_json_uint(OutBuf& out, uint64_t v);
void append_json_int(OutBuf& out, int64_t v);

} // namespace bpfsc::decoder
