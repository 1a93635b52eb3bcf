/* lives_as_untraced MODE: what a program can see of its own life, printed
 * so that a run under the tracer can be compared with an untraced one.
 *   state      the blocked and ignored signals it started with, what an
 *              x32 and an i386 (int 0x80) getpid return, its open fds
 *   signals N  counts the SIGINTs it gets: prints "ready", waits for N
 *              (at most 10 s), then for 500 ms more, makes one bpf() call
 *              (the clean-up a loader does on Ctrl-C), prints
 *              "sigint COUNT bpf OK|FAILED" and exits 0. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "state") == 0) return state();
    if (argc > 2 && strcmp(argv[1], "signals") == 0) return signals(atoi(argv[2]));
    fprintf(stderr, "usage: lives_as_untraced state | signals N\n");
    return 2;
}
