// The one-line summary of a program's instructions (see summary.h).
#include "disasm/summary.h"

#include <string_view>

namespace bpfsc::decoder::disasm {

static_assert(kHelperIdCount <= 256, "helper ids are kept as uint8_t");

namespace {
constexpr uint8_t kCall = bpf::JMP | bpf::CALL;  // 0x85
constexpr std::size_t kNoMap = ~std::size_t(0);
} // namespace

void InsnSummary::add_kernel_call(int32_t imm) {
    for (std::size_t i = 0; i < kernel_call_count_; ++i)
        if (kernel_calls_[i] == imm) return;
    if (kernel_call_count_ == kernel_calls_.size()) ++kernel_calls_left_out;
    else kernel_calls_[kernel_call_count_++] = imm;
}

void InsnSummary::add_call(const Insn& insn, Origin origin) {
    // The kernel turned helper and kfunc calls into addresses.
    if (origin == Origin::Xlated && (src_reg(insn) == 0 || src_reg(insn) == bpf::PSEUDO_KFUNC_CALL)) {
        add_kernel_call(insn.imm);
        return;
    }
    switch (src_reg(insn)) {
    case 0:
        if (const LibbpfMarkOf mark = libbpf_mark(insn.imm); origin == Origin::Load && mark.mark != LibbpfMark::None) {
            if (libbpf_marks++ == 0) {
                first_libbpf_mark = mark;
                first_libbpf_mark_insn = slots_ - 1;
            }
        } else if (insn.imm < 0 || std::size_t(insn.imm) >= kHelperIdCount) {
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
            add_call(insn, origin);
        }
    }
}

InsnSummary summarize(std::span<const Insn> insns, Origin origin) {
    InsnSummary summary;
    summary.add(insns, origin);
    return summary;
}

void append_kernel_call(Annotator* annotator, int32_t imm, fmt::memory_buffer& out) {
    const std::size_t mark = out.size();
    if (annotator != nullptr && annotator->kernel_call_name(imm, out)) return;
    out.resize(mark);
    fmt::format_to(fmt::appender(out), "unknown#{}", imm);
}

void append_summary(const InsnSummary& summary, fmt::memory_buffer& out, Annotator* annotator) {
    const auto to = fmt::appender(out);
    fmt::format_to(to, "{} insn{}", summary.insn_slots(), summary.insn_slots() == 1 ? "" : "s");
    std::string_view separator = "; helpers: ";
    for (const uint8_t id : summary.helpers()) {
        out.append(separator);
        out.append(helper_name(id));
        separator = ", ";
    }
    if (!summary.kernel_calls().empty() && annotator != nullptr) {
        separator = "; calls: ";
        for (const int32_t imm : summary.kernel_calls()) {
            out.append(separator);
            append_kernel_call(annotator, imm, out);
            separator = ", ";
        }
        if (summary.kernel_calls_left_out != 0) fmt::format_to(to, " and {} more", summary.kernel_calls_left_out);
    } else if (!summary.kernel_calls().empty()) {
        fmt::format_to(to, "; kernel function calls: {}{}", summary.kernel_calls().size(),
                       summary.kernel_calls_left_out != 0 ? "+" : "");
    }
    if (!summary.maps().empty())
        fmt::format_to(to, "; maps: {}{}", summary.maps().size(), summary.maps_overflow() ? "+" : "");
    if (summary.kfunc_calls != 0) fmt::format_to(to, "; kfunc calls: {}", summary.kfunc_calls);
    if (summary.subprogram_calls != 0) fmt::format_to(to, "; subprogram calls: {}", summary.subprogram_calls);
    if (summary.unknown_helper_calls != 0)
        fmt::format_to(to, "; unknown helper calls: {}", summary.unknown_helper_calls);
    if (summary.libbpf_marks != 0) {
        fmt::format_to(to, "; insn {}: ", summary.first_libbpf_mark_insn);
        append_libbpf_mark(summary.first_libbpf_mark, out);
        if (summary.libbpf_marks > 1) fmt::format_to(to, " (and {} more such marks)", summary.libbpf_marks - 1);
    }
}

} // namespace bpfsc::decoder::disasm
