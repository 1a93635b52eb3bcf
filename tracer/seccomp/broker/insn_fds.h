// The fds inside BPF_PROG_LOAD's instructions, for the broker: an ld_imm64
// whose src_reg is BPF_PSEUDO_MAP_FD (1) or BPF_PSEUDO_MAP_VALUE (2) holds
// a map fd in imm; BPF_PSEUDO_BTF_ID (3) a module BTF fd in the second
// half's imm (0: vmlinux); BPF_PSEUDO_MAP_IDX (5) and MAP_IDX_VALUE (6)
// index fd_array (5.14), and so does the off of a kfunc call
// (BPF_PSEUDO_KFUNC_CALL, 5.13) naming a module BTF. Each fd is rewritten
// to the tracer's duplicate; the fd_array indexes the kernel will read are
// collected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace bpfsc::tracer::broker {

class FdTranslator {
public:
    virtual ~FdTranslator() = default;
    // The tracer's duplicate of a tracee fd; false if there is none.
    virtual bool translate(int32_t tracee_fd, int32_t& own_fd) = 0;
};

// Rewrites the fds in `insns` (in the tracer's copy) and appends to
// `fd_array_indexes` the fd_array slots they use. false (with *why) when an
// instruction holds something this tracer does not know (an ld_imm64 with
// a src_reg newer than 6.18) or an fd that cannot be duplicated.
bool translate_insn_fds(std::span<std::byte> insns, FdTranslator& fds, std::vector<uint32_t>& fd_array_indexes,
                        const char** why);

} // namespace bpfsc::tracer::broker
