// Building and loading the filter with libseccomp (see seccomp_filter.h).
#include "tracer/launch/seccomp_filter.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <span>
#include <vector>

#include <seccomp.h>

#include "tracer/os/unique_fd.h"
#include "tracer/session/perf_events.h"

namespace bpfsc::tracer {

namespace {

bool has_cap_sys_admin() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &header, data) != 0) return false;
    return (data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32))) != 0;
}

// A rule's condition on the second argument (SCMP_A1 is a C macro: a
// compound literal C++ does not have).
scmp_arg_cmp arg1(scmp_compare op, scmp_datum_t a, scmp_datum_t b = 0) { return scmp_arg_cmp{1, op, a, b}; }

// The syscalls that change what a bpf() call would mean if the tracer ran
// it in the tracee's place (see changes_identity), by name in every ABI:
// i386 has 16-bit and 32-bit variants of the id calls (setuid is the 16-bit
// one there, setuid32 the other), and each name is added where its ABI has
// it.
constexpr const char* k_identity_syscalls[] = {
    "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid", "setgroups",
    "setuid32", "setgid32", "setreuid32", "setregid32", "setresuid32", "setresgid32", "setfsuid32", "setfsgid32",
    "setgroups32", "capset", "unshare", "setns", "chroot", "pivot_root", "umask",
};

// The ABIs the filter covers besides the native one: on x86-64, i386
// programs (int 0x80) and x32. A syscall of an ABI missing from a
// libseccomp filter kills the program (its default bad-arch action), where
// the kernel would run it or answer ENOSYS; covered, each ABI gets the same
// rules and everything else runs as untraced.
void add_other_abis(scmp_filter_ctx ctx) {
    if (seccomp_arch_native() != SCMP_ARCH_X86_64) return;
    seccomp_arch_add(ctx, SCMP_ARCH_X86);
    seccomp_arch_add(ctx, SCMP_ARCH_X32);
}

// The filter's rules: `act` for bpf() and the fd syscalls of the model,
// and for the identity syscalls when `identity` is set.
scmp_filter_ctx build_filter(uint32_t act, bool identity, std::string* error, int* rc) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == nullptr) {
        *error = "seccomp_init failed";
        *rc = -ENOMEM;
        return nullptr;
    }
    add_other_abis(ctx);
    *rc = seccomp_rule_add(ctx, act, SCMP_SYS(bpf), 0);
    for (const int nr : {SCMP_SYS(close), SCMP_SYS(close_range), SCMP_SYS(dup), SCMP_SYS(dup2), SCMP_SYS(dup3)})
        if (*rc == 0) *rc = seccomp_rule_add(ctx, act, nr, 0);
    // fcntl only for the commands that change the fd table.
    for (const int cmd : {F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD}) {
        if (*rc == 0) *rc = seccomp_rule_add(ctx, act, SCMP_SYS(fcntl), 1, arg1(SCMP_CMP_EQ, unsigned(cmd)));
        // 32-bit programs call fcntl64 as well.
        if (*rc == 0 && seccomp_arch_native() == SCMP_ARCH_X86_64)
            *rc = seccomp_rule_add(ctx, act, SCMP_SYS(fcntl64), 1, arg1(SCMP_CMP_EQ, unsigned(cmd)));
    }
    // perf_event_open always; ioctl only to attach a program to a perf event
    // (the kernel reads the request as 32 bits: so does the rule).
    if (*rc == 0) *rc = seccomp_rule_add(ctx, act, SCMP_SYS(perf_event_open), 0);
    if (*rc == 0)
        *rc = seccomp_rule_add(ctx, act, SCMP_SYS(ioctl), 1,
                               arg1(SCMP_CMP_MASKED_EQ, 0xffffffffu, kPerfEventIocSetBpf));
    // The program's own filters (own_seccomp_filters.h): seccomp(2) and
    // prctl(PR_SET_SECCOMP) installing one.
    if (identity && *rc == 0)
        *rc = seccomp_rule_add(ctx, act, SCMP_SYS(seccomp), 1,
                               scmp_arg_cmp{0, SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER, 0});
    if (identity && *rc == 0)
        *rc = seccomp_rule_add(ctx, act, SCMP_SYS(prctl), 2, scmp_arg_cmp{0, SCMP_CMP_EQ, PR_SET_SECCOMP, 0},
                               arg1(SCMP_CMP_EQ, SECCOMP_MODE_FILTER));
    if (identity)
        for (const char* name : k_identity_syscalls) {
            // Native numbers, or libseccomp's pseudo-numbers for names only
            // another ABI has: each rule lands in the ABIs that have it.
            const int nr = seccomp_syscall_resolve_name(name);
            if (*rc == 0 && nr != __NR_SCMP_ERROR) *rc = seccomp_rule_add(ctx, act, nr, 0);
        }
    if (*rc != 0) {
        *error = std::string("seccomp filter: ") + std::strerror(-*rc);
        seccomp_release(ctx);
        return nullptr;
    }
    return ctx;
}

// The filter as classic BPF instructions: libseccomp writes them to an fd;
// a memfd gives them back.
bool export_program(scmp_filter_ctx ctx, std::vector<sock_filter>& program, std::string* error) {
    const UniqueFd memfd(int(syscall(SYS_memfd_create, "bpfsc-filter", MFD_CLOEXEC)));
    const int fd = memfd.get();
    if (!memfd) {
        *error = std::string("memfd_create: ") + std::strerror(errno);
        return false;
    }
    const int rc = seccomp_export_bpf(ctx, fd);
    const off_t size = lseek(fd, 0, SEEK_END);
    bool ok = rc == 0 && size > 0 && size % off_t(sizeof(sock_filter)) == 0;
    if (ok) {
        program.resize(std::size_t(size) / sizeof(sock_filter));
        ok = pread(fd, program.data(), std::size_t(size), 0) == size;
    }
    if (!ok) *error = "seccomp filter: cannot export the program";
    return ok;
}

} // namespace

int install_syscall_filter(FilterAction action, std::string* error) {
    const uint32_t act = action == FilterAction::Trace  ? SCMP_ACT_TRACE(kTracerTraceData)
                         : action == FilterAction::Log ? SCMP_ACT_LOG
                                                       : SCMP_ACT_NOTIFY;
    int rc = 0;
    scmp_filter_ctx ctx = build_filter(act, false, error, &rc);
    if (ctx == nullptr) return rc;
    rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, has_cap_sys_admin() ? 0 : 1);
    if (rc == 0) rc = seccomp_load(ctx);
    if (rc != 0) *error = std::string("seccomp filter: ") + std::strerror(-rc);
    seccomp_release(ctx);
    return rc;
}

int install_notify_filter(std::string* error) {
    int rc = 0;
    scmp_filter_ctx ctx = build_filter(SCMP_ACT_NOTIFY, true, error, &rc);
    if (ctx == nullptr) return rc;
    std::vector<sock_filter> program;
    const bool exported = export_program(ctx, program, error);
    seccomp_release(ctx);
    if (!exported) return -EINVAL;
    // The kernel demands no_new_privs or CAP_SYS_ADMIN, as for the ptrace filter.
    if (!has_cap_sys_admin() && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        *error = std::string("PR_SET_NO_NEW_PRIVS: ") + std::strerror(errno);
        return -errno;
    }
    sock_fprog prog{static_cast<unsigned short>(program.size()), program.data()};
    const unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV |
                                SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    const long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (fd < 0) {
        *error = std::string("seccomp(SECCOMP_SET_MODE_FILTER, NEW_LISTENER|WAIT_KILLABLE_RECV): ") +
                 std::strerror(errno);
        return -errno;
    }
    return int(fd);
}

std::string_view syscall_name(Syscall kind) {
    switch (kind) {
    case Syscall::Bpf: return "bpf";
    case Syscall::Close: return "close";
    case Syscall::CloseRange: return "close_range";
    case Syscall::Dup: return "dup";
    case Syscall::Dup2: return "dup2";
    case Syscall::Dup3: return "dup3";
    case Syscall::Fcntl: return "fcntl";
    case Syscall::PerfEventOpen: return "perf_event_open";
    case Syscall::Ioctl: return "ioctl";
    case Syscall::Other: break;
    }
    return "?";
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
        case 336: return Syscall::PerfEventOpen;
        case 54: return Syscall::Ioctl;
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
    case SYS_perf_event_open: return Syscall::PerfEventOpen;
    case SYS_ioctl: return Syscall::Ioctl;
    default: return Syscall::Other;
    }
}

uint32_t native_arch() { return seccomp_arch_native(); }  // SCMP_ARCH_* are the AUDIT_ARCH_* values

bool is_bpf_syscall(uint32_t arch, long nr) {
    if (arch == AUDIT_ARCH_X86_64) return nr == 321;
    if (arch == AUDIT_ARCH_I386) return nr == 357;
    if (arch == AUDIT_ARCH_AARCH64) return nr == 280;
    return nr == SYS_bpf;
}

namespace {

// (audit arch, number) of each named syscall in every ABI a trace may meet,
// from libseccomp's tables. x32 shares x86-64's audit arch; its numbers
// carry bit 30.
using SyscallNumbers = std::vector<std::pair<uint32_t, int>>;
SyscallNumbers numbers_in_every_abi(std::span<const char* const> names) {
    SyscallNumbers all;
    for (const uint32_t a : {uint32_t(SCMP_ARCH_X86_64), uint32_t(SCMP_ARCH_X86), uint32_t(SCMP_ARCH_X32),
                             uint32_t(SCMP_ARCH_AARCH64)})
        for (const char* name : names) {
            const int n = seccomp_syscall_resolve_name_arch(a, name);
            if (n >= 0) all.emplace_back(a == SCMP_ARCH_X32 ? uint32_t(AUDIT_ARCH_X86_64) : a, n);
        }
    return all;
}

bool is_one_of(const SyscallNumbers& numbers, uint32_t arch, long nr) {
    for (const auto& [a, n] : numbers)
        if (a == arch && n == nr) return true;
    return false;
}

} // namespace

bool changes_identity(uint32_t arch, long nr) {
    static const SyscallNumbers numbers = numbers_in_every_abi(k_identity_syscalls);
    return is_one_of(numbers, arch, nr);
}

std::optional<FilterInstall> filter_install(const seccomp_data& call) {
    static constexpr const char* k_seccomp[] = {"seccomp"};
    static constexpr const char* k_prctl[] = {"prctl"};
    static const SyscallNumbers seccomp = numbers_in_every_abi(k_seccomp);
    static const SyscallNumbers prctl = numbers_in_every_abi(k_prctl);
    const long nr = long(call.nr);
    // i386's and x32's struct sock_fprog holds a 32-bit pointer.
    const bool compat = call.arch != native_arch() || (nr & 0x40000000) != 0;
    if (is_one_of(seccomp, call.arch, nr) && call.args[0] == SECCOMP_SET_MODE_FILTER)
        return FilterInstall{call.args[2], call.args[1], compat};
    if (is_one_of(prctl, call.arch, nr) && uint32_t(call.args[0]) == PR_SET_SECCOMP &&
        call.args[1] == SECCOMP_MODE_FILTER)
        return FilterInstall{call.args[2], 0, compat};
    return std::nullopt;
}

} // namespace bpfsc::tracer
