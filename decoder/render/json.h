// The JSON renderer: one object per call (JSON Lines), the same content as
// the text renderer with raw numbers next to every symbolic name. Valid JSON
// for any input bytes: strings that are not UTF-8 carry their bytes in hex.
#pragma once

#include "../decoded_call.h"
#include "../format/json_format.h"

namespace bpfsc::decoder {

// Writes one JSON object without a trailing newline. verbose (-v): with
// the program's disassembly and BTF types in C.
void render_json(const DecodedCall& call, OutBuf& out, bool verbose = false);
// The same members without the braces, for a record that adds its own.
void append_call_json(const DecodedCall& call, OutBuf& out, bool verbose = false);

// An fd, as every JSON record carries one: {"fd":3} when unknown, else
// {"fd":3,"label":"map#15:hash:config","kind":"map","id":15,"type":"hash",
// "name":"config"} (id, type and name when the object has them).
void append_fd_json(OutBuf& out, int64_t fd, std::string_view label);
// An object without an fd: {"label":...,"kind":...,...} as above.
void append_object_json(OutBuf& out, std::string_view label);
// A syscall's result, one shape for every record: {"value":3} ({"value":3,
// "fd":{...}} when it is a new fd), or {"value":-1,"errno":2,"error":
// "ENOENT","message":"No such file or directory"}.
void append_result_json(OutBuf& out, int64_t ret, bool returns_fd, std::string_view label);


} // namespace bpfsc::decoder
