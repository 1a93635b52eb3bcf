// The seccomp backend's evaluator of a program's own seccomp filters
// (tracer/seccomp_program.h): filters libseccomp generates (every jump,
// 64-bit argument compares, architecture checks), hand-written ones for the
// rest of classic BPF, and reading a struct sock_fprog in both layouts.
#include <linux/audit.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <seccomp.h>

#include "support.h"
#include "tracer/seccomp/seccomp_program.h"

using bpfsc::tracer::SeccompProgram;

namespace {

seccomp_data call(uint32_t arch, int nr, uint64_t a0 = 0, uint64_t a1 = 0) {
    seccomp_data d{};
    d.arch = arch;
    d.nr = nr;
    d.args[0] = a0;
    d.args[1] = a1;
    return d;
}

// A libseccomp filter as the kernel would get it.
SeccompProgram exported(scmp_filter_ctx ctx) {
    const int fd = int(syscall(SYS_memfd_create, "test-filter", MFD_CLOEXEC));
    REQUIRE(fd >= 0);
    REQUIRE(seccomp_export_bpf(ctx, fd) == 0);
    const off_t size = lseek(fd, 0, SEEK_END);
    SeccompProgram p;
    p.insns.resize(std::size_t(size) / sizeof(sock_filter));
    REQUIRE(pread(fd, p.insns.data(), std::size_t(size), 0) == size);
    close(fd);
    return p;
}

} // namespace

TEST_CASE("seccomp program: libseccomp's filters give libseccomp's actions", "[seccomp_program]") {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    REQUIRE(ctx != nullptr);
    REQUIRE(seccomp_arch_add(ctx, SCMP_ARCH_X86) == 0);
    REQUIRE(seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(bpf), 0) == 0);
    REQUIRE(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(5), SCMP_SYS(fcntl), 1, scmp_arg_cmp{1, SCMP_CMP_EQ, 0, 0}) == 0);
    REQUIRE(seccomp_rule_add(ctx, SCMP_ACT_TRACE(3), SCMP_SYS(ioctl), 1,
                             scmp_arg_cmp{1, SCMP_CMP_MASKED_EQ, 0xffffffffu, 0xabcd}) == 0);
    REQUIRE(seccomp_rule_add(ctx, SCMP_ACT_KILL, SCMP_SYS(kexec_load), 1,
                             scmp_arg_cmp{0, SCMP_CMP_GT, 0x100000000ull, 0}) == 0);
    const SeccompProgram p = exported(ctx);
    seccomp_release(ctx);

    CHECK(p.run(call(AUDIT_ARCH_X86_64, SYS_bpf)) == SECCOMP_RET_USER_NOTIF);
    CHECK(p.run(call(AUDIT_ARCH_I386, 357)) == SECCOMP_RET_USER_NOTIF);  // i386's bpf
    CHECK(p.run(call(AUDIT_ARCH_X86_64, SYS_getpid)) == SECCOMP_RET_ALLOW);
    CHECK(p.run(call(AUDIT_ARCH_X86_64, SYS_fcntl, 3, 0)) == (SECCOMP_RET_ERRNO | 5));
    CHECK(p.run(call(AUDIT_ARCH_X86_64, SYS_fcntl, 3, 1)) == SECCOMP_RET_ALLOW);
    CHECK(p.run(call(AUDIT_ARCH_X86_64, SYS_ioctl, 3, 0x1234'0000'abcdull)) == (SECCOMP_RET_TRACE | 3));
    CHECK(p.run(call(AUDIT_ARCH_X86_64, SYS_ioctl, 3, 0xabce)) == SECCOMP_RET_ALLOW);
    CHECK(p.run(call(AUDIT_ARCH_X86_64, SYS_kexec_load, 0x200000000ull)) == SECCOMP_RET_KILL_THREAD);
    CHECK(p.run(call(AUDIT_ARCH_X86_64, SYS_kexec_load, 0xffffffffull)) == SECCOMP_RET_ALLOW);
    // An architecture the filter does not know: libseccomp's default, kill.
    CHECK(p.run(call(AUDIT_ARCH_AARCH64, 280)) == SECCOMP_RET_KILL_THREAD);
}

TEST_CASE("seccomp program: memory, arithmetic and the kernel's refusals", "[seccomp_program]") {
    SeccompProgram p;
    // M[1] = nr * 3 + LEN; X = M[1]; A = X; ret A & 0xffff
    p.insns = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
        BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 3),
        BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),
        BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
        BPF_STMT(BPF_ST, 1),
        BPF_STMT(BPF_LDX | BPF_MEM, 1),
        BPF_STMT(BPF_MISC | BPF_TXA, 0),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x80000000u, 1, 0),
        BPF_STMT(BPF_RET | BPF_A, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    };
    CHECK(p.run(call(AUDIT_ARCH_X86_64, 7)) == 7 * 3 + 64);
    // Division by a zero X ends the program with 0, as the kernel's classic BPF does.
    p.insns = {BPF_STMT(BPF_LDX | BPF_IMM, 0), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
               BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    CHECK(p.run(call(AUDIT_ARCH_X86_64, 1)) == 0);
    // What seccomp refuses: a 16-bit load, a load past seccomp_data, no return.
    p.insns = {BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    CHECK(p.run(call(AUDIT_ARCH_X86_64, 1)) == SECCOMP_RET_KILL_PROCESS);
    p.insns = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    CHECK(p.run(call(AUDIT_ARCH_X86_64, 1)) == SECCOMP_RET_KILL_PROCESS);
    p.insns = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};
    CHECK(p.run(call(AUDIT_ARCH_X86_64, 1)) == SECCOMP_RET_KILL_PROCESS);
    // A jump past the end.
    p.insns = {BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    CHECK(p.run(call(AUDIT_ARCH_X86_64, 1)) == SECCOMP_RET_KILL_PROCESS);
}

TEST_CASE("seccomp program: a sock_fprog read in both layouts", "[seccomp_program]") {
    bpfsc::test::SelfMemory memory;
    const sock_filter insns[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 9)};
    const sock_fprog native{1, const_cast<sock_filter*>(insns)};
    const auto p = SeccompProgram::read(memory, reinterpret_cast<uintptr_t>(&native), false);
    REQUIRE(p);
    CHECK(p->run(call(AUDIT_ARCH_X86_64, 1)) == (SECCOMP_RET_TRACE | 9));
    // i386's: a 16-bit length, padding, a 32-bit pointer (the test's own
    // address cannot be 32-bit: the read fails where it points).
    uint32_t compat[2] = {1, 0x1000};
    CHECK_FALSE(SeccompProgram::read(memory, reinterpret_cast<uintptr_t>(compat), true));
    const sock_fprog empty{0, const_cast<sock_filter*>(insns)};
    CHECK_FALSE(SeccompProgram::read(memory, reinterpret_cast<uintptr_t>(&empty), false));
    const sock_fprog huge{4097, const_cast<sock_filter*>(insns)};
    CHECK_FALSE(SeccompProgram::read(memory, reinterpret_cast<uintptr_t>(&huge), false));
}
