// The text of the 16-byte ld_imm64 (BPF_LD | BPF_IMM | BPF_DW), by src_reg:
// 0 "r1 = 0x1122334455667788"; maps "r1 = map[fd:5]", "map[idx:2]" (5.14),
// "map[id:13]" (xlated) and their values "map[id:13][0]+8" (5.5); a kernel
// variable "r1 = ksym[btf_id:123]" (5.10); a bpf function "r2 = subprog[+5]"
// (5.13), as bpftool prints it.
#include "disasm/insn_text.h"

namespace bpfsc::decoder::disasm {

void append_map_fallback(const MapRef& ref, fmt::memory_buffer& out) {
    switch (ref.kind) {
    case MapRefKind::Fd: fmt::format_to(fmt::appender(out), "map[fd:{}]", ref.number); break;
    case MapRefKind::Index: fmt::format_to(fmt::appender(out), "map[idx:{}]", uint32_t(ref.number)); break;
    case MapRefKind::Id: fmt::format_to(fmt::appender(out), "map[id:{}]", uint32_t(ref.number)); break;
    }
}

namespace detail {

namespace {

using namespace bpf;

void append_map(const Insn& first, const Insn& second, uint32_t index, const Options& options, Out& out) {
    const uint8_t src = src_reg(first);
    MapRef ref;
    ref.kind = src == PSEUDO_MAP_IDX || src == PSEUDO_MAP_IDX_VALUE ? MapRefKind::Index
               : options.origin == Origin::Xlated                          ? MapRefKind::Id
                                                                           : MapRefKind::Fd;
    ref.src_reg = src;
    ref.number = first.imm;
    ref.value = src == PSEUDO_MAP_VALUE || src == PSEUDO_MAP_IDX_VALUE;
    ref.value_off = ref.value ? uint32_t(second.imm) : 0;
    ref.insn = index;
    Annotator* a = options.annotator;
    if (a == nullptr || !annotated(out, [&] { return a->map_text(ref, out); })) append_map_fallback(ref, out);
    if (ref.value) fmt::format_to(to(out), "[0]+{}", ref.value_off);
}

void append_ksym(const Insn& first, const Insn& second, const Options& options, Out& out) {
    Annotator* a = options.annotator;
    if (a != nullptr && annotated(out, [&] { return a->ksym_name(first.imm, second.imm, out); })) return;
    if (second.imm == 0) fmt::format_to(to(out), "ksym[btf_id:{}]", first.imm);
    else fmt::format_to(to(out), "ksym[btf_id:{},btf_fd:{}]", first.imm, second.imm);
}

} // namespace

Problem append_ld_imm64(const Insn& first, const Insn& second, uint32_t index, const Options& options, Out& out) {
    if (second.code != 0 || second.regs != 0 || second.off != 0)
        return "the second slot of an ld_imm64 must have code, registers and off 0";
    const bool load = options.origin == Origin::Load;
    const uint8_t src = src_reg(first);
    if (load && first.off != 0) return "an ld_imm64's off must be 0";
    if (load && (src == PSEUDO_MAP_FD || src == PSEUDO_MAP_IDX) && second.imm != 0)
        return "the second slot's imm must be 0 for a map (not its value)";
    fmt::format_to(to(out), "r{} = ", dst_reg(first));
    switch (src) {
    case 0:
        fmt::format_to(to(out), "{:#x}", uint64_t(uint32_t(second.imm)) << 32 | uint32_t(first.imm));
        return nullptr;
    case PSEUDO_MAP_FD:
    case PSEUDO_MAP_VALUE:
    case PSEUDO_MAP_IDX:
    case PSEUDO_MAP_IDX_VALUE:
        append_map(first, second, index, options, out);
        return nullptr;
    case PSEUDO_BTF_ID:
        append_ksym(first, second, options, out);
        return nullptr;
    case PSEUDO_FUNC:
        fmt::format_to(to(out), "subprog[{:+}]", first.imm);
        return nullptr;
    default:
        return "an ld_imm64's src_reg must be 0..6";
    }
}

} // namespace detail

} // namespace bpfsc::decoder::disasm
