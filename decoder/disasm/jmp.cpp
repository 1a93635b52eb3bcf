// The text of BPF_JMP and BPF_JMP32 instructions: "if r0 == 0x0 goto pc+3",
// "if w1 s< w2 goto pc-4" (JMP32, 5.1), "goto pc+2", "gotol pc+70000"
// (JMP32 | JA, 6.6), "may_goto pc+5" (JMP | JCOND, 6.9), "exit",
// "call bpf_map_lookup_elem#1", "call pc+5" (a bpf function),
// "call bpf_obj_new_impl#12345" (a kfunc by BTF id, 5.13).
#include "disasm/helper_names.h"
#include "disasm/insn_text.h"
#include "disasm/libbpf_marks.h"

namespace bpfsc::decoder::disasm::detail {

namespace {

using namespace bpf;

// The comparison of a conditional jump ("==" for BPF_JEQ), or "".
std::string_view jmp_operator(uint8_t op) {
    switch (op) {
    case JEQ: return "==";
    case JGT: return ">";
    case JGE: return ">=";
    case JSET: return "&";
    case JNE: return "!=";
    case JSGT: return "s>";
    case JSGE: return "s>=";
    case JLT: return "<";
    case JLE: return "<=";
    case JSLT: return "s<";
    case JSLE: return "s<=";
    default: return "";
    }
}

// "call NAME#imm" for a helper: the 6.18 table first, as the kernel does;
// in xlated instructions imm is an address the annotator may name.
void append_helper_call(const Insn& insn, const Options& options, Out& out) {
    fmt::format_to(to(out), "call ");
    const std::string_view name = helper_name(insn.imm);
    if (!name.empty()) {
        out.append(name);
    } else if (!(options.origin == Origin::Xlated && options.annotator != nullptr &&
                 annotated(out, [&] { return options.annotator->kernel_call_name(insn.imm, out); }))) {
        out.append(std::string_view("unknown"));
    }
    fmt::format_to(to(out), "#{}", insn.imm);
    if (const LibbpfMarkOf mark = libbpf_mark(insn.imm); options.origin == Origin::Load && mark.mark != LibbpfMark::None) {
        fmt::format_to(to(out), " /* ");
        append_libbpf_mark(mark, out);
        fmt::format_to(to(out), " */");
    }
}

void append_kfunc_call(const Insn& insn, const Options& options, Out& out) {
    fmt::format_to(to(out), "call ");
    Annotator* a = options.annotator;
    const bool named =
        a != nullptr && annotated(out, [&] {
            return options.origin == Origin::Load ? a->kfunc_name(insn.imm, insn.off, out)
                                                  : a->kernel_call_name(insn.imm, out);
        });
    if (!named) out.append(std::string_view("kernel-function"));
    fmt::format_to(to(out), "#{}", insn.imm);
}

Problem append_call(const Insn& insn, const Options& options, Out& out) {
    const bool load = options.origin == Origin::Load;
    if (insn_class(insn.code) == JMP32 || insn_src(insn.code) != K)
        return "a call is only BPF_JMP | BPF_CALL | BPF_K";
    if (load && dst_reg(insn) != 0) return "a call's dst_reg must be 0";
    switch (src_reg(insn)) {
    case 0:
        if (load && insn.off != 0) return "a helper call's off must be 0";
        append_helper_call(insn, options, out);
        return nullptr;
    case bpf::PSEUDO_CALL:
        if (load && insn.off != 0) return "a bpf function call's off must be 0";
        // Loaded: pc-relative in imm. Xlated (after the JIT): pc-relative in
        // off, imm being the subprogram's number.
        fmt::format_to(to(out), "call pc{:+}", load ? insn.imm : int32_t(insn.off));
        return nullptr;
    case bpf::PSEUDO_KFUNC_CALL:
        append_kfunc_call(insn, options, out);
        return nullptr;
    default:
        return "a call's src_reg must be 0 (helper), 1 (bpf function) or 2 (kfunc)";
    }
}

// goto, gotol, exit and may_goto: the jumps without a comparison.
Problem append_unconditional(const Insn& insn, bool load, Out& out) {
    const uint8_t op = insn_op(insn.code);
    const bool is32 = insn_class(insn.code) == JMP32;
    if (insn_src(insn.code) != K) return "goto, exit and may_goto take no source bit (no indirect jumps in 6.18)";
    if (load && (src_reg(insn) != 0 || dst_reg(insn) != 0)) return "src_reg and dst_reg must be 0";
    if (op == JA && is32) {
        if (load && insn.off != 0) return "gotol's off must be 0 (the offset is imm)";
        fmt::format_to(to(out), "gotol pc{:+}", insn.imm);
        return nullptr;
    }
    if (is32) return "BPF_JMP32 has no exit or may_goto";
    if (load && insn.imm != 0) return "imm must be 0";
    if (op == JA) fmt::format_to(to(out), "goto pc{:+}", insn.off);
    else if (op == EXIT) out.append(std::string_view("exit"));
    else fmt::format_to(to(out), "may_goto pc{:+}", insn.off);
    return nullptr;
}

} // namespace

Problem append_jmp(const Insn& insn, const Options& options, Out& out) {
    const bool load = options.origin == Origin::Load;
    const uint8_t op = insn_op(insn.code);
    switch (op) {
    case CALL:
        return append_call(insn, options, out);
    case JCOND:
        // BPF_MAY_GOTO is the only src_reg 6.18 knows, whatever the origin.
        if (src_reg(insn) != bpf::MAY_GOTO) return "BPF_JCOND's src_reg must be 0 (may_goto)";
        return append_unconditional(insn, load, out);
    case JA:
    case EXIT:
        return append_unconditional(insn, load, out);
    default:
        break;
    }
    const std::string_view cmp = jmp_operator(op);
    if (cmp.empty()) return "no such jump operation";
    const char reg = insn_class(insn.code) == JMP32 ? 'w' : 'r';
    if (insn_src(insn.code) == X) {
        if (load && insn.imm != 0) return "imm must be 0 with a register source";
        fmt::format_to(to(out), "if {}{} {} {}{} goto pc{:+}", reg, dst_reg(insn), cmp, reg, src_reg(insn), insn.off);
    } else {
        if (load && src_reg(insn) != 0) return "src_reg must be 0 with an immediate source";
        fmt::format_to(to(out), "if {}{} {} {:#x} goto pc{:+}", reg, dst_reg(insn), cmp, uint32_t(insn.imm), insn.off);
    }
    return nullptr;
}

} // namespace bpfsc::decoder::disasm::detail
