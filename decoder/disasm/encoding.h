// The encoding of a BPF instruction (struct bpf_insn) as Linux 6.18 defines
// it: classes, operations, modes, sizes and the pseudo src_reg values, with
// the kernel's names (linux/bpf_common.h, linux/bpf.h). Numbers of the uapi
// are facts; the comments give the release that added late ones.
#pragma once

#include <cstdint>

#include "uapi/bpf_attr.h"

namespace bpfsc::decoder::disasm {

using Insn = uapi::bpf_insn_raw;

inline uint8_t dst_reg(const Insn& insn) { return insn.regs & 0x0f; }
inline uint8_t src_reg(const Insn& insn) { return uint8_t(insn.regs >> 4); }

inline uint8_t insn_class(uint8_t code) { return code & 0x07; }
inline uint8_t insn_op(uint8_t code) { return code & 0xf0; }     // ALU and JMP classes
inline uint8_t insn_src(uint8_t code) { return code & 0x08; }    // BPF_K or BPF_X
inline uint8_t insn_mode(uint8_t code) { return code & 0xe0; }   // LD, LDX, ST, STX classes
inline uint8_t insn_size(uint8_t code) { return code & 0x18; }

// <linux/bpf.h> defines the kernel's names as macros (BPF_LD, BPF_FETCH,
// BPF_PSEUDO_MAP_FD, ...), so a file including both would break: here
// they drop the BPF_ prefix and live in namespace bpf, bpf::LD being BPF_LD.
namespace bpf {
// Classes.
inline constexpr uint8_t LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05,
                         JMP32 = 0x06 /* 5.1 */, ALU64 = 0x07;
// Sources.
inline constexpr uint8_t K = 0x00, X = 0x08;
inline constexpr uint8_t TO_LE = 0x00, TO_BE = 0x08;  // BPF_END's source bit
// Sizes.
inline constexpr uint8_t W = 0x00, H = 0x08, B = 0x10, DW = 0x18;
// Modes.
inline constexpr uint8_t IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, MEMSX = 0x80 /* 6.6 */, ATOMIC = 0xc0;
inline constexpr uint8_t NOSPEC = 0xc0;  // BPF_ST mode, kernel-internal (xlated only)
// ALU operations (ADD, OR, AND, XOR also name atomic operations in imm).
inline constexpr uint8_t ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60,
                         RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0, MOV = 0xb0, ARSH = 0xc0, END = 0xd0;
// JMP operations.
inline constexpr uint8_t JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40, JNE = 0x50, JSGT = 0x60,
                         JSGE = 0x70, CALL = 0x80, EXIT = 0x90, JLT = 0xa0, JLE = 0xb0, JSLT = 0xc0, JSLE = 0xd0,
                         JCOND = 0xe0 /* 6.9 */;
// BPF_ATOMIC operations in imm, beyond the ALU ones (5.12).
inline constexpr int32_t FETCH = 0x01, XCHG = 0xe0 | FETCH, CMPXCHG = 0xf0 | FETCH;
inline constexpr int32_t LOAD_ACQ = 0x100, STORE_REL = 0x110;  // 6.15
// src_reg of an ld_imm64.
inline constexpr uint8_t PSEUDO_MAP_FD = 1, PSEUDO_MAP_VALUE = 2 /* 5.5 */, PSEUDO_BTF_ID = 3 /* 5.10 */,
                         PSEUDO_FUNC = 4 /* 5.13 */, PSEUDO_MAP_IDX = 5, PSEUDO_MAP_IDX_VALUE = 6 /* 5.14 */;
// src_reg of a BPF_CALL.
inline constexpr uint8_t PSEUDO_CALL = 1 /* 4.16 */, PSEUDO_KFUNC_CALL = 2 /* 5.13 */;
// src_reg of BPF_JMP | BPF_JCOND.
inline constexpr uint8_t MAY_GOTO = 0;  // 6.9
// off of BPF_ALU64 | BPF_MOV | BPF_X.
inline constexpr int16_t ADDR_SPACE_CAST = 1;  // 6.9
inline constexpr int16_t ADDR_PERCPU = -1;     // kernel-internal (xlated only), 6.10
} // namespace bpf

// The one 16-byte instruction, ld_imm64: BPF_LD | BPF_IMM | BPF_DW.
inline constexpr uint8_t kLdImm64 = bpf::LD | bpf::IMM | bpf::DW;  // 0x18

// Helper id of bpf_tail_call (BPF_FUNC_tail_call).
inline constexpr int32_t kTailCallHelper = 12;

} // namespace bpfsc::decoder::disasm
