/* drop_privileges LOG [HOW]: makes bpf() calls, then (when started as
 * root) becomes nobody and calls again: a lookup in the map it kept, a new
 * map, an id walk. HOW is how it becomes nobody: "native" (the default) the
 * way a daemon does (setgroups, setresgid, setresuid); "i386" the same
 * through the i386 ABI (int 0x80: setgroups32, setresgid32, setresuid32);
 * "i386-setuid" with i386's setgid32 and setuid32. The i386 ways are what a
 * hostile program would use to slip past a filter that names the native
 * calls only.
 * Started as nobody (setpriv), every call is an unprivileged one. Traced
 * by the seccomp backend, whose tracer is root, each call must end exactly
 * as it does untraced: the tracer never runs a call with privileges the
 * caller lacks. Every call is logged; the results are compared by the
 * test, not checked here. Exit status 0. */
#define _GNU_SOURCE
#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpfsc_log.h"

#define NOBODY 65534

static long create_map(void) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = BPF_MAP_TYPE_ARRAY;
    a.key_size = 4;
    a.value_size = 8;
    a.max_entries = 2;
    return bpfsc_bpf(BPF_MAP_CREATE, &a, sizeof a);
}

static void unprivileged_calls(long fd) {
    uint64_t value = 0;
    bpfsc_elem(BPF_MAP_LOOKUP_ELEM, (int)fd, 0, &value, 0);
    create_map();
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    bpfsc_bpf(BPF_MAP_GET_NEXT_ID, &a, 12);
}

/* An i386 syscall from 64-bit code: int 0x80 takes the i386 numbers and
 * the arguments in ebx, ecx, edx. */
static long i386_syscall(long nr, long a, long b, long c) {
#if defined(__x86_64__)
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory", "r8", "r9", "r10", "r11");
    return ret;
#else
    (void)nr, (void)a, (void)b, (void)c;
    return -38; /* ENOSYS */
#endif
}

enum { I386_SETGROUPS32 = 206, I386_SETRESUID32 = 208, I386_SETRESGID32 = 210, I386_SETUID32 = 213,
       I386_SETGID32 = 214 };

static int become_nobody(const char *how) {
    if (strcmp(how, "native") == 0)
        /* Raw syscalls: one thread, and exactly the calls a daemon makes. */
        return syscall(SYS_setgroups, 0, NULL) != 0 || syscall(SYS_setresgid, NOBODY, NOBODY, NOBODY) != 0 ||
               syscall(SYS_setresuid, NOBODY, NOBODY, NOBODY) != 0;
    if (strcmp(how, "i386") == 0)
        return i386_syscall(I386_SETGROUPS32, 0, 0, 0) != 0 ||
               i386_syscall(I386_SETRESGID32, NOBODY, NOBODY, NOBODY) != 0 ||
               i386_syscall(I386_SETRESUID32, NOBODY, NOBODY, NOBODY) != 0;
    if (strcmp(how, "i386-setuid") == 0)
        return i386_syscall(I386_SETGROUPS32, 0, 0, 0) != 0 || i386_syscall(I386_SETGID32, NOBODY, 0, 0) != 0 ||
               i386_syscall(I386_SETUID32, NOBODY, 0, 0) != 0;
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *how = argc > 2 ? argv[2] : "native";
    bpfsc_log_open(argv[1]);
    long fd = create_map();
    uint64_t value = 42;
    bpfsc_elem(BPF_MAP_UPDATE_ELEM, (int)fd, 0, &value, 0);
    if (geteuid() == 0 && become_nobody(how) != 0) return 1;
    unprivileged_calls(fd);
    return 0;
}
