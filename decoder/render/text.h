// The text renderer: a decoded call in strace's shape,
//   bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_HASH, key_size=4, ...}, 72) = 5
// with members the kernel wrote shown as `before => after`, and below it,
// indented, the data that does not fit on the line (keys, values, buffers).
#pragma once

#include "../decoded_call.h"
#include "../format/format.h"

namespace bpfsc::decoder {

enum class TextPhase : uint8_t {
    Complete,    // the whole call, after exit
    Unfinished,  // entry only: another call is printed before this one returns
};

struct TextOptions {
    bool data_lines = true;  // print the indented data block (-q turns it off)
    bool whole_data = false; // and below it the program, BTF and log lines (whole_data_render.h)
    bool verbose = false;    // -v: types in C, disassembly, whole logs
    // Unfinished: why the call will never return ("exited"), shown as
    // `<unfinished ...> = ? <exited>`; empty when it may still return.
    std::string_view ended = {};
    // Complete: what follows the result on the call's line (-T's `<0.000123>`).
    std::string_view after_result = {};
};

void render_text(const DecodedCall& call, TextPhase phase, const TextOptions& options, OutBuf& out);

} // namespace bpfsc::decoder
