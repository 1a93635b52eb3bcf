/* killed_mid_call: two threads create and close maps as fast as they can,
 * a third creates an array map of 32 MiB again and again (the largest the
 * seccomp broker creates itself; the kernel takes about 15 ms to zero it),
 * everything named "bpfsc_mid_PID" (PID printed first on stdout), until
 * the main thread kills the whole process with SIGKILL. The broker is then
 * most likely creating the large map for a thread that is gone: that map
 * must go away with the tracee, like every other, and the tracer must be
 * left holding nothing. */
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

/* 8192 entries of a 4-byte key and a 4092-byte value: exactly the broker's bound. */
#define BIG_ENTRIES 8192
#define BIG_VALUE 4092

static void *big_creator(void *arg) {
    (void)arg;
    for (;;) {
        union bpf_attr a;
        one_element_array(&a, BIG_VALUE);
        a.max_entries = BIG_ENTRIES;
        memcpy(a.map_name, name, sizeof a.map_name);
        const long fd = raw_bpf(BPF_MAP_CREATE, &a);
        if (fd >= 0) close((int)fd);
    }
    return NULL;
}

int main(void) {
    snprintf(name, sizeof name, "bpfsc_mid_%d", (int)getpid());
    printf("%d\n", (int)getpid());
    fflush(stdout);
    pthread_t t[3];
    pthread_create(&t[0], NULL, big_creator, NULL);
    for (int i = 1; i < 3; ++i) pthread_create(&t[i], NULL, creator, NULL);
    usleep(60000);
    kill(getpid(), SIGKILL);
    return 0;
}
