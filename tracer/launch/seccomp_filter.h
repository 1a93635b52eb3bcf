// The seccomp filter installed in the launched program before exec: it
// selects the only syscalls the tracer needs to see (bpf(), and the fd
// syscalls of the model: close, close_range, dup, dup2, dup3 and the
// fcntl commands that duplicate an fd or set FD_CLOEXEC) and lets every
// other syscall run at full speed, untouched.
#pragma once

#include <linux/seccomp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// The seccomp backend's filter: SECCOMP_RET_USER_NOTIF for the same
// syscalls, and also for the few that change what a bpf() call would mean
// if the tracer ran it (credentials, capabilities, namespaces, root, umask:
// see changes_identity), loaded with raw seccomp(2) for the flags
// libseccomp 2.5 cannot set: a listener (NEW_LISTENER), a wait that only a
// fatal signal ends once the tracer has received the call
// (WAIT_KILLABLE_RECV, 5.19, so a signal cannot make a brokered call run
// twice), and every thread covered (TSYNC, with TSYNC_ESRCH as the kernel
// requires next to a listener). Returns the listener fd, or -errno.
int install_notify_filter(std::string* error);

// The data of the ptrace filter's SECCOMP_RET_TRACE: a seccomp stop with
// other data is the traced program's own filter asking for a tracer.
inline constexpr uint16_t kTracerTraceData = 0xb9f5;

// The syscalls the filter selects.
// perf_event_open and ioctl(PERF_EVENT_IOC_SET_BPF) are how BCC and older
// libbpf attach programs to tracepoints and probes, and how perf buffers
// get their events.
enum class Syscall : uint8_t { Other, Bpf, Close, CloseRange, Dup, Dup2, Dup3, Fcntl, PerfEventOpen, Ioctl };
Syscall classify_syscall(uint32_t arch, long nr);
// "close", "dup2", "perf_event_open"...; "?" for Other.
std::string_view syscall_name(Syscall kind);
// The AUDIT_ARCH_* of this build's own syscalls.
uint32_t native_arch();
// Whether (audit arch, nr) is bpf().
bool is_bpf_syscall(uint32_t arch, long nr);
// Whether (audit arch, nr) is one of the calls the notify filter selects
// because it changes the caller's credentials, capabilities, namespaces,
// root or umask (setuid and friends, capset, unshare, setns, chroot,
// pivot_root, umask), in any ABI (i386's setuid32 and friends, x32's).
bool changes_identity(uint32_t arch, long nr);

// A call that installs a seccomp filter of the program's own: seccomp(
// SECCOMP_SET_MODE_FILTER, flags, prog) or prctl(PR_SET_SECCOMP,
// SECCOMP_MODE_FILTER, prog), in any ABI. The filter selects both.
struct FilterInstall {
    uint64_t program = 0;  // the struct sock_fprog's address
    uint64_t flags = 0;    // SECCOMP_FILTER_FLAG_*
    bool compat = false;   // a 32-bit sock_fprog (i386, x32)
};
std::optional<FilterInstall> filter_install(const seccomp_data& call);

} // namespace bpfsc::tracer
