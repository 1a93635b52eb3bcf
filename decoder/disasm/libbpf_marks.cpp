// libbpf's marks over unfinished instructions (see libbpf_marks.h).
#include "disasm/libbpf_marks.h"

#include <fmt/format.h>

namespace bpfsc::decoder::disasm {

namespace {

constexpr int64_t k_core_relocation_mark = 0xbad2310;
constexpr int64_t k_map_mark_base = 2001000000;
constexpr int64_t k_kfunc_mark_base = 2002000000;
constexpr int64_t k_mark_range = 1000000;

} // namespace

LibbpfMarkOf libbpf_mark(int64_t imm) {
    if (imm == k_core_relocation_mark) return {LibbpfMark::FailedCoreRelocation, 0};
    if (imm >= k_map_mark_base && imm < k_map_mark_base + k_mark_range)
        return {LibbpfMark::MissingMap, uint32_t(imm - k_map_mark_base)};
    if (imm >= k_kfunc_mark_base && imm < k_kfunc_mark_base + k_mark_range)
        return {LibbpfMark::MissingKfunc, uint32_t(imm - k_kfunc_mark_base)};
    return {};
}

void append_libbpf_mark(const LibbpfMarkOf& m, fmt::memory_buffer& out) {
    switch (m.mark) {
    case LibbpfMark::FailedCoreRelocation:
        fmt::format_to(fmt::appender(out), "libbpf: a CO-RE relocation failed here (the kernel's BTF has no field or type that matches)");
        break;
    case LibbpfMark::MissingMap: fmt::format_to(fmt::appender(out), "libbpf: map #{} of the object was not created", m.index); break;
    case LibbpfMark::MissingKfunc:
        fmt::format_to(fmt::appender(out), "libbpf: kfunc extern #{} of the object was not found in the kernel", m.index);
        break;
    case LibbpfMark::None: break;
    }
}

} // namespace bpfsc::decoder::disasm
