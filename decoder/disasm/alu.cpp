// The text of BPF_ALU and BPF_ALU64 instructions: "r1 += 5", "w2 = -w2",
// "r1 s/= r2" (signed division, off 1, 6.6), "r1 = (s8)r2" (movsx, 6.6),
// "r1 = be16 r1", "r1 = bswap32 r1" (6.6), "r1 = addr_space_cast(r2, 0, 1)" (6.9).
// Invalid: operations 0xe0/0xf0, BPF_NEG or BPF_ALU64 | BPF_END with the
// source bit, off values with no meaning; at load, also what the verifier
// rejects as "uses reserved fields".
#include "disasm/insn_text.h"

namespace bpfsc::decoder::disasm::detail {

namespace {

using namespace bpf;

// The assignment operator of an ALU operation ("+=" for BPF_ADD), or "".
std::string_view alu_operator(uint8_t op, bool is_signed) {
    switch (op) {
    case ADD: return "+=";
    case SUB: return "-=";
    case MUL: return "*=";
    case DIV: return is_signed ? "s/=" : "/=";
    case OR: return "|=";
    case AND: return "&=";
    case LSH: return "<<=";
    case RSH: return ">>=";
    case MOD: return is_signed ? "s%=" : "%=";
    case XOR: return "^=";
    case ARSH: return "s>>=";
    default: return "";
    }
}

Problem append_end(const Insn& insn, bool is64, bool load, Out& out) {
    if (is64 && insn_src(insn.code) != TO_LE) return "BPF_ALU64 | BPF_END (bswap) takes no source bit";
    if (insn.imm != 16 && insn.imm != 32 && insn.imm != 64) return "a byte swap's imm must be 16, 32 or 64";
    if (load && (src_reg(insn) != 0 || insn.off != 0)) return "a byte swap's src_reg and off must be 0";
    // The kernel names the register "r" for both classes here.
    if (is64) {
        fmt::format_to(to(out), "r{} = bswap{} r{}", dst_reg(insn), insn.imm, dst_reg(insn));
    } else {
        const char* order = insn_src(insn.code) == TO_BE ? "be" : "le";
        fmt::format_to(to(out), "r{} = {}{} r{}", dst_reg(insn), order, insn.imm, dst_reg(insn));
    }
    return nullptr;
}

Problem append_mov_reg(const Insn& insn, bool is64, bool load, char reg, Out& out) {
    if (is64 && insn.off == bpf::ADDR_SPACE_CAST) {
        if (load && insn.imm != 1 && insn.imm != 1 << 16)
            return "addr_space_cast converts only between address spaces 0 and 1 (imm 1 or 0x10000)";
        fmt::format_to(to(out), "r{} = addr_space_cast(r{}, {}, {})", dst_reg(insn), src_reg(insn),
                       uint32_t(insn.imm) >> 16, uint16_t(insn.imm));
        return nullptr;
    }
    if (is64 && insn.off == bpf::ADDR_PERCPU && !load) {
        fmt::format_to(to(out), "r{} = &(void __percpu *)(r{})", dst_reg(insn), src_reg(insn));
        return nullptr;
    }
    std::string_view extend;
    switch (insn.off) {
    case 0: break;
    case 8: extend = "(s8)"; break;
    case 16: extend = "(s16)"; break;
    case 32: extend = is64 ? "(s32)" : ""; break;
    default: break;
    }
    if (insn.off != 0 && extend.empty())
        return is64 ? "a register move's off must be 0, 8, 16 or 32 (sign extension)"
                    : "a 32-bit register move's off must be 0, 8 or 16 (sign extension)";
    if (load && insn.imm != 0) return "a register move's imm must be 0";
    fmt::format_to(to(out), "{}{} = {}{}{}", reg, dst_reg(insn), extend, reg, src_reg(insn));
    return nullptr;
}

} // namespace

Problem append_alu(const Insn& insn, Origin origin, Out& out) {
    const bool is64 = insn_class(insn.code) == ALU64;
    const bool load = origin == Origin::Load;
    const bool reg_source = insn_src(insn.code) == X;
    const char reg = is64 ? 'r' : 'w';
    const uint8_t op = insn_op(insn.code);

    switch (op) {
    case END:
        return append_end(insn, is64, load, out);
    case NEG:
        if (reg_source) return "BPF_NEG takes no source bit";
        if (load && (src_reg(insn) != 0 || insn.off != 0 || insn.imm != 0))
            return "BPF_NEG's src_reg, off and imm must be 0";
        fmt::format_to(to(out), "{}{} = -{}{}", reg, dst_reg(insn), reg, dst_reg(insn));
        return nullptr;
    case MOV:
        if (reg_source) return append_mov_reg(insn, is64, load, reg, out);
        if (load && (src_reg(insn) != 0 || insn.off != 0)) return "an immediate move's src_reg and off must be 0";
        fmt::format_to(to(out), "{}{} = {}", reg, dst_reg(insn), insn.imm);
        return nullptr;
    default:
        break;
    }

    const std::string_view plain = alu_operator(op, false);
    if (plain.empty()) return "no such ALU operation";
    const bool divides = op == DIV || op == MOD;
    if (insn.off != 0 && !(divides && insn.off == 1)) {
        if (divides) return "a division's off must be 0 (unsigned) or 1 (signed)";
        if (load) return "off must be 0";
    }
    const std::string_view oper = alu_operator(op, divides && insn.off == 1);
    if (reg_source) {
        if (load && insn.imm != 0) return "imm must be 0 with a register source";
        fmt::format_to(to(out), "{}{} {} {}{}", reg, dst_reg(insn), oper, reg, src_reg(insn));
    } else {
        if (load && src_reg(insn) != 0) return "src_reg must be 0 with an immediate source";
        fmt::format_to(to(out), "{}{} {} {}", reg, dst_reg(insn), oper, insn.imm);
    }
    return nullptr;
}

} // namespace bpfsc::decoder::disasm::detail
