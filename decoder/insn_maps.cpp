// Map references in instructions (see insn_maps.h).
#include "insn_maps.h"

#include <algorithm>

#include "uapi/bpf_attr.h"

namespace bpfsc::decoder {

namespace {
constexpr uint8_t kLdImm64 = 0x18;  // BPF_LD | BPF_IMM | BPF_DW
} // namespace

void find_insn_maps(Memory& memory, ObjectResolver* resolver, DecodedCall& call) {
    using A = uapi::prog_load_attr;
    const AttrView view = call.entry_view();
    const uint64_t fd_array = offsetof(A, fd_array) < call.size ? view.get(offsetof(A, fd_array), 8) : 0;
    // The instructions as read_program() read them, whole (whole_data.h).
    const auto& insns = call.program.insns;
    const std::size_t count = insns.size();
    for (std::size_t i = 0; i < count; ++i) {
        const uapi::bpf_insn_raw& insn = insns[i];
        if (insn.code != kLdImm64) continue;
        const uint8_t src = insn.regs >> 4;
        int32_t fd = -1, index = -1;
        if (src == 1 || src == 2) {
            fd = insn.imm;
        } else if ((src == 5 || src == 6) && fd_array != 0) {
            int32_t entry = -1;
            const ReadResult e = memory.read(RemoteAddr{fd_array + uint64_t(uint32_t(insn.imm)) * 4},
                                             std::as_writable_bytes(std::span(&entry, 1)));
            if (e.bytes == 4) fd = entry, index = insn.imm;
        }
        if (fd < 0) continue;
        const bool seen = std::any_of(call.insn_maps.begin(), call.insn_maps.end(),
                                      [fd, index](const InsnMap& m) { return m.fd == fd && m.index == index; });
        if (seen) continue;
        InsnMap& m = call.insn_maps.emplace_back(call.arena());
        m.fd = fd;
        m.index = index;
        m.insn = uint32_t(i);
        if (resolver != nullptr) resolver->fd_label(fd, m.label);
    }
}

} // namespace bpfsc::decoder
