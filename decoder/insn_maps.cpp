// Map references in instructions (see insn_maps.h).
#include "insn_maps.h"

#include <algorithm>
#include <array>

#include "uapi/bpf_attr.h"

namespace bpfsc::decoder {

namespace {
constexpr uint8_t kLdImm64 = 0x18;  // BPF_LD | BPF_IMM | BPF_DW
constexpr uint32_t kMaxInsns = 1u << 20;  // the kernel's BPF_COMPLEXITY_LIMIT_INSNS
} // namespace

void find_insn_maps(Memory& memory, ObjectResolver* resolver, DecodedCall& call) {
    using A = uapi::prog_load_attr;
    const AttrView view = call.entry_view();
    const uint64_t insns = view.get(offsetof(A, insns), 8);
    const uint32_t count = std::min<uint32_t>(uint32_t(view.get(offsetof(A, insn_cnt), 4)), kMaxInsns);
    const uint64_t fd_array = offsetof(A, fd_array) < call.size ? view.get(offsetof(A, fd_array), 8) : 0;
    if (insns == 0 || count == 0) return;

    // A page of instructions at a time: no allocation however long the program.
    std::array<uapi::bpf_insn_raw, kPageSize / sizeof(uapi::bpf_insn_raw)> page;
    for (uint32_t first = 0; first < count; first += uint32_t(page.size())) {
        const uint32_t n = std::min<uint32_t>(uint32_t(page.size()), count - first);
        const ReadResult r = memory.read(RemoteAddr{insns + uint64_t(first) * sizeof(uapi::bpf_insn_raw)},
                                         std::as_writable_bytes(std::span(page.data(), n)));
        const uint32_t got = uint32_t(r.bytes / sizeof(uapi::bpf_insn_raw));
        for (uint32_t i = 0; i < got; ++i) {
            const uapi::bpf_insn_raw& insn = page[i];
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
            m.insn = first + i;
            if (resolver != nullptr) resolver->fd_label(fd, m.label);
        }
        if (got < n) break;  // unreadable from here on: the load will fail with EFAULT anyway
    }
}

} // namespace bpfsc::decoder
