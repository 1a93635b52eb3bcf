// Building and loading the filter with libseccomp (see seccomp_filter.h).
#include "seccomp_filter.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <seccomp.h>

namespace bpfsc::tracer {

namespace {

bool has_cap_sys_admin() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &header, data) != 0) return false;
    return (data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32))) != 0;
}

} // namespace

int install_syscall_filter(FilterAction action, std::string* error) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == nullptr) {
        *error = "seccomp_init failed";
        return -ENOMEM;
    }
    // The filter also covers 32-bit (i386) programs on x86-64.
    if (seccomp_arch_native() == SCMP_ARCH_X86_64) seccomp_arch_add(ctx, SCMP_ARCH_X86);
    const uint32_t act = action == FilterAction::Trace  ? SCMP_ACT_TRACE(0)
                         : action == FilterAction::Log ? SCMP_ACT_LOG
                                                       : SCMP_ACT_NOTIFY;
    int rc = seccomp_rule_add(ctx, act, SCMP_SYS(bpf), 0);
    for (const int nr : {SCMP_SYS(close), SCMP_SYS(close_range), SCMP_SYS(dup), SCMP_SYS(dup2), SCMP_SYS(dup3)})
        if (rc == 0) rc = seccomp_rule_add(ctx, act, nr, 0);
    // fcntl only for the commands that change the fd table.
    for (const int cmd : {F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD}) {
        if (rc == 0) rc = seccomp_rule_add(ctx, act, SCMP_SYS(fcntl), 1, SCMP_A1(SCMP_CMP_EQ, unsigned(cmd)));
        // 32-bit programs call fcntl64 as well.
        if (rc == 0 && seccomp_arch_native() == SCMP_ARCH_X86_64)
            rc = seccomp_rule_add(ctx, act, SCMP_SYS(fcntl64), 1, SCMP_A1(SCMP_CMP_EQ, unsigned(cmd)));
    }
    if (rc == 0) rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, has_cap_sys_admin() ? 0 : 1);
    if (rc == 0) rc = seccomp_load(ctx);
    if (rc != 0) *error = std::string("seccomp filter: ") + std::strerror(-rc);
    seccomp_release(ctx);
    return rc;
}

Syscall classify_syscall(uint32_t arch, long nr) {
    if (is_bpf_syscall(arch, nr)) return Syscall::Bpf;
    if (arch == AUDIT_ARCH_I386) {
        switch (nr) {
        case 6: return Syscall::Close;
        case 436: return Syscall::CloseRange;
        case 41: return Syscall::Dup;
        case 63: return Syscall::Dup2;
        case 330: return Syscall::Dup3;
        case 55:
        case 221: return Syscall::Fcntl;
        default: return Syscall::Other;
        }
    }
    if (arch != AUDIT_ARCH_X86_64 && arch != 0) return Syscall::Other;
    switch (nr) {
    case SYS_close: return Syscall::Close;
    case SYS_close_range: return Syscall::CloseRange;
    case SYS_dup: return Syscall::Dup;
    case SYS_dup2: return Syscall::Dup2;
    case SYS_dup3: return Syscall::Dup3;
    case SYS_fcntl: return Syscall::Fcntl;
    default: return Syscall::Other;
    }
}

bool is_bpf_syscall(uint32_t arch, long nr) {
    if (arch == AUDIT_ARCH_X86_64) return nr == 321;
    if (arch == AUDIT_ARCH_I386) return nr == 357;
    if (arch == AUDIT_ARCH_AARCH64) return nr == 280;
    return nr == SYS_bpf;
}

} // namespace bpfsc::tracer
