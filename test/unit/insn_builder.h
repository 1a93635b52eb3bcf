// BPF instructions for the disassembler's tests, built field by field:
// one small function per encoding family (code, dst_reg, src_reg, off, imm).
#pragma once

#include <array>
#include <cstdint>

#include "disasm/encoding.h"

namespace bpfsc::test::insn {

using Insn = bpfsc::uapi::bpf_insn_raw;

constexpr Insn raw(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    return Insn{code, uint8_t(dst | src << 4), off, imm};
}

// Classes with their source bit.
inline constexpr uint8_t kAlu64Imm = 0x07, kAlu64Reg = 0x0f, kAlu32Imm = 0x04, kAlu32Reg = 0x0c;
inline constexpr uint8_t kJmpImm = 0x05, kJmpReg = 0x0d, kJmp32Imm = 0x06, kJmp32Reg = 0x0e;
// Sizes.
inline constexpr uint8_t W = 0x00, H = 0x08, B = 0x10, DW = 0x18;

constexpr Insn alu64_imm(uint8_t op, uint8_t dst, int32_t imm, int16_t off = 0) { return raw(kAlu64Imm | op, dst, 0, off, imm); }
constexpr Insn alu64_reg(uint8_t op, uint8_t dst, uint8_t src, int16_t off = 0) { return raw(kAlu64Reg | op, dst, src, off, 0); }
constexpr Insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm, int16_t off = 0) { return raw(kAlu32Imm | op, dst, 0, off, imm); }
constexpr Insn alu32_reg(uint8_t op, uint8_t dst, uint8_t src, int16_t off = 0) { return raw(kAlu32Reg | op, dst, src, off, 0); }
constexpr Insn mov64_imm(uint8_t dst, int32_t imm) { return alu64_imm(0xb0, dst, imm); }
constexpr Insn mov64_reg(uint8_t dst, uint8_t src) { return alu64_reg(0xb0, dst, src); }

constexpr Insn jmp_imm(uint8_t op, uint8_t dst, int32_t imm, int16_t off) { return raw(kJmpImm | op, dst, 0, off, imm); }
constexpr Insn jmp_reg(uint8_t op, uint8_t dst, uint8_t src, int16_t off) { return raw(kJmpReg | op, dst, src, off, 0); }
constexpr Insn jmp32_imm(uint8_t op, uint8_t dst, int32_t imm, int16_t off) { return raw(kJmp32Imm | op, dst, 0, off, imm); }
constexpr Insn jmp32_reg(uint8_t op, uint8_t dst, uint8_t src, int16_t off) { return raw(kJmp32Reg | op, dst, src, off, 0); }
constexpr Insn ja(int16_t off) { return raw(0x05, 0, 0, off, 0); }
constexpr Insn call_helper(int32_t id) { return raw(0x85, 0, 0, 0, id); }
constexpr Insn call_subprog(int32_t rel) { return raw(0x85, 0, 1, 0, rel); }
constexpr Insn call_kfunc(int32_t btf_id, int16_t fd_index = 0) { return raw(0x85, 0, 2, fd_index, btf_id); }
constexpr Insn exit_insn() { return raw(0x95, 0, 0, 0, 0); }

constexpr Insn ldx(uint8_t size, uint8_t dst, uint8_t src, int16_t off) { return raw(0x61 | size, dst, src, off, 0); }
constexpr Insn ldxsx(uint8_t size, uint8_t dst, uint8_t src, int16_t off) { return raw(0x81 | size, dst, src, off, 0); }
constexpr Insn st(uint8_t size, uint8_t dst, int16_t off, int32_t imm) { return raw(0x62 | size, dst, 0, off, imm); }
constexpr Insn stx(uint8_t size, uint8_t dst, uint8_t src, int16_t off) { return raw(0x63 | size, dst, src, off, 0); }
constexpr Insn atomic(uint8_t size, uint8_t dst, uint8_t src, int16_t off, int32_t op) {
    return raw(0xc3 | size, dst, src, off, op);
}

// The two slots of an ld_imm64.
constexpr std::array<Insn, 2> ld_imm64(uint8_t dst, uint8_t src, int32_t imm, int32_t imm2 = 0) {
    return {raw(0x18, dst, src, 0, imm), raw(0, 0, 0, 0, imm2)};
}

} // namespace bpfsc::test::insn
