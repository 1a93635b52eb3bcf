// The whole-data parts of a call in the output (whole_data.h): a BTF
// blob's summary (and, with -v, its types in C), a program's one-line
// summary (and, with -v, its disassembly with source lines), and the
// verifier's log. Text: indented lines under the call; JSON: members.
#pragma once

#include "palette.h"
#include "../decoded_call.h"
#include "../format/format.h"

namespace bpfsc::decoder {

struct WholeDataOptions {
    bool verbose = false;           // -v: types in C, full disassembly, whole logs
    uint32_t log_tail_lines = 20;   // without -v: the last lines of a failed load's log
    const Palette* palette = &Palette::none();  // --color: a failed load's verdict
};

void append_whole_data_text(OutBuf& out, const DecodedCall& call, const WholeDataOptions& options);
// Appends ,"btf":{...},"program":{...},"log":{...} as the call has them.
void append_whole_data_json(OutBuf& out, const DecodedCall& call, const WholeDataOptions& options);

} // namespace bpfsc::decoder
