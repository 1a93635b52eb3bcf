// The one-line summary of a program's instructions (see summary.h).
#include "disasm/summary.h"

#include <string_view>

namespace bpfsc::decoder::disasm {

static_assert(kHelperIdCount <= 256, "helper ids are kept as uint8_t");

namespace {
constexpr uint8_t kCall = bpf::JMP | bpf::CALL;  // 0x85
constexpr std::size_t kNoMap = ~std::size_t(0);
} // namespace

void InsnSummary::add_call(const Insn& insn) {
    switch (src_reg(insn)) {
    case 0:
        if (insn.imm < 0 || std::size_t(insn.imm) >= kHelperIdCount) {
            ++unknown_helper_calls;
        } else if (!helper_seen_[std::size_t(insn.imm)]) {
            helper_seen_.set(std::size_t(insn.imm));
            helper_order_[helper_count_++] = uint8_t(insn.imm);
        }
        break;
    case bpf::PSEUDO_CALL: ++subprogram_calls; break;
    case bpf::PSEUDO_KFUNC_CALL: ++kfunc_calls; break;
    default: break;  // no call the kernel knows
    }
}

void InsnSummary::add_ld_imm64(const Insn& insn, Origin origin) {
    using namespace bpf;
    const uint8_t src = src_reg(insn);
    if (src == PSEUDO_FUNC) ++subprogram_refs;
    if (src != PSEUDO_MAP_FD && src != PSEUDO_MAP_VALUE && src != PSEUDO_MAP_IDX &&
        src != PSEUDO_MAP_IDX_VALUE)
        return;
    MapRef ref;
    ref.kind = src == PSEUDO_MAP_IDX || src == PSEUDO_MAP_IDX_VALUE ? MapRefKind::Index
               : origin == Origin::Xlated                                  ? MapRefKind::Id
                                                                           : MapRefKind::Fd;
    ref.src_reg = src;
    ref.number = insn.imm;
    ref.value = src == PSEUDO_MAP_VALUE || src == PSEUDO_MAP_IDX_VALUE;
    ref.insn = slots_ - 1;
    for (std::size_t i = 0; i < map_count_; ++i)
        if (maps_[i].kind == ref.kind && maps_[i].number == ref.number) return;
    if (map_count_ == maps_.size()) {
        maps_overflow_ = true;
        return;
    }
    maps_[map_count_] = ref;
    if (ref.value) pending_value_ = map_count_;  // its offset is in the next slot
    ++map_count_;
}

void InsnSummary::add(std::span<const Insn> insns, Origin origin) {
    for (const Insn& insn : insns) {
        ++slots_;
        if (in_ld_imm64_) {
            in_ld_imm64_ = false;
            if (pending_value_ != kNoMap) maps_[pending_value_].value_off = uint32_t(insn.imm);
            pending_value_ = kNoMap;
        } else if (insn.code == kLdImm64) {
            in_ld_imm64_ = true;
            add_ld_imm64(insn, origin);
        } else if (insn.code == kCall) {
            add_call(insn);
        }
    }
}

InsnSummary summarize(std::span<const Insn> insns, Origin origin) {
    InsnSummary summary;
    summary.add(insns, origin);
    return summary;
}

void append_summary(const InsnSummary& summary, fmt::memory_buffer& out) {
    const auto to = fmt::appender(out);
    fmt::format_to(to, "{} insn{}", summary.insn_slots(), summary.insn_slots() == 1 ? "" : "s");
    std::string_view separator = "; helpers: ";
    for (const uint8_t id : summary.helpers()) {
        out.append(separator);
        out.append(helper_name(id));
        separator = ", ";
    }
    if (!summary.maps().empty())
        fmt::format_to(to, "; maps: {}{}", summary.maps().size(), summary.maps_overflow() ? "+" : "");
    if (summary.kfunc_calls != 0) fmt::format_to(to, "; kfunc calls: {}", summary.kfunc_calls);
    if (summary.subprogram_calls != 0) fmt::format_to(to, "; subprogram calls: {}", summary.subprogram_calls);
    if (summary.unknown_helper_calls != 0)
        fmt::format_to(to, "; unknown helper calls: {}", summary.unknown_helper_calls);
}

} // namespace bpfsc::decoder::disasm
