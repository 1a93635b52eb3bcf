// The JSON renderer: one object per call (JSON Lines), the same content as
// the text renderer with raw numbers next to every symbolic name. Valid JSON
// for any input bytes: strings that are not UTF-8 carry their bytes in hex.
#pragma once

#include "../decode.h"
#include "format.h"

namespace bpfsc::decoder {

// Writes one JSON object without a trailing newline. verbose (-v): with
// the program's disassembly and BTF types in C.
void render_json(const DecodedCall& call, OutBuf& out, bool verbose = false);

// A JSON string literal for arbitrary bytes: invalid UTF-8 sequences become
// U+FFFD; returns false when that happened (the caller may add the hex).
bool append_json_string(OutBuf& out, std::string_view bytes);

} // namespace bpfsc::decoder
