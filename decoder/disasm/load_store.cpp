// The text of the memory instructions but ld_imm64: packet loads
// "r0 = *(u16 *)skb[12]" (LD_ABS, LD_IND), loads "r1 = *(u32 *)(r2 +8)",
// sign-extending loads "r1 = *(s8 *)(r2 +0)" (LDX | MEMSX, 6.6), stores
// "*(u64 *)(r10 -8) = r1" (STX) and "*(u32 *)(r10 -4) = 0" (ST), atomics
// (5.12: "lock *(u64 *)(r1 +0) += r2", "r2 = atomic64_fetch_add(...)",
// xchg, cmpxchg; 6.15: load_acquire, store_release) and the verifier's
// "nospec" barrier in xlated instructions.
#include "disasm/insn_text.h"

namespace bpfsc::decoder::disasm::detail {

namespace {

using namespace bpf;

// "u32" for BPF_W, ... (the BPF_SIZE bits of code); "s32", ... for a
// sign-extending load, "" for one 64 bits wide (there is none).
std::string_view size_name(uint8_t code, bool sign_extending = false) {
    switch (insn_size(code)) {
    case W: return sign_extending ? "s32" : "u32";
    case H: return sign_extending ? "s16" : "u16";
    case B: return sign_extending ? "s8" : "u8";
    default: return sign_extending ? "" : "u64";
    }
}

Problem append_packet_load(const Insn& insn, bool load, Out& out) {
    const uint8_t mode = insn_mode(insn.code);
    if (insn_size(insn.code) == DW) return "packet loads are 8, 16 or 32 bits wide";
    if (load && (dst_reg(insn) != 0 || insn.off != 0 || (mode == ABS && src_reg(insn) != 0)))
        return "a packet load's dst_reg and off (and src_reg of BPF_ABS) must be 0";
    if (mode == ABS) fmt::format_to(to(out), "r0 = *({} *)skb[{}]", size_name(insn.code), insn.imm);
    else fmt::format_to(to(out), "r0 = *({} *)skb[r{} + {}]", size_name(insn.code), src_reg(insn), insn.imm);
    return nullptr;
}

Problem append_ldx(const Insn& insn, bool load, Out& out) {
    const uint8_t mode = insn_mode(insn.code);
    if (mode != MEM && mode != MEMSX) return "BPF_LDX takes mode BPF_MEM or BPF_MEMSX";
    const std::string_view size = size_name(insn.code, mode == MEMSX);
    if (size.empty()) return "sign-extending loads are 8, 16 or 32 bits wide";
    if (load && insn.imm != 0) return "a load's imm must be 0";
    fmt::format_to(to(out), "r{} = *({} *)(r{} {:+})", dst_reg(insn), size, src_reg(insn), insn.off);
    return nullptr;
}

Problem append_st(const Insn& insn, bool load, Out& out) {
    const uint8_t mode = insn_mode(insn.code);
    if (mode == NOSPEC && !load && insn_size(insn.code) == W) {
        out.append(std::string_view("nospec"));
        return nullptr;
    }
    if (mode != MEM) return "BPF_ST takes mode BPF_MEM";
    if (load && src_reg(insn) != 0) return "an immediate store's src_reg must be 0";
    fmt::format_to(to(out), "*({} *)(r{} {:+}) = {}", size_name(insn.code), dst_reg(insn), insn.off, insn.imm);
    return nullptr;
}

// The BPF_ATOMIC operations with an ALU operation in imm: add, and, or, xor.
std::string_view atomic_alu(int32_t imm_op, bool fetch_name) {
    switch (imm_op) {
    case ADD: return fetch_name ? "add" : "+=";
    case AND: return fetch_name ? "and" : "&=";
    case OR: return fetch_name ? "or" : "|=";
    case XOR: return fetch_name ? "xor" : "^=";
    default: return "";
    }
}

Problem append_atomic(const Insn& insn, Out& out) {
    const std::string_view size = size_name(insn.code);
    const uint8_t dst = dst_reg(insn), src = src_reg(insn);
    if (insn.imm == bpf::LOAD_ACQ) {
        fmt::format_to(to(out), "r{} = load_acquire(({} *)(r{} {:+}))", dst, size, src, insn.off);
        return nullptr;
    }
    if (insn.imm == bpf::STORE_REL) {
        fmt::format_to(to(out), "store_release(({} *)(r{} {:+}), r{})", size, dst, insn.off, src);
        return nullptr;
    }
    const bool fetch = (insn.imm & bpf::FETCH) != 0;
    const std::string_view alu = atomic_alu(insn.imm & ~bpf::FETCH, fetch);
    if (alu.empty() && insn.imm != bpf::XCHG && insn.imm != bpf::CMPXCHG)
        return "no such atomic operation in imm";
    const uint8_t width = insn_size(insn.code);
    if (width != W && width != DW) return "atomic read-modify-write is 32 or 64 bits wide";
    const std::string_view bits = width == DW ? "64" : "";
    if (!fetch) {
        fmt::format_to(to(out), "lock *({} *)(r{} {:+}) {} r{}", size, dst, insn.off, alu, src);
    } else if (insn.imm == bpf::CMPXCHG) {
        fmt::format_to(to(out), "r0 = atomic{}_cmpxchg(({} *)(r{} {:+}), r0, r{})", bits, size, dst, insn.off, src);
    } else {
        const std::string_view name = insn.imm == bpf::XCHG ? "xchg" : alu;
        fmt::format_to(to(out), "r{} = atomic{}_{}{}(({} *)(r{} {:+}), r{})", src, bits,
                       insn.imm == bpf::XCHG ? "" : "fetch_", name, size, dst, insn.off, src);
    }
    return nullptr;
}

Problem append_stx(const Insn& insn, bool load, Out& out) {
    const uint8_t mode = insn_mode(insn.code);
    if (mode == ATOMIC) return append_atomic(insn, out);
    if (mode != MEM) return "BPF_STX takes mode BPF_MEM or BPF_ATOMIC";
    if (load && insn.imm != 0) return "a register store's imm must be 0";
    fmt::format_to(to(out), "*({} *)(r{} {:+}) = r{}", size_name(insn.code), dst_reg(insn), insn.off, src_reg(insn));
    return nullptr;
}

} // namespace

Problem append_load_store(const Insn& insn, Origin origin, Out& out) {
    const bool load = origin == Origin::Load;
    switch (insn_class(insn.code)) {
    case LD: {
        const uint8_t mode = insn_mode(insn.code);
        if (mode == ABS || mode == IND) return append_packet_load(insn, load, out);
        if (mode == IMM) return "BPF_LD | BPF_IMM is only the 16-byte ld_imm64 (BPF_DW)";
        return "BPF_LD takes mode BPF_IMM, BPF_ABS or BPF_IND";
    }
    case LDX: return append_ldx(insn, load, out);
    case ST: return append_st(insn, load, out);
    default: return append_stx(insn, load, out);
    }
}

} // namespace bpfsc::decoder::disasm::detail
