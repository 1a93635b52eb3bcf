/* killed_mid_call: two threads create and close maps as fast as they can,
 * a third loads a program of 100,000 instructions again and again (the
 * verifier takes about 0.1 s over it), everything named "bpfsc_mid_PID"
 * (PID printed first on stdout), until the main thread kills the whole
 * process with SIGKILL in the middle of the first load. The seccomp
 * broker is then running that load for a thread that is gone: the
 * program it made must go away with the tracee, like every map, and the
 * tracer must be left holding nothing. */
#define _GNU_SOURCE
#include <linux/bpf.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "raw_bpf.h"

static char name[16];

static void *creator(void *arg) {
    (void)arg;
    for (;;) {
        union bpf_attr a;
        one_element_array(&a, 8);
        memcpy(a.map_name, name, sizeof a.map_name);
        const long fd = raw_bpf(BPF_MAP_CREATE, &a);
        if (fd >= 0) close((int)fd);
    }
    return NULL;
}

#define INSNS 100000

static void *loader(void *arg) {
    (void)arg;
    struct bpf_insn *insns = calloc(INSNS + 1, sizeof *insns);
    for (int i = 0; i < INSNS; ++i) insns[i].code = BPF_ALU64 | BPF_MOV | BPF_K; /* r0 = 0 */
    insns[INSNS].code = BPF_JMP | BPF_EXIT;
    for (;;) {
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
        a.insn_cnt = INSNS + 1;
        a.insns = (uint64_t)(uintptr_t)insns;
        a.license = (uint64_t)(uintptr_t) "GPL";
        memcpy(a.prog_name, name, sizeof a.prog_name);
        const long fd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof a);
        if (fd >= 0) close((int)fd);
    }
    return NULL;
}

int main(void) {
    snprintf(name, sizeof name, "bpfsc_mid_%d", (int)getpid());
    printf("%d\n", (int)getpid());
    fflush(stdout);
    pthread_t t[3];
    pthread_create(&t[0], NULL, loader, NULL);
    for (int i = 1; i < 3; ++i) pthread_create(&t[i], NULL, creator, NULL);
    usleep(60000);
    kill(getpid(), SIGKILL);
    return 0;
}
