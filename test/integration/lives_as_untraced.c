/* lives_as_untraced MODE: what a program can see of its own life, printed
 * so that a run under the tracer can be compared with an untraced one.
 *   state      the blocked and ignored signals it started with, what an
 *              x32 and an i386 (int 0x80) getpid return, its open fds
 *   signals N  counts the SIGINTs it gets: prints "ready", waits for N
 *              (at most 10 s), then for 500 ms more, makes one bpf() call
 *              (the clean-up a loader does on Ctrl-C), prints
 *              "sigint COUNT bpf OK|FAILED" and exits 0.
 *   paths DIR  from DIR (a fresh directory on bpffs) pins a map through
 *              /proc/self/cwd, gets it back through it and through
 *              /dev/fd/N, and attaches a uprobe to /proc/self/exe: prints
 *              each result and the file the uprobe is on. Each of these
 *              names whoever resolves it.
 *   interrupted  a SIGALRM (handler with SA_RESTART) 20 ms into a
 *              program load the verifier needs 0.2 s for, and 100 ms into
 *              a test run of 10^9 repeats: prints each result (EAGAIN,
 *              EINTR: the kernel does not restart either), whether it
 *              came within 1 s, and the number of alarms handled.
 *   readonly   bpf() calls whose attr is on a read-only page, of commands
 *              the kernel answers by writing a member whatever it was
 *              (log_true_size, info_len, next_id, count, btf_log_true_size): prints each
 *              result (EFAULT).
 *   own-filter installs seccomp filters of its own that answer some of the
 *              calls the tracer also selects with SECCOMP_RET_TRACE (bpf(),
 *              close(1000), dup(1000) in a child) and one with
 *              SECCOMP_RET_ERRNO (BPF_PROG_LOAD): with nobody ptracing it,
 *              the kernel fails the first with ENOSYS, unrun. Prints each
 *              result, in the program, a thread of it and a child; a
 *              filter the kernel refuses changes nothing. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "raw_bpf.h"

static void print_status_line(const char *key) {
    FILE *f = fopen("/proc/self/status", "re");
    char line[256];
    while (f != NULL && fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0) fputs(line, stdout);
    if (f != NULL) fclose(f);
}

static long i386_getpid(void) {
    long ret = 20; /* __NR_getpid on i386 */
    __asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
    return ret;
}

static int state(void) {
    print_status_line("SigBlk:");
    print_status_line("SigIgn:");
    errno = 0;
    const long x32 = syscall(0x40000000 | 39); /* __X32_SYSCALL_BIT | getpid */
    printf("x32 getpid: %ld %s\n", x32, x32 < 0 ? strerrorname_np(errno) : "ok");
    printf("i386 getpid: %s\n", i386_getpid() == getpid() ? "ok" : "wrong");
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d)) continue;
        char path[300], target[256];
        snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
        const ssize_t n = readlink(path, target, sizeof target - 1);
        target[n < 0 ? 0 : n] = 0;
        /* Pipes and terminals differ from run to run: only the kind. */
        if (strncmp(target, "pipe:", 5) == 0) strcpy(target, "pipe");
        if (strncmp(target, "/dev/pts/", 9) == 0) strcpy(target, "/dev/pts");
        printf("fd %s: %s\n", e->d_name, target);
    }
    if (d != NULL) closedir(d);
    return 0;
}

static volatile sig_atomic_t sigints;
static void on_sigint(int sig) { (void)sig; ++sigints; }

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int signals(int wanted) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    puts("ready");
    fflush(stdout);
    const double start = now();
    while (sigints < wanted && now() - start < 10) usleep(1000);
    const double quiet = now();
    while (now() - quiet < 0.5) usleep(1000);
    union bpf_attr a;
    one_element_array(&a, 8);
    const long fd = raw_bpf(BPF_MAP_CREATE, &a);
    printf("sigint %d bpf %s\n", (int)sigints, fd >= 0 ? "OK" : "FAILED");
    return 0;
}

static const char *result(long ret) { return ret >= 0 ? "ok" : strerrorname_np((int)-ret); }

static long checked(long ret) { return ret < 0 ? -errno : ret; }

static int paths(const char *dir) {
    if (chdir(dir) != 0) {
        perror(dir);
        return 1;
    }
    union bpf_attr a;
    one_element_array(&a, 8);
    const long map = checked(raw_bpf(BPF_MAP_CREATE, &a));
    memset(&a, 0, sizeof a);
    a.pathname = (uintptr_t) "/proc/self/cwd/pinned";
    a.bpf_fd = (uint32_t)map;
    printf("pin /proc/self/cwd/pinned: %s\n", result(checked(raw_bpf(BPF_OBJ_PIN, &a))));
    printf("pinned in DIR: %s\n", access("pinned", F_OK) == 0 ? "yes" : "no");
    memset(&a, 0, sizeof a);
    a.pathname = (uintptr_t) "/proc/self/cwd/pinned";
    const long got = checked(raw_bpf(BPF_OBJ_GET, &a));
    printf("get /proc/self/cwd/pinned: %s\n", result(got));
    char fd_path[64];
    snprintf(fd_path, sizeof fd_path, "/dev/fd/%ld", map);
    memset(&a, 0, sizeof a);
    a.pathname = (uintptr_t)fd_path;
    printf("get /dev/fd/MAP: %s\n", result(checked(raw_bpf(BPF_OBJ_GET, &a))));
    unlink("pinned");

    /* r0 = 0; exit, as a uprobe_multi program. */
    memset(&a, 0, sizeof a);
    a.prog_type = BPF_PROG_TYPE_KPROBE;
    a.insns = (uintptr_t)return_zero;
    a.insn_cnt = 2;
    a.license = (uintptr_t) "GPL";
    a.expected_attach_type = 48; /* BPF_TRACE_UPROBE_MULTI (6.6) */
    const long prog = checked(raw_bpf(BPF_PROG_LOAD, &a));
    /* link_create.uprobe_multi (6.6): path at 16, offsets at 24, cnt at 48. */
    unsigned char attr[sizeof(union bpf_attr)] = {0};
    const uint64_t path = (uintptr_t) "/proc/self/exe", offset = 0x1000;
    const uint64_t offsets = (uintptr_t)&offset;
    const uint32_t prog_fd = (uint32_t)prog, attach_type = 48, cnt = 1;
    memcpy(attr + 0, &prog_fd, 4);
    memcpy(attr + 8, &attach_type, 4);
    memcpy(attr + 16, &path, 8);
    memcpy(attr + 24, &offsets, 8);
    memcpy(attr + 48, &cnt, 4);
    const long link = checked(raw_bpf(BPF_LINK_CREATE, (union bpf_attr *)attr));
    printf("uprobe on /proc/self/exe: %s\n", result(link));
    if (link >= 0) {
        /* bpf_link_info.uprobe_multi (6.8): path at 16, path_size at 48. */
        unsigned char info[128] = {0};
        char file[4096] = {0};
        const uint64_t file_addr = (uintptr_t)file;
        const uint32_t file_size = sizeof file;
        memcpy(info + 16, &file_addr, 8);
        memcpy(info + 48, &file_size, 4);
        memset(&a, 0, sizeof a);
        a.info.bpf_fd = (uint32_t)link;
        a.info.info_len = sizeof info;
        a.info.info = (uintptr_t)info;
        const long r = checked(raw_bpf(BPF_OBJ_GET_INFO_BY_FD, &a));
        const char *base = strrchr(file, '/');
        printf("uprobe is on: %s\n", r < 0 ? result(r) : base ? base + 1 : file);
    }
    return 0;
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) { (void)sig; ++alarms; }

static void alarm_in(long ms) {
    struct itimerval in = {.it_value = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &in, NULL);
}

/* The result of a call interrupted after `ms`: its errno, and whether it came in time. */
static void interrupted_call(const char *what, int cmd, union bpf_attr *a, long ms) {
    alarm_in(ms);
    const double start = now();
    const long ret = checked(raw_bpf(cmd, a));
    const double took = now() - start;
    alarm_in(0);
    printf("%s: %s, %s\n", what, result(ret), took < 1 ? "within 1 s" : "after 1 s");
    if (ret >= 0) close((int)ret);
}

static int interrupted(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    /* r1 = 0; loop: r1 += 1; if r1 < 150000 goto loop; r0 = 0; exit: the
     * verifier walks every turn of the loop (0.2 s here). */
    struct bpf_insn loop[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 1, .imm = 0},
        {.code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 1, .imm = 1},
        {.code = BPF_JMP | BPF_JLT | BPF_K, .dst_reg = 1, .off = -2, .imm = 150000},
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    union bpf_attr a;
    socket_filter(&a, loop, 5);
    interrupted_call("load interrupted at 20 ms", BPF_PROG_LOAD, &a, 20);
    socket_filter(&a, return_zero, 2);
    const long prog = checked(raw_bpf(BPF_PROG_LOAD, &a));
    printf("r0 = 0 program: %s\n", result(prog));
    unsigned char packet[64] = {0};
    memset(&a, 0, sizeof a);
    a.test.prog_fd = (uint32_t)prog;
    a.test.data_in = (uintptr_t)packet;
    a.test.data_size_in = sizeof packet;
    a.test.repeat = 1000000000;
    interrupted_call("test run interrupted at 100 ms", BPF_PROG_TEST_RUN, &a, 100);
    printf("alarms handled: %d\n", (int)alarms);
    return 0;
}

/* Offsets of members newer than the system's linux/bpf.h (6.1). */
enum {
    LOG_TRUE_SIZE_END = 144,     /* offsetofend(prog_load.log_true_size), 6.4 */
    BTF_LOG_TRUE_SIZE_END = 32,  /* offsetofend(btf_log_true_size), 6.4 */
};

/* The smallest BTF: a header, one 4-byte signed int, the strings "" and "int". */
static const uint32_t one_int_btf[] = {
    0x0001eb9f, 24 /* hdr_len */, 0 /* type_off */, 16 /* type_len */, 16 /* str_off */, 5 /* str_len */,
    1 /* name_off */, 1u << 24 /* BTF_KIND_INT */, 4 /* size */, (1u << 24) | 32 /* signed, 32 bits */,
    0x746e6900 /* "\0int" */, 0 /* "\0" */,
};

static int readonly(void) {
    unsigned char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return 2;
    union bpf_attr *a = (union bpf_attr *)page;
    union bpf_attr map;
    one_element_array(&map, 8);
    const long map_fd = checked(raw_bpf(BPF_MAP_CREATE, &map));
    uint32_t key = 0, position = 0;
    uint64_t value = 0;
    unsigned char info[sizeof(struct bpf_map_info)];
    for (int i = 0; i < 5; ++i) {
        mprotect(page, 4096, PROT_READ | PROT_WRITE);
        memset(page, 0, 4096);
        const char *what = "";
        int cmd = 0;
        unsigned size = sizeof *a;
        switch (i) {
        case 0: /* writes log_true_size, even 0 */
            what = "BPF_PROG_LOAD";
            cmd = BPF_PROG_LOAD;
            socket_filter(a, return_zero, 2);
            size = LOG_TRUE_SIZE_END;
            break;
        case 1: /* writes info_len */
            what = "BPF_OBJ_GET_INFO_BY_FD";
            cmd = BPF_OBJ_GET_INFO_BY_FD;
            a->info.bpf_fd = (uint32_t)map_fd;
            a->info.info_len = sizeof info;
            a->info.info = (uintptr_t)info;
            break;
        case 2: /* writes next_id */
            what = "BPF_MAP_GET_NEXT_ID";
            cmd = BPF_MAP_GET_NEXT_ID;
            break;
        case 4: /* writes btf_log_true_size, even 0 */
            what = "BPF_BTF_LOAD";
            cmd = BPF_BTF_LOAD;
            a->btf = (uintptr_t)one_int_btf;
            a->btf_size = 24 + 16 + 5;
            size = BTF_LOG_TRUE_SIZE_END;
            break;
        case 3: /* writes count */
            what = "BPF_MAP_LOOKUP_BATCH";
            cmd = BPF_MAP_LOOKUP_BATCH;
            a->batch.map_fd = (uint32_t)map_fd;
            a->batch.keys = (uintptr_t)&key;
            a->batch.values = (uintptr_t)&value;
            a->batch.out_batch = (uintptr_t)&position;
            a->batch.count = 1;
            break;
        }
        mprotect(page, 4096, PROT_READ);
        const long ret = checked(syscall(SYS_bpf, cmd, a, size));
        printf("%s with a read-only attr: %s\n", what, result(ret));
        if (ret >= 0 && (cmd == BPF_PROG_LOAD || cmd == BPF_BTF_LOAD)) close((int)ret);
    }
    return 0;
}

static long map_create(void) {
    union bpf_attr a;
    one_element_array(&a, 8);
    const long fd = checked(raw_bpf(BPF_MAP_CREATE, &a));
    if (fd >= 0) close((int)fd);
    return fd;
}

static void *map_create_in_thread(void *arg) {
    (void)arg;
    printf("thread: BPF_MAP_CREATE: %s\n", result(map_create()));
    return NULL;
}

static int own_filter(void) {
    /* bpf(): TRACE, but BPF_PROG_LOAD: ERRNO(EPERM); close(1000): TRACE; else ALLOW. */
    struct sock_filter insns[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 7),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_bpf, 0, 2),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, BPF_PROG_LOAD, 5, 4),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_close, 0, 2),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1000, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 7),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    };
    struct sock_fprog prog = {sizeof insns / sizeof insns[0], insns};
    /* dup(1000): TRACE; else ALLOW (a child installs it with prctl). */
    struct sock_filter dup_insns[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_dup, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1000, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog dup_prog = {sizeof dup_insns / sizeof dup_insns[0], dup_insns};
    /* An instruction no filter may hold: the kernel refuses it. */
    struct sock_filter bad_insns[] = {{0xffff, 0, 0, 0}, BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE)};
    struct sock_fprog bad = {2, bad_insns};

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 2;
    printf("refused filter: %s\n", result(checked(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &bad))));
    printf("BPF_MAP_CREATE: %s\n", result(map_create()));
    printf("filter: %s\n", result(checked(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))));
    printf("BPF_MAP_CREATE: %s\n", result(map_create()));
    union bpf_attr a;
    socket_filter(&a, return_zero, 2);
    printf("BPF_PROG_LOAD: %s\n", result(checked(raw_bpf(BPF_PROG_LOAD, &a))));
    printf("close(1000): %s\n", result(checked(close(1000))));
    printf("close(1001): %s\n", result(checked(close(1001))));
    pthread_t t;
    pthread_create(&t, NULL, map_create_in_thread, NULL);
    pthread_join(t, NULL);
    fflush(stdout);
    const pid_t child = fork();
    if (child == 0) {
        printf("child: BPF_MAP_CREATE: %s\n", result(map_create()));
        printf("child: dup(1000) before its filter: %s\n", result(checked(dup(1000))));
        printf("child: filter: %s\n", result(checked(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &dup_prog))));
        printf("child: dup(1000): %s\n", result(checked(dup(1000))));
        fflush(stdout);
        _exit(0);
    }
    waitpid(child, NULL, 0);
    printf("getpid: %s\n", getpid() > 0 ? "ok" : "wrong");
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "paths") == 0) return paths(argv[2]);
    if (argc > 1 && strcmp(argv[1], "state") == 0) return state();
    if (argc > 2 && strcmp(argv[1], "signals") == 0) return signals(atoi(argv[2]));
    if (argc > 1 && strcmp(argv[1], "interrupted") == 0) return interrupted();
    if (argc > 1 && strcmp(argv[1], "readonly") == 0) return readonly();
    if (argc > 1 && strcmp(argv[1], "own-filter") == 0) return own_filter();
    fprintf(stderr, "usage: lives_as_untraced state | signals N | paths DIR | interrupted | readonly | own-filter\n");
    return 2;
}
