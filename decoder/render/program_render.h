// A BPF_PROG_LOAD's program in the output: by default one line (how many
// instructions, which helpers and maps it uses); with -v its disassembly in
// the verifier's notation, with function names from func_info and source
// lines from line_info, as `bpftool prog dump xlated` shows a loaded one.
#pragma once

#include "../decoded_call.h"
#include "../format/format.h"

namespace bpfsc::decoder {

void append_program_text(OutBuf& out, const DecodedCall& call, bool verbose);
// Appends ,"program":{...}.
void append_program_json(OutBuf& out, const DecodedCall& call, bool verbose);

} // namespace bpfsc::decoder
