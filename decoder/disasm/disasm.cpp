// The disassembler's lines (see disasm.h): the function header and source
// line an annotator gives, "%4d: (%02x) " as bpftool prints it, the text of
// the instruction's family, or an "invalid:" / "truncated:" line with the
// raw bytes.
#include "disasm/disasm.h"

#include <cstring>

#include "disasm/insn_text.h"

namespace bpfsc::decoder::disasm {

bool Annotator::map_text(const MapRef&, fmt::memory_buffer&) { return false; }
bool Annotator::kfunc_name(int32_t, int16_t, fmt::memory_buffer&) { return false; }
bool Annotator::ksym_name(int32_t, int32_t, fmt::memory_buffer&) { return false; }
bool Annotator::kernel_call_name(int32_t, fmt::memory_buffer&) { return false; }
bool Annotator::function_at(uint32_t, fmt::memory_buffer&) { return false; }
bool Annotator::source_line_at(uint32_t, fmt::memory_buffer&) { return false; }

namespace {

using namespace detail;

// " [18 01 00 00 05 00 00 00]": the slots' bytes as they are in memory.
void append_raw(std::span<const Insn> slots, Out& out) {
    out.append(std::string_view(" ["));
    bool first = true;
    for (const Insn& insn : slots) {
        uint8_t bytes[sizeof(Insn)];
        std::memcpy(bytes, &insn, sizeof bytes);
        for (const uint8_t b : bytes) {
            if (!first) out.push_back(' ');
            first = false;
            fmt::format_to(to(out), "{:02x}", b);
        }
    }
    out.push_back(']');
}

// One line an annotator may give: indent, prefix, its text, suffix; or nothing.
template <typename F>
void append_annotation(Out& out, const Options& options, std::string_view prefix, std::string_view suffix,
                       F&& annotate) {
    const std::size_t line = out.size();
    out.append(options.indent);
    out.append(prefix);
    if (annotate()) out.append(suffix);
    else out.resize(line);
}

// The lines before an instruction: "int hello(void * ctx):" and "; <source>".
void append_annotations(uint32_t index, Out& out, const Options& options) {
    Annotator* a = options.annotator;
    if (a == nullptr) return;
    append_annotation(out, options, "", ":\n", [&] { return a->function_at(index, out); });
    append_annotation(out, options, "; ", "\n", [&] { return a->source_line_at(index, out); });
}

Problem append_body(std::span<const Insn> insns, std::size_t at, uint32_t index, const Options& options, Out& out) {
    const Insn& insn = insns[at];
    if (insn.code == kLdImm64) return append_ld_imm64(insn, insns[at + 1], index, options, out);
    switch (insn_class(insn.code)) {
    case bpf::ALU:
    case bpf::ALU64: return append_alu(insn, options.origin, out);
    case bpf::JMP:
    case bpf::JMP32: return append_jmp(insn, options, out);
    default: return append_load_store(insn, options.origin, out);
    }
}

} // namespace

std::size_t append_insn(std::span<const Insn> insns, std::size_t at, fmt::memory_buffer& out, const Options& options) {
    if (at >= insns.size()) return 0;
    const Insn& insn = insns[at];
    const uint32_t index = options.first_index + uint32_t(at);
    append_annotations(index, out, options);
    out.append(options.indent);
    fmt::format_to(to(out), "{:4}: ({:02x}) ", index, insn.code);

    if (insn.code == kLdImm64 && at + 1 == insns.size()) {
        out.append(std::string_view("truncated: an ld_imm64 takes two slots and this is the last"));
        append_raw(insns.subspan(at, 1), out);
        out.push_back('\n');
        return 1;
    }
    const std::size_t slots = insn.code == kLdImm64 ? 2 : 1;
    const std::size_t body = out.size();
    if (const Problem problem = append_body(insns, at, index, options, out)) {
        out.resize(body);
        fmt::format_to(to(out), "invalid: {}", problem);
        append_raw(insns.subspan(at, slots), out);
    }
    out.push_back('\n');
    return slots;
}

std::size_t append_disasm(std::span<const Insn> insns, fmt::memory_buffer& out, const Options& options) {
    std::size_t at = 0;
    while (at < insns.size()) {
        const bool split_ld_imm64 = insns[at].code == kLdImm64 && at + 1 == insns.size();
        if (split_ld_imm64 && options.more_follows) break;
        at += append_insn(insns, at, out, options);
    }
    return at;
}

} // namespace bpfsc::decoder::disasm
