// The seccomp filter installed in the launched program before exec: it
// selects the only syscalls the tracer needs to see (bpf(), and the fd
// syscalls of the model: close, close_range, dup, dup2, dup3 and the
// fcntl commands that duplicate an fd or set FD_CLOEXEC) and lets every
// other syscall run at full speed, untouched.
#pragma once

#include <cstdint>
#include <string>

namespace bpfsc::tracer {

// Which action the filter takes for a selected syscall.
enum class FilterAction : uint8_t {
    Trace,       // SECCOMP_RET_TRACE: a ptrace stop (ptrace backend)
    UserNotify,  // SECCOMP_RET_USER_NOTIF (seccomp backend)
    Log,         // SECCOMP_RET_LOG: run the call, log it (the benchmark's filter-only run)
};

// Installs the filter in the calling process (the child, before exec).
// Sets no_new_privs only when the process lacks CAP_SYS_ADMIN, since the
// kernel demands one of the two. Returns 0 or -errno.
int install_syscall_filter(FilterAction action, std::string* error);

// The syscalls the filter selects.
enum class Syscall : uint8_t { Other, Bpf, Close, CloseRange, Dup, Dup2, Dup3, Fcntl };
Syscall classify_syscall(uint32_t arch, long nr);
// Whether (audit arch, nr) is bpf().
bool is_bpf_syscall(uint32_t arch, long nr);

} // namespace bpfsc::tracer
