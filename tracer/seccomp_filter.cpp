// Building and loading the filter with libseccomp (see seccomp_filter.h).
#include "seccomp_filter.h"

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
    const uint32_t act = action == FilterAction::Trace ? SCMP_ACT_TRACE(0) : SCMP_ACT_NOTIFY;
    int rc = seccomp_rule_add(ctx, act, SCMP_SYS(bpf), 0);
    if (rc == 0) rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, has_cap_sys_admin() ? 0 : 1);
    if (rc == 0) rc = seccomp_load(ctx);
    if (rc != 0) *error = std::string("seccomp filter: ") + std::strerror(-rc);
    seccomp_release(ctx);
    return rc;
}

bool is_bpf_syscall(uint32_t arch, long nr) {
    if (arch == AUDIT_ARCH_X86_64) return nr == 321;
    if (arch == AUDIT_ARCH_I386) return nr == 357;
    if (arch == AUDIT_ARCH_AARCH64) return nr == 280;
    return nr == SYS_bpf;
}

} // namespace bpfsc::tracer
