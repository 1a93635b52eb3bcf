// A program's instructions in one line, for BPF_PROG_LOAD without -v:
// "24 insns; helpers: bpf_get_current_pid_tgid, bpf_map_lookup_elem; maps: 2".
// The summary is gathered without allocation (fixed-size tables) and can be
// fed a span at a time; its map references stay accessible so that the
// caller can add their labels.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <span>

#include <fmt/format.h>

#include "disasm/disasm.h"
#include "disasm/helper_names.h"
#include "disasm/libbpf_marks.h"

namespace bpfsc::decoder::disasm {

class InsnSummary {
public:
    // MAX_USED_MAPS: the kernel refuses a program naming more maps.
    static constexpr std::size_t kMaxMaps = 64;
    // Distinct kernel functions an xlated program's summary names.
    static constexpr std::size_t kMaxKernelCalls = 32;

    // Adds the next span of instructions (spans may split an ld_imm64).
    void add(std::span<const Insn> insns, Origin origin = Origin::Load);

    // 8-byte slots, as BPF_PROG_LOAD's insn_cnt counts them (ld_imm64 is 2).
    uint32_t insn_slots() const { return slots_; }
    // Helper ids called, in order of first call, each once.
    std::span<const uint8_t> helpers() const { return {helper_order_.data(), helper_count_}; }
    // Maps named by ld_imm64, each once (by fd, fd_array index or id), in
    // order of first reference; `insn`, `src_reg` and `value` are those of
    // the first reference.
    std::span<const MapRef> maps() const { return {maps_.data(), map_count_}; }
    // More distinct maps than kMaxMaps were named (not in maps()).
    bool maps_overflow() const { return maps_overflow_; }
    bool has_tail_call() const { return helper_seen_[std::size_t(kTailCallHelper)]; }
    // Xlated instructions: the kernel functions called (helpers and kfuncs
    // alike, by imm relative to __bpf_call_base), each once, in order of
    // first call; more distinct ones than kMaxKernelCalls are only counted.
    std::span<const int32_t> kernel_calls() const { return {kernel_calls_.data(), kernel_call_count_}; }
    uint32_t kernel_calls_left_out = 0;

    // Helper calls whose imm is no 6.18 helper id (in xlated instructions:
    // every call the kernel turned into an address).
    uint32_t unknown_helper_calls = 0;
    // Calls libbpf wrote over instructions it could not finish
    // (libbpf_marks.h), not counted as unknown helpers; the first one's
    // slot and meaning.
    uint32_t libbpf_marks = 0;
    uint32_t first_libbpf_mark_insn = 0;
    LibbpfMarkOf first_libbpf_mark;
    uint32_t kfunc_calls = 0;       // BPF_PSEUDO_KFUNC_CALL
    uint32_t subprogram_calls = 0;  // BPF_PSEUDO_CALL
    uint32_t subprogram_refs = 0;   // ld_imm64 BPF_PSEUDO_FUNC (callbacks)

private:
    void add_call(const Insn& insn, Origin origin);
    void add_kernel_call(int32_t imm);
    void add_ld_imm64(const Insn& insn, Origin origin);

    uint32_t slots_ = 0;
    bool in_ld_imm64_ = false;  // the next slot is an ld_imm64's second
    std::size_t pending_value_ = ~std::size_t(0);  // the map whose value offset that slot holds
    std::bitset<kHelperIdCount> helper_seen_;
    std::array<uint8_t, kHelperIdCount> helper_order_{};
    std::size_t helper_count_ = 0;
    std::array<MapRef, kMaxMaps> maps_{};
    std::size_t map_count_ = 0;
    bool maps_overflow_ = false;
    std::array<int32_t, kMaxKernelCalls> kernel_calls_{};
    std::size_t kernel_call_count_ = 0;
};

// The summary of a whole program.
InsnSummary summarize(std::span<const Insn> insns, Origin origin = Origin::Load);

// The kernel function an xlated call goes to, as the annotator names it,
// else "unknown#IMM", as the listing shows an unnamed call.
void append_kernel_call(Annotator* annotator, int32_t imm, fmt::memory_buffer& out);

// "24 insns; helpers: bpf_get_current_pid_tgid, bpf_map_lookup_elem; maps: 2",
// then "; kfunc calls: N", "; subprogram calls: N", "; unknown helper
// calls: N" where not zero. Xlated instructions name the kernel functions
// they call instead of helpers ("calls: bpf_get_current_comm,
// __htab_map_lookup_elem"), through `annotator` (their count without one).
// No newline.
void append_summary(const InsnSummary& summary, fmt::memory_buffer& out, Annotator* annotator = nullptr);

} // namespace bpfsc::decoder::disasm
