// Fuzz target: any bytes as BPF instructions, disassembled as a load's and
// as the kernel's xlated ones, whole and split at any instruction (an
// ld_imm64 may be cut in two), and summarized.
#include <cstdint>
#include <cstring>
#include <vector>

#include "disasm/disasm.h"
#include "disasm/summary.h"

using namespace bpfsc::decoder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::size_t split_at = data[0];
    std::vector<disasm::Insn> insns((size - 1) / sizeof(disasm::Insn));
    if (!insns.empty()) std::memcpy(insns.data(), data + 1, insns.size() * sizeof(disasm::Insn));
    for (const disasm::Origin origin : {disasm::Origin::Load, disasm::Origin::Xlated}) {
        fmt::memory_buffer out;
        disasm::Options o;
        o.origin = origin;
        disasm::append_disasm(insns, out, o);
        const std::span<const disasm::Insn> all(insns);
        const std::size_t cut = std::min(split_at, all.size());
        disasm::InsnSummary s;
        s.add(all.first(cut), origin);
        s.add(all.subspan(cut), origin);
        out.clear();
        disasm::append_summary(s, out);
        out.clear();
        disasm::append_summary(disasm::summarize(all, origin), out);
    }
    return 0;
}
