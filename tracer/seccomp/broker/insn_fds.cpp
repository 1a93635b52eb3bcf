// Fds inside instructions (see insn_fds.h).
#include "tracer/seccomp/broker/insn_fds.h"

#include <cstring>

#include "decoder/uapi/bpf_attr.h"

namespace bpfsc::tracer::broker {

namespace {
constexpr uint8_t k_ld_imm64 = 0x18;   // BPF_LD | BPF_IMM | BPF_DW
constexpr uint8_t k_call = 0x85;       // BPF_JMP | BPF_CALL
constexpr uint8_t k_pseudo_kfunc_call = 2;
} // namespace

bool translate_insn_fds(std::span<std::byte> insns, FdTranslator& fds, std::vector<uint32_t>& fd_array_indexes,
                        const char** why) {
    using Insn = uapi::bpf_insn_raw;
    const std::size_t count = insns.size() / sizeof(Insn);
    auto at = [&](std::size_t i) {
        Insn insn;
        std::memcpy(&insn, insns.data() + i * sizeof(Insn), sizeof insn);
        return insn;
    };
    auto set_imm = [&](std::size_t i, int32_t imm) {
        std::memcpy(insns.data() + i * sizeof(Insn) + offsetof(Insn, imm), &imm, sizeof imm);
    };
    for (std::size_t i = 0; i < count; ++i) {
        const Insn insn = at(i);
        const uint8_t src = insn.regs >> 4;
        if (insn.code == k_call && src == k_pseudo_kfunc_call) {
            if (insn.off > 0) fd_array_indexes.push_back(uint32_t(insn.off));
            continue;
        }
        if (insn.code != k_ld_imm64) continue;
        if (i + 1 == count) break;  // a cut ld_imm64: the verifier refuses it, nothing is read
        int32_t own = 0;
        switch (src) {
        case 0:  // a 64-bit constant
        case 4:  // BPF_PSEUDO_FUNC: an instruction offset
            break;
        case 1:
        case 2:
            if (!fds.translate(insn.imm, own)) {
                *why = "a map fd in the instructions is not open";
                return false;
            }
            set_imm(i, own);
            break;
        case 3: {
            const int32_t btf_fd = at(i + 1).imm;
            if (btf_fd == 0) break;  // vmlinux's BTF
            if (!fds.translate(btf_fd, own)) {
                *why = "a BTF fd in the instructions is not open";
                return false;
            }
            set_imm(i + 1, own);
            break;
        }
        case 5:
        case 6: fd_array_indexes.push_back(uint32_t(insn.imm)); break;
        default: *why = "an ld_imm64 of a kind newer than this tracer"; return false;
        }
        ++i;  // the second half of the ld_imm64
    }
    return true;
}

} // namespace bpfsc::tracer::broker
