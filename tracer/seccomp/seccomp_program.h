// One seccomp filter the traced program installed itself: its classic BPF
// instructions, read from the program's memory as the kernel read them,
// and what it returns for a call. The seccomp backend runs the program's
// filters itself (own_seccomp_filters.h), since its own notify filter
// outranks SECCOMP_RET_TRACE.
//
// Written here, not taken from libpcap's bpf_filter(): that one is a packet
// filter (absolute loads in network byte order, loads seccomp forbids),
// while a seccomp filter loads native-endian words of struct seccomp_data.
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "decoder/memory.h"

namespace bpfsc::tracer {

struct SeccompProgram {
    std::vector<sock_filter> insns;

    // The filter's return value for `call` (SECCOMP_RET_* and its data).
    // An instruction seccomp does not allow, or a jump out of the program,
    // returns SECCOMP_RET_KILL_PROCESS: the kernel would not have taken it.
    uint32_t run(const seccomp_data& call) const;

    // The program a struct sock_fprog at `address` names (a 32-bit one
    // when `compat`), or nullopt when it cannot be read whole or its
    // length is one the kernel refuses (0, or more than BPF_MAXINSNS).
    static std::optional<SeccompProgram> read(decoder::Memory& memory, uint64_t address, bool compat);
};

// SECCOMP_RET_ACTION_FULL of `ret`, ordered as the kernel orders them:
// lower is stronger (KILL_PROCESS, then KILL_THREAD, TRAP, ERRNO,
// USER_NOTIF, TRACE, LOG, ALLOW).
inline int32_t action_rank(uint32_t ret) { return int32_t(ret & SECCOMP_RET_ACTION_FULL); }

} // namespace bpfsc::tracer
