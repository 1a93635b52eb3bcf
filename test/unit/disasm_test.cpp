// The disassembler's text for every instruction family of Linux 6.18, in
// the notation of the kernel's verifier and bpftool, checked exactly; the
// invalid and truncated encodings; the annotator's lines; no allocation.
#include <cstdlib>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "disasm/disasm.h"
#include "disasm/helper_names.h"
#include "insn_builder.h"

using namespace bpfsc::decoder::disasm;
using namespace bpfsc::test::insn;

// Counts allocations while a test asks (the disassembler must make none).
namespace {
thread_local bool g_counting = false;
thread_local int g_allocations = 0;
} // namespace

#if defined(__SANITIZE_ADDRESS__)
#define BPFSC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BPFSC_ASAN 1
#endif
#endif

#ifdef BPFSC_ASAN
// Under ASan, whose allocator owns operator new and its every variant, its
// hook counts (a replacement would pair ASan's nothrow new with free).
#include <sanitizer/allocator_interface.h>
namespace {
void count_allocation(const volatile void*, std::size_t) {
    if (g_counting) ++g_allocations;
}
void ignore_free(const volatile void*) {}
[[maybe_unused]] const int g_hooks = __sanitizer_install_malloc_and_free_hooks(count_allocation, ignore_free);
} // namespace
#else
// The replacements pair malloc with free, as they must; GCC cannot see that
// the pointer free() receives came from this operator new.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
    if (g_counting) ++g_allocations;
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace {

// Options field by field (designated initializers would leave some out,
// which -Wmissing-field-initializers refuses).
Options opts(Origin origin, Annotator* annotator = nullptr, uint32_t first_index = 0, std::string_view indent = {},
             bool more_follows = false) {
    Options o;
    o.origin = origin;
    o.annotator = annotator;
    o.first_index = first_index;
    o.indent = indent;
    o.more_follows = more_follows;
    return o;
}

std::string disasm(std::span<const Insn> insns, const Options& options = {}) {
    fmt::memory_buffer out;
    append_disasm(insns, out, options);
    return fmt::to_string(out);
}

// The one line of one instruction (or ld_imm64) without its "   0: ".
std::string line(std::vector<Insn> insns, Origin origin = Origin::Load) {
    const std::string text = disasm(insns, opts(origin));
    REQUIRE(text.size() > 7);
    REQUIRE(text.substr(0, 6) == "   0: ");
    REQUIRE(text.find('\n') == text.size() - 1);
    return text.substr(6, text.size() - 7);
}
std::string line(Insn insn, Origin origin = Origin::Load) { return line(std::vector<Insn>{insn}, origin); }
std::string line(std::array<Insn, 2> pair, Origin origin = Origin::Load) {
    return line(std::vector<Insn>(pair.begin(), pair.end()), origin);
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// An operation's bits in code and its text.
struct Op {
    uint8_t op;
    const char* text;
};

} // namespace

TEST_CASE("helper names are those of 6.18's enum bpf_func_id", "[disasm]") {
    CHECK(helper_name(0) == "bpf_unspec");
    CHECK(helper_name(1) == "bpf_map_lookup_elem");
    CHECK(helper_name(12) == "bpf_tail_call");
    CHECK(helper_name(14) == "bpf_get_current_pid_tgid");
    CHECK(helper_name(25) == "bpf_perf_event_output");
    CHECK(helper_name(181) == "bpf_loop");
    CHECK(helper_name(211) == "bpf_cgrp_storage_delete");
    CHECK(helper_name(212).empty());
    CHECK(helper_name(-1).empty());
    CHECK(helper_name(int64_t(1) << 40).empty());
    for (std::size_t id = 0; id < kHelperIdCount; ++id) {
        INFO("helper " << id);
        CHECK(starts_with(std::string(helper_name(int64_t(id))), "bpf_"));
    }
}

TEST_CASE("ALU operations with an immediate and with a register, 64 and 32 bits", "[disasm]") {
    const Op ops[] = {{0x00, "+="}, {0x10, "-="}, {0x20, "*="}, {0x30, "/="}, {0x40, "|="}, {0x50, "&="},
                      {0x60, "<<="}, {0x70, ">>="}, {0x90, "%="}, {0xa0, "^="}, {0xc0, "s>>="}};
    for (const Op& o : ops) {
        INFO("op " << int(o.op));
        CHECK(line(alu64_imm(o.op, 1, 5)) == fmt::format("({:02x}) r1 {} 5", 0x07 | o.op, o.text));
        CHECK(line(alu64_reg(o.op, 2, 3)) == fmt::format("({:02x}) r2 {} r3", 0x0f | o.op, o.text));
        CHECK(line(alu32_imm(o.op, 4, -7)) == fmt::format("({:02x}) w4 {} -7", 0x04 | o.op, o.text));
        CHECK(line(alu32_reg(o.op, 5, 10)) == fmt::format("({:02x}) w5 {} w10", 0x0c | o.op, o.text));
    }
    CHECK(line(mov64_imm(1, 0)) == "(b7) r1 = 0");
    CHECK(line(mov64_imm(0, -1)) == "(b7) r0 = -1");
    CHECK(line(mov64_reg(6, 1)) == "(bf) r6 = r1");
    CHECK(line(alu32_imm(0xb0, 2, 42)) == "(b4) w2 = 42");
    CHECK(line(alu32_reg(0xb0, 2, 3)) == "(bc) w2 = w3");
    CHECK(line(alu64_imm(0x80, 7, 0)) == "(87) r7 = -r7");
    CHECK(line(alu32_imm(0x80, 7, 0)) == "(84) w7 = -w7");
}

TEST_CASE("signed division and modulo (off 1), sign-extending moves (off 8/16/32)", "[disasm]") {
    CHECK(line(alu64_imm(0x30, 1, 3, 1)) == "(37) r1 s/= 3");
    CHECK(line(alu64_reg(0x90, 1, 2, 1)) == "(9f) r1 s%= r2");
    CHECK(line(alu32_reg(0x30, 1, 2, 1)) == "(3c) w1 s/= w2");
    CHECK(line(alu32_imm(0x90, 1, -3, 1)) == "(94) w1 s%= -3");
    CHECK(line(alu64_reg(0xb0, 1, 2, 8)) == "(bf) r1 = (s8)r2");
    CHECK(line(alu64_reg(0xb0, 1, 2, 16)) == "(bf) r1 = (s16)r2");
    CHECK(line(alu64_reg(0xb0, 1, 2, 32)) == "(bf) r1 = (s32)r2");
    CHECK(line(alu32_reg(0xb0, 1, 2, 8)) == "(bc) w1 = (s8)w2");
    CHECK(line(alu32_reg(0xb0, 1, 2, 16)) == "(bc) w1 = (s16)w2");
}

TEST_CASE("byte swaps: le/be of BPF_ALU, bswap of BPF_ALU64", "[disasm]") {
    CHECK(line(raw(0xd4, 1, 0, 0, 16)) == "(d4) r1 = le16 r1");
    CHECK(line(raw(0xd4, 1, 0, 0, 64)) == "(d4) r1 = le64 r1");
    CHECK(line(raw(0xdc, 2, 0, 0, 16)) == "(dc) r2 = be16 r2");
    CHECK(line(raw(0xdc, 2, 0, 0, 32)) == "(dc) r2 = be32 r2");
    CHECK(line(raw(0xdc, 2, 0, 0, 64)) == "(dc) r2 = be64 r2");
    CHECK(line(raw(0xd7, 3, 0, 0, 16)) == "(d7) r3 = bswap16 r3");
    CHECK(line(raw(0xd7, 3, 0, 0, 32)) == "(d7) r3 = bswap32 r3");
    CHECK(line(raw(0xd7, 3, 0, 0, 64)) == "(d7) r3 = bswap64 r3");
}

TEST_CASE("arena and per-CPU moves", "[disasm]") {
    CHECK(line(alu64_reg(0xb0, 1, 2, 1) /* imm 0 */) ==
          "(bf) invalid: addr_space_cast converts only between address spaces 0 and 1 (imm 1 or 0x10000) "
          "[bf 21 01 00 00 00 00 00]");
    CHECK(line(raw(0xbf, 1, 2, 1, 1)) == "(bf) r1 = addr_space_cast(r2, 0, 1)");
    CHECK(line(raw(0xbf, 1, 2, 1, 1 << 16)) == "(bf) r1 = addr_space_cast(r2, 1, 0)");
    // The verifier's own per-CPU address move exists only in xlated instructions.
    CHECK(line(raw(0xbf, 0, 0, -1, 0), Origin::Xlated) == "(bf) r0 = &(void __percpu *)(r0)");
    CHECK(starts_with(line(raw(0xbf, 0, 0, -1, 0)), "(bf) invalid: a register move's off must be 0, 8, 16 or 32"));
}

TEST_CASE("ALU encodings that have no meaning are marked invalid with their bytes", "[disasm]") {
    CHECK(line(raw(0xe7, 1, 0, 0, 5)) == "(e7) invalid: no such ALU operation [e7 01 00 00 05 00 00 00]");
    CHECK(line(raw(0xfc, 1, 2, 0, 0)) == "(fc) invalid: no such ALU operation [fc 21 00 00 00 00 00 00]");
    CHECK(line(raw(0x8f, 1, 0, 0, 0)) == "(8f) invalid: BPF_NEG takes no source bit [8f 01 00 00 00 00 00 00]");
    CHECK(line(raw(0xdf, 1, 0, 0, 16)) ==
          "(df) invalid: BPF_ALU64 | BPF_END (bswap) takes no source bit [df 01 00 00 10 00 00 00]");
    CHECK(line(raw(0xd4, 1, 0, 0, 8)) ==
          "(d4) invalid: a byte swap's imm must be 16, 32 or 64 [d4 01 00 00 08 00 00 00]");
    CHECK(line(alu32_reg(0xb0, 1, 2, 32)) ==
          "(bc) invalid: a 32-bit register move's off must be 0, 8 or 16 (sign extension) [bc 21 20 00 00 00 00 00]");
    CHECK(line(alu64_imm(0x30, 1, 3, 2)) ==
          "(37) invalid: a division's off must be 0 (unsigned) or 1 (signed) [37 01 02 00 03 00 00 00]");
    CHECK(line(alu64_imm(0x30, 1, 3, 2), Origin::Xlated) == line(alu64_imm(0x30, 1, 3, 2)));
}

TEST_CASE("reserved fields are checked at load, not in xlated instructions the kernel rewrote", "[disasm]") {
    const Insn add_with_src = raw(0x07, 1, 3, 0, 5);   // r1 += 5 with src_reg 3
    CHECK(line(add_with_src) ==
          "(07) invalid: src_reg must be 0 with an immediate source [07 31 00 00 05 00 00 00]");
    CHECK(line(add_with_src, Origin::Xlated) == "(07) r1 += 5");
    const Insn add_with_off = raw(0x0f, 1, 2, 4, 0);
    CHECK(line(add_with_off) == "(0f) invalid: off must be 0 [0f 21 04 00 00 00 00 00]");
    CHECK(line(add_with_off, Origin::Xlated) == "(0f) r1 += r2");
    CHECK(line(raw(0x0f, 1, 2, 0, 9)) ==
          "(0f) invalid: imm must be 0 with a register source [0f 21 00 00 09 00 00 00]");
    CHECK(line(raw(0xb7, 1, 2, 0, 9)) ==
          "(b7) invalid: an immediate move's src_reg and off must be 0 [b7 21 00 00 09 00 00 00]");
    CHECK(line(raw(0x87, 1, 0, 0, 1)) ==
          "(87) invalid: BPF_NEG's src_reg, off and imm must be 0 [87 01 00 00 01 00 00 00]");
    CHECK(line(raw(0x95, 0, 0, 0, 1)) == "(95) invalid: imm must be 0 [95 00 00 00 01 00 00 00]");
    CHECK(line(raw(0x85, 0, 1, 3, 4)) ==
          "(85) invalid: a bpf function call's off must be 0 [85 10 03 00 04 00 00 00]");
    CHECK(line(raw(0x61, 1, 2, 0, 1)) == "(61) invalid: a load's imm must be 0 [61 21 00 00 01 00 00 00]");
    CHECK(line(raw(0x62, 1, 2, 0, 1)) ==
          "(62) invalid: an immediate store's src_reg must be 0 [62 21 00 00 01 00 00 00]");
    CHECK(line(raw(0x63, 1, 2, 0, 1)) ==
          "(63) invalid: a register store's imm must be 0 [63 21 00 00 01 00 00 00]");
}

TEST_CASE("conditional jumps, 64 and 32 bits, with an immediate and a register", "[disasm]") {
    const Op ops[] = {{0x10, "=="}, {0x20, ">"},  {0x30, ">="}, {0x40, "&"},  {0x50, "!="},  {0x60, "s>"},
                      {0x70, "s>="}, {0xa0, "<"}, {0xb0, "<="}, {0xc0, "s<"}, {0xd0, "s<="}};
    for (const Op& o : ops) {
        INFO("op " << int(o.op));
        CHECK(line(jmp_imm(o.op, 0, 0, 3)) == fmt::format("({:02x}) if r0 {} 0x0 goto pc+3", 0x05 | o.op, o.text));
        CHECK(line(jmp_reg(o.op, 1, 2, -4)) == fmt::format("({:02x}) if r1 {} r2 goto pc-4", 0x0d | o.op, o.text));
        CHECK(line(jmp32_imm(o.op, 3, -1, 0)) ==
              fmt::format("({:02x}) if w3 {} 0xffffffff goto pc+0", 0x06 | o.op, o.text));
        CHECK(line(jmp32_reg(o.op, 4, 5, 100)) ==
              fmt::format("({:02x}) if w4 {} w5 goto pc+100", 0x0e | o.op, o.text));
    }
    CHECK(line(jmp_imm(0x10, 0, 255, 1)) == "(15) if r0 == 0xff goto pc+1");
}

TEST_CASE("goto, gotol, may_goto, exit", "[disasm]") {
    CHECK(line(ja(2)) == "(05) goto pc+2");
    CHECK(line(ja(-1)) == "(05) goto pc-1");
    CHECK(line(raw(0x06, 0, 0, 0, 70000)) == "(06) gotol pc+70000");
    CHECK(line(raw(0xe5, 0, 0, 5, 0)) == "(e5) may_goto pc+5");
    CHECK(line(exit_insn()) == "(95) exit");
}

TEST_CASE("calls: helpers by name and id, bpf functions, kfuncs", "[disasm]") {
    CHECK(line(call_helper(14)) == "(85) call bpf_get_current_pid_tgid#14");
    CHECK(line(call_helper(1)) == "(85) call bpf_map_lookup_elem#1");
    CHECK(line(call_helper(12)) == "(85) call bpf_tail_call#12");
    CHECK(line(call_helper(212)) == "(85) call unknown#212");
    CHECK(line(call_helper(-5)) == "(85) call unknown#-5");
    CHECK(line(call_subprog(7)) == "(85) call pc+7");
    CHECK(line(call_subprog(-9)) == "(85) call pc-9");
    CHECK(line(call_kfunc(12345)) == "(85) call kernel-function#12345");
    CHECK(line(call_kfunc(12345, 2)) == "(85) call kernel-function#12345");
    // Xlated: after the JIT, the offset is in off and imm is the subprogram's number.
    CHECK(line(raw(0x85, 0, 1, 6, 2), Origin::Xlated) == "(85) call pc+6");
    // Xlated helper calls carry an address; without an annotator it is unknown.
    CHECK(line(call_helper(-183512), Origin::Xlated) == "(85) call unknown#-183512");
}

TEST_CASE("jump encodings that have no meaning are marked invalid", "[disasm]") {
    CHECK(line(raw(0x86, 0, 0, 0, 1)) ==
          "(86) invalid: a call is only BPF_JMP | BPF_CALL | BPF_K [86 00 00 00 01 00 00 00]");
    CHECK(line(raw(0x8d, 0, 1, 0, 0)) ==
          "(8d) invalid: a call is only BPF_JMP | BPF_CALL | BPF_K [8d 10 00 00 00 00 00 00]");
    CHECK(line(raw(0x85, 0, 3, 0, 1)) ==
          "(85) invalid: a call's src_reg must be 0 (helper), 1 (bpf function) or 2 (kfunc) [85 30 00 00 01 00 00 00]");
    CHECK(line(raw(0x0d, 1, 0, 0, 0)) ==
          "(0d) invalid: goto, exit and may_goto take no source bit (no indirect jumps in 6.18) "
          "[0d 01 00 00 00 00 00 00]");
    CHECK(line(raw(0x96, 0, 0, 0, 0)) == "(96) invalid: BPF_JMP32 has no exit or may_goto [96 00 00 00 00 00 00 00]");
    CHECK(line(raw(0xe6, 0, 0, 1, 0)) == "(e6) invalid: BPF_JMP32 has no exit or may_goto [e6 00 01 00 00 00 00 00]");
    CHECK(line(raw(0xe5, 0, 1, 1, 0)) ==
          "(e5) invalid: BPF_JCOND's src_reg must be 0 (may_goto) [e5 10 01 00 00 00 00 00]");
    CHECK(line(raw(0xf5, 0, 0, 1, 0)) == "(f5) invalid: no such jump operation [f5 00 01 00 00 00 00 00]");
    CHECK(line(raw(0xfe, 1, 2, 1, 0)) == "(fe) invalid: no such jump operation [fe 21 01 00 00 00 00 00]");
    CHECK(line(raw(0x06, 0, 0, 1, 5)) ==
          "(06) invalid: gotol's off must be 0 (the offset is imm) [06 00 01 00 05 00 00 00]");
}

TEST_CASE("loads and stores of every size, sign-extending loads, packet loads", "[disasm]") {
    CHECK(line(ldx(W, 1, 2, 8)) == "(61) r1 = *(u32 *)(r2 +8)");
    CHECK(line(ldx(H, 1, 2, -2)) == "(69) r1 = *(u16 *)(r2 -2)");
    CHECK(line(ldx(B, 1, 2, 0)) == "(71) r1 = *(u8 *)(r2 +0)");
    CHECK(line(ldx(DW, 0, 10, -8)) == "(79) r0 = *(u64 *)(r10 -8)");
    CHECK(line(ldxsx(W, 1, 2, 4)) == "(81) r1 = *(s32 *)(r2 +4)");
    CHECK(line(ldxsx(H, 1, 2, 4)) == "(89) r1 = *(s16 *)(r2 +4)");
    CHECK(line(ldxsx(B, 1, 2, 4)) == "(91) r1 = *(s8 *)(r2 +4)");
    CHECK(line(st(W, 10, -4, 0)) == "(62) *(u32 *)(r10 -4) = 0");
    CHECK(line(st(H, 10, -6, -1)) == "(6a) *(u16 *)(r10 -6) = -1");
    CHECK(line(st(B, 10, -7, 7)) == "(72) *(u8 *)(r10 -7) = 7");
    CHECK(line(st(DW, 10, -16, 1)) == "(7a) *(u64 *)(r10 -16) = 1");
    CHECK(line(stx(W, 10, 1, -4)) == "(63) *(u32 *)(r10 -4) = r1");
    CHECK(line(stx(H, 10, 1, -4)) == "(6b) *(u16 *)(r10 -4) = r1");
    CHECK(line(stx(B, 10, 1, -4)) == "(73) *(u8 *)(r10 -4) = r1");
    CHECK(line(stx(DW, 10, 1, -8)) == "(7b) *(u64 *)(r10 -8) = r1");
    CHECK(line(raw(0x20, 0, 0, 0, 14)) == "(20) r0 = *(u32 *)skb[14]");
    CHECK(line(raw(0x28, 0, 0, 0, 12)) == "(28) r0 = *(u16 *)skb[12]");
    CHECK(line(raw(0x30, 0, 0, 0, 23)) == "(30) r0 = *(u8 *)skb[23]");
    CHECK(line(raw(0x40, 0, 7, 0, 2)) == "(40) r0 = *(u32 *)skb[r7 + 2]");
    CHECK(line(raw(0x50, 0, 7, 0, -1)) == "(50) r0 = *(u8 *)skb[r7 + -1]");
}

TEST_CASE("atomics: lock add/and/or/xor, fetch, xchg, cmpxchg, load_acquire, store_release", "[disasm]") {
    CHECK(line(atomic(DW, 1, 2, 0, 0x00)) == "(db) lock *(u64 *)(r1 +0) += r2");
    CHECK(line(atomic(W, 1, 2, 8, 0x40)) == "(c3) lock *(u32 *)(r1 +8) |= r2");
    CHECK(line(atomic(DW, 1, 2, -8, 0x50)) == "(db) lock *(u64 *)(r1 -8) &= r2");
    CHECK(line(atomic(W, 1, 2, 0, 0xa0)) == "(c3) lock *(u32 *)(r1 +0) ^= r2");
    CHECK(line(atomic(DW, 1, 2, 0, 0x01)) == "(db) r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)");
    CHECK(line(atomic(W, 1, 2, 4, 0x41)) == "(c3) r2 = atomic_fetch_or((u32 *)(r1 +4), r2)");
    CHECK(line(atomic(DW, 1, 3, 0, 0x51)) == "(db) r3 = atomic64_fetch_and((u64 *)(r1 +0), r3)");
    CHECK(line(atomic(W, 1, 3, 0, 0xa1)) == "(c3) r3 = atomic_fetch_xor((u32 *)(r1 +0), r3)");
    CHECK(line(atomic(DW, 1, 2, 0, 0xe1)) == "(db) r2 = atomic64_xchg((u64 *)(r1 +0), r2)");
    CHECK(line(atomic(W, 1, 2, 0, 0xe1)) == "(c3) r2 = atomic_xchg((u32 *)(r1 +0), r2)");
    CHECK(line(atomic(DW, 1, 2, 0, 0xf1)) == "(db) r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)");
    CHECK(line(atomic(W, 1, 2, -4, 0xf1)) == "(c3) r0 = atomic_cmpxchg((u32 *)(r1 -4), r0, r2)");
    CHECK(line(atomic(DW, 0, 1, 0, 0x100)) == "(db) r0 = load_acquire((u64 *)(r1 +0))");
    CHECK(line(atomic(B, 0, 1, 3, 0x100)) == "(d3) r0 = load_acquire((u8 *)(r1 +3))");
    CHECK(line(atomic(H, 1, 2, 0, 0x110)) == "(cb) store_release((u16 *)(r1 +0), r2)");
    CHECK(line(atomic(DW, 1, 2, 8, 0x110)) == "(db) store_release((u64 *)(r1 +8), r2)");
}

TEST_CASE("memory encodings that have no meaning are marked invalid", "[disasm]") {
    CHECK(line(atomic(B, 1, 2, 0, 0x00)) ==
          "(d3) invalid: atomic read-modify-write is 32 or 64 bits wide [d3 21 00 00 00 00 00 00]");
    CHECK(line(atomic(DW, 1, 2, 0, 0x02)) ==
          "(db) invalid: no such atomic operation in imm [db 21 00 00 02 00 00 00]");
    CHECK(line(atomic(DW, 1, 2, 0, 0xe0)) ==
          "(db) invalid: no such atomic operation in imm [db 21 00 00 e0 00 00 00]");
    CHECK(line(raw(0x99, 1, 2, 0, 0)) ==
          "(99) invalid: sign-extending loads are 8, 16 or 32 bits wide [99 21 00 00 00 00 00 00]");
    CHECK(line(raw(0x21, 1, 2, 0, 0)) ==
          "(21) invalid: BPF_LDX takes mode BPF_MEM or BPF_MEMSX [21 21 00 00 00 00 00 00]");
    CHECK(line(raw(0x83, 1, 2, 0, 0)) ==
          "(83) invalid: BPF_STX takes mode BPF_MEM or BPF_ATOMIC [83 21 00 00 00 00 00 00]");
    CHECK(line(raw(0x00, 1, 0, 0, 0)) ==
          "(00) invalid: BPF_LD | BPF_IMM is only the 16-byte ld_imm64 (BPF_DW) [00 01 00 00 00 00 00 00]");
    CHECK(line(raw(0x60, 1, 0, 0, 0)) ==
          "(60) invalid: BPF_LD takes mode BPF_IMM, BPF_ABS or BPF_IND [60 01 00 00 00 00 00 00]");
    CHECK(line(raw(0x38, 0, 0, 0, 1)) ==
          "(38) invalid: packet loads are 8, 16 or 32 bits wide [38 00 00 00 01 00 00 00]");
    CHECK(line(raw(0x20, 1, 0, 0, 1)) ==
          "(20) invalid: a packet load's dst_reg and off (and src_reg of BPF_ABS) must be 0 [20 01 00 00 01 00 00 00]");
    // The verifier's speculation barrier exists only in xlated instructions.
    CHECK(line(raw(0xc2, 0, 0, 0, 0), Origin::Xlated) == "(c2) nospec");
    CHECK(line(raw(0xc2, 0, 0, 0, 0)) == "(c2) invalid: BPF_ST takes mode BPF_MEM [c2 00 00 00 00 00 00 00]");
}

TEST_CASE("ld_imm64: constants, maps by fd, index and id, values, kernel variables, functions", "[disasm]") {
    CHECK(line(ld_imm64(1, 0, 0x55667788, 0x11223344)) == "(18) r1 = 0x1122334455667788");
    CHECK(line(ld_imm64(1, 0, -1, -1)) == "(18) r1 = 0xffffffffffffffff");
    CHECK(line(ld_imm64(2, 0, 0, 0)) == "(18) r2 = 0x0");
    CHECK(line(ld_imm64(1, 1, 5)) == "(18) r1 = map[fd:5]");
    CHECK(line(ld_imm64(1, 2, 5, 8)) == "(18) r1 = map[fd:5][0]+8");
    CHECK(line(ld_imm64(1, 5, 2)) == "(18) r1 = map[idx:2]");
    CHECK(line(ld_imm64(1, 6, 2, 16)) == "(18) r1 = map[idx:2][0]+16");
    CHECK(line(ld_imm64(1, 1, 13), Origin::Xlated) == "(18) r1 = map[id:13]");
    CHECK(line(ld_imm64(1, 2, 13, 8), Origin::Xlated) == "(18) r1 = map[id:13][0]+8");
    CHECK(line(ld_imm64(3, 3, 1234)) == "(18) r3 = ksym[btf_id:1234]");
    CHECK(line(ld_imm64(3, 3, 1234, 9)) == "(18) r3 = ksym[btf_id:1234,btf_fd:9]");
    CHECK(line(ld_imm64(2, 4, 5)) == "(18) r2 = subprog[+5]");
    CHECK(line(ld_imm64(2, 4, -3)) == "(18) r2 = subprog[-3]");
}

TEST_CASE("ld_imm64 encodings that have no meaning, and one cut off by the end", "[disasm]") {
    CHECK(line(ld_imm64(1, 7, 5)) ==
          "(18) invalid: an ld_imm64's src_reg must be 0..6 [18 71 00 00 05 00 00 00 00 00 00 00 00 00 00 00]");
    CHECK(line(ld_imm64(1, 1, 5, 3)) ==
          "(18) invalid: the second slot's imm must be 0 for a map (not its value) "
          "[18 11 00 00 05 00 00 00 00 00 00 00 03 00 00 00]");
    CHECK(line(std::vector<Insn>{raw(0x18, 1, 0, 0, 1), raw(0xb7, 0, 0, 0, 0)}) ==
          "(18) invalid: the second slot of an ld_imm64 must have code, registers and off 0 "
          "[18 01 00 00 01 00 00 00 b7 00 00 00 00 00 00 00]");
    CHECK(line(std::vector<Insn>{raw(0x18, 1, 0, 2, 1), raw(0, 0, 0, 0, 0)}) ==
          "(18) invalid: an ld_imm64's off must be 0 [18 01 02 00 01 00 00 00 00 00 00 00 00 00 00 00]");

    const std::vector<Insn> cut = {mov64_imm(0, 0), raw(0x18, 1, 1, 0, 5)};
    CHECK(disasm(cut) == "   0: (b7) r0 = 0\n"
                         "   1: (18) truncated: an ld_imm64 takes two slots and this is the last "
                         "[18 11 00 00 05 00 00 00]\n");
    // A caller reading a page at a time leaves the first slot for the next page.
    fmt::memory_buffer out;
    CHECK(append_disasm(cut, out, opts(Origin::Load, nullptr, 0, {}, true)) == 1);
    CHECK(fmt::to_string(out) == "   0: (b7) r0 = 0\n");
    const std::vector<Insn> next = {raw(0x18, 1, 1, 0, 5), raw(0, 0, 0, 0, 0), exit_insn()};
    CHECK(append_disasm(next, out, opts(Origin::Load, nullptr, 1, {}, true)) == 3);
    CHECK(fmt::to_string(out) == "   0: (b7) r0 = 0\n   1: (18) r1 = map[fd:5]\n   3: (95) exit\n");
}

TEST_CASE("a program: indexes padded as bpftool pads them, ld_imm64 taking two", "[disasm]") {
    std::vector<Insn> prog = {mov64_imm(1, 0), stx(DW, 10, 1, -8), call_helper(14)};
    for (const Insn& i : ld_imm64(1, 1, 4)) prog.push_back(i);
    prog.push_back(jmp_imm(0x10, 0, 0, 1));
    prog.push_back(exit_insn());
    CHECK(disasm(prog) == "   0: (b7) r1 = 0\n"
                          "   1: (7b) *(u64 *)(r10 -8) = r1\n"
                          "   2: (85) call bpf_get_current_pid_tgid#14\n"
                          "   3: (18) r1 = map[fd:4]\n"
                          "   5: (15) if r0 == 0x0 goto pc+1\n"
                          "   6: (95) exit\n");
    CHECK(disasm(prog, opts(Origin::Load, nullptr, 99998, "  ")) ==
          "  99998: (b7) r1 = 0\n"
          "  99999: (7b) *(u64 *)(r10 -8) = r1\n"
          "  100000: (85) call bpf_get_current_pid_tgid#14\n"
          "  100001: (18) r1 = map[fd:4]\n"
          "  100003: (15) if r0 == 0x0 goto pc+1\n"
          "  100004: (95) exit\n");
    fmt::memory_buffer out;
    CHECK(append_insn(prog, 3, out) == 2);
    CHECK(append_insn(prog, 7, out) == 0);  // past the end: nothing
    CHECK(fmt::to_string(out) == "   3: (18) r1 = map[fd:4]\n");
    CHECK(disasm({}).empty());
}

namespace {

// What a tracer knows: map labels by fd, kfunc and variable names, kernel
// symbols, func_info and line_info. Declines everything else, after
// writing something (which must not show).
class TestAnnotator : public Annotator {
public:
    bool map_text(const MapRef& ref, fmt::memory_buffer& out) override {
        out.append(std::string_view("GARBAGE"));
        if (ref.kind != MapRefKind::Fd || ref.number != 5) return false;
        out.resize(out.size() - 7);
        append_map_fallback(ref, out);
        out.append(std::string_view("<config>"));
        return true;
    }
    bool kfunc_name(int32_t btf_id, int16_t fd_index, fmt::memory_buffer& out) override {
        out.append(std::string_view("GARBAGE"));
        if (btf_id != 777) return false;
        out.resize(out.size() - 7);
        fmt::format_to(fmt::appender(out), "bpf_obj_new_impl{}", fd_index == 0 ? "" : "@module");
        return true;
    }
    bool ksym_name(int32_t btf_id, int32_t, fmt::memory_buffer& out) override {
        if (btf_id != 42) return false;
        out.append(std::string_view("&bpf_prog_active"));
        return true;
    }
    bool kernel_call_name(int32_t imm, fmt::memory_buffer& out) override {
        out.append(std::string_view("GARBAGE"));
        if (imm != -1000) return false;
        out.resize(out.size() - 7);
        out.append(std::string_view("__htab_map_lookup_elem"));
        return true;
    }
    bool function_at(uint32_t index, fmt::memory_buffer& out) override {
        out.append(std::string_view("GARBAGE"));
        if (index != 0 && index != 4) return false;
        out.resize(out.size() - 7);
        out.append(std::string_view(index == 0 ? "int hello(void * ctx)" : "static int sub(int x)"));
        return true;
    }
    bool source_line_at(uint32_t index, fmt::memory_buffer& out) override {
        out.append(std::string_view("GARBAGE"));
        if (index != 0 && index != 2) return false;
        out.resize(out.size() - 7);
        out.append(std::string_view(index == 0 ? "int pid = bpf_get_current_pid_tgid() >> 32; @ hello.bpf.c:12"
                                               : "return 0;"));
        return true;
    }
};

} // namespace

TEST_CASE("the annotator names maps, kfuncs, variables and kernel calls, and adds functions and lines",
          "[disasm]") {
    TestAnnotator names;
    const Options load = opts(Origin::Load, &names);
    const Options xlated = opts(Origin::Xlated, &names);
    auto one = [](std::vector<Insn> v, const Options& o) {
        const std::string text = disasm(v, opts(o.origin, o.annotator, 1));
        return text.substr(6, text.size() - 7);
    };
    CHECK(one({ld_imm64(1, 1, 5)[0], ld_imm64(1, 1, 5)[1]}, load) == "(18) r1 = map[fd:5]<config>");
    CHECK(one({ld_imm64(1, 2, 5, 8)[0], ld_imm64(1, 2, 5, 8)[1]}, load) == "(18) r1 = map[fd:5]<config>[0]+8");
    CHECK(one({ld_imm64(1, 1, 6)[0], ld_imm64(1, 1, 6)[1]}, load) == "(18) r1 = map[fd:6]");
    CHECK(one({call_kfunc(777)}, load) == "(85) call bpf_obj_new_impl#777");
    CHECK(one({call_kfunc(777, 1)}, load) == "(85) call bpf_obj_new_impl@module#777");
    CHECK(one({call_kfunc(778)}, load) == "(85) call kernel-function#778");
    CHECK(one({ld_imm64(1, 3, 42)[0], ld_imm64(1, 3, 42)[1]}, load) == "(18) r1 = &bpf_prog_active");
    CHECK(one({ld_imm64(1, 3, 43)[0], ld_imm64(1, 3, 43)[1]}, load) == "(18) r1 = ksym[btf_id:43]");
    // Kernel addresses are named only in xlated instructions; the helper table comes first.
    CHECK(one({call_helper(-1000)}, xlated) == "(85) call __htab_map_lookup_elem#-1000");
    CHECK(one({call_helper(-1000)}, load) == "(85) call unknown#-1000");
    CHECK(one({call_helper(-1001)}, xlated) == "(85) call unknown#-1001");
    CHECK(one({call_helper(5)}, xlated) == "(85) call bpf_ktime_get_ns#5");
    CHECK(one({call_kfunc(-1000)}, xlated) == "(85) call __htab_map_lookup_elem#-1000");
    CHECK(one({call_kfunc(-1001)}, xlated) == "(85) call kernel-function#-1001");

    const std::vector<Insn> prog = {call_helper(14), alu64_imm(0x70, 0, 32), mov64_imm(0, 0), exit_insn(),
                                    mov64_imm(0, 1), exit_insn()};
    CHECK(disasm(prog, opts(Origin::Load, &names, 0, "    ")) ==
          "    int hello(void * ctx):\n"
          "    ; int pid = bpf_get_current_pid_tgid() >> 32; @ hello.bpf.c:12\n"
          "       0: (85) call bpf_get_current_pid_tgid#14\n"
          "       1: (77) r0 >>= 32\n"
          "    ; return 0;\n"
          "       2: (b7) r0 = 0\n"
          "       3: (95) exit\n"
          "    static int sub(int x):\n"
          "       4: (b7) r0 = 1\n"
          "       5: (95) exit\n");
}

TEST_CASE("random instructions never crash, never read past the span, one line per instruction", "[disasm]") {
    std::mt19937 rng(20251122);
    std::uniform_int_distribution<uint32_t> byte(0, 255);
    std::uniform_int_distribution<int32_t> imm(-20, 300);
    for (int round = 0; round < 2000; ++round) {
        const std::size_t n = 1 + round % 9;
        // Exactly n slots on the heap: a sanitizer build catches a read past them.
        std::unique_ptr<Insn[]> slots(new Insn[n]);
        for (std::size_t i = 0; i < n; ++i) {
            const uint32_t pick = byte(rng);
            slots[i] = raw(uint8_t(pick < 40 ? 0x18 : byte(rng)), uint8_t(byte(rng) & 0x0f), uint8_t(byte(rng) & 0x0f),
                           int16_t(imm(rng)), pick % 3 == 0 ? imm(rng) : int32_t(byte(rng) << 24 | byte(rng)));
        }
        const std::span<const Insn> span(slots.get(), n);
        for (const Origin origin : {Origin::Load, Origin::Xlated}) {
            const std::string text = disasm(span, opts(origin));
            std::size_t lines = 0, expected = 0;
            for (std::size_t at = 0; at < n; at += (slots[at].code == 0x18 && at + 1 < n) ? 2 : 1) ++expected;
            for (const char c : text) lines += c == '\n';
            INFO(text);
            CHECK(lines == expected);
            CHECK(text.back() == '\n');
        }
    }
}

TEST_CASE("disassembling into a buffer with room allocates nothing", "[disasm]") {
    TestAnnotator names;
    std::vector<Insn> prog;
    for (int i = 0; i < 50; ++i) {
        for (const Insn& x : ld_imm64(1, 2, 5, i)) prog.push_back(x);
        prog.push_back(call_helper(i));
        prog.push_back(call_kfunc(777));
        prog.push_back(atomic(DW, 1, 2, 0, 0x01));
        prog.push_back(raw(0xe7, 1, 0, 0, 5));  // invalid
        prog.push_back(jmp32_reg(0x60, 1, 2, -3));
    }
    fmt::memory_buffer out;
    out.reserve(1 << 20);
    g_allocations = 0;
    g_counting = true;
    append_disasm(prog, out, opts(Origin::Load, &names, 0, "  "));
    g_counting = false;
    CHECK(g_allocations == 0);
    CHECK(out.size() > 50 * 6 * 20);
}
