// Internal to the disassembler: the text of each instruction family after
// its "(code) " prefix. Each function appends its text and returns nullptr,
// or returns why the encoding is invalid (disasm.cpp then drops what was
// appended and prints the raw bytes instead).
#pragma once

#include <fmt/format.h>

#include "disasm/disasm.h"

namespace bpfsc::decoder::disasm::detail {

using Out = fmt::memory_buffer;
using Problem = const char*;  // nullptr: the text is written

inline fmt::appender to(Out& out) { return fmt::appender(out); }

// Runs `annotate` (an Annotator call); drops its partial text if it declines.
template <typename F>
bool annotated(Out& out, F&& annotate) {
    const std::size_t before = out.size();
    if (annotate()) return true;
    out.resize(before);
    return false;
}

Problem append_alu(const Insn& insn, Origin origin, Out& out);                 // ALU, ALU64
Problem append_jmp(const Insn& insn, const Options& options, Out& out);        // JMP, JMP32
Problem append_load_store(const Insn& insn, Origin origin, Out& out);          // LD_ABS/IND, LDX, ST, STX
Problem append_ld_imm64(const Insn& first, const Insn& second, uint32_t index, const Options& options, Out& out);

} // namespace bpfsc::decoder::disasm::detail
