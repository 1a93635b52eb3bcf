// The seccomp filter installed in the launched program before exec: it
// selects the only syscalls the tracer needs to see (bpf() for now) and
// lets every other syscall run at full speed, untouched.
#pragma once

#include <cstdint>
#include <string>

namespace bpfsc::tracer {

// Which action the filter takes for a selected syscall.
enum class FilterAction : uint8_t {
    Trace,       // SECCOMP_RET_TRACE: a ptrace stop (ptrace backend)
    UserNotify,  // SECCOMP_RET_USER_NOTIF (seccomp backend)
};

// Installs the filter in the calling process (the child, before exec).
// Sets no_new_privs only when the process lacks CAP_SYS_ADMIN, since the
// kernel demands one of the two. Returns 0 or -errno.
int install_syscall_filter(FilterAction action, std::string* error);

// Whether (audit arch, nr) is bpf().
bool is_bpf_syscall(uint32_t arch, long nr);

} // namespace bpfsc::tracer
