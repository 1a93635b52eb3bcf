/* bpf_threads LOG: 4 threads each make 200 update+lookup pairs on a map they
 * share, started together so their calls overlap (the tracer then shows
 * <unfinished ...> and <... bpf resumed> lines), while the main thread makes
 * its own calls before, during and after. Every call is logged to LOG.
 * bpf_threads --loop LOG: 2 threads and the main thread make bpf() calls
 * until killed, for attaching with -p; "ready" on stdout once they run. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpfsc_log.h"

#define THREADS 4
#define ROUNDS 200
#define PTR(p) ((uint64_t)(uintptr_t)(p))

static int map_fd = -1;
static pthread_barrier_t start;
static int looping;

static long elem(unsigned cmd, uint32_t key, uint64_t *value, uint64_t flags) {
    return bpfsc_elem(cmd, map_fd, key, value, flags);
}

/* One update and one lookup of `key`; in --loop mode a wrong result ends the
 * program at once, so a test sees that it no longer runs. */
static void pair(uint32_t key, uint64_t v) {
    uint64_t got = 0;
    const long u = bpfsc_expect_ok(elem(BPF_MAP_UPDATE_ELEM, key, &v, BPF_ANY), "update");
    const long l = bpfsc_expect_ok(elem(BPF_MAP_LOOKUP_ELEM, key, &got, 0), "lookup");
    if (l == 0 && got != v) bpfsc_failed("lookup read back a wrong value");
    if (looping && (u < 0 || l < 0 || got != v)) exit(1);
}

static void *worker(void *arg) {
    const uint32_t index = (uint32_t)(uintptr_t)arg;
    pthread_barrier_wait(&start);
    for (uint32_t i = 0; looping || i < ROUNDS; ++i) {
        pair(1000 * (index + 1) + i % ROUNDS, i);
        if (looping) nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);  /* pace, not synchronise */
    }
    return NULL;
}

int main(int argc, char **argv) {
    const char *log_path = argv[1];
    if (argc == 3 && strcmp(argv[1], "--loop") == 0) {
        looping = 1;
        log_path = argv[2];
    } else if (argc != 2) {
        fprintf(stderr, "usage: %s [--loop] LOG\n", argv[0]);
        return 2;
    }
    bpfsc_log_open(log_path);

    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = BPF_MAP_TYPE_HASH;
    a.key_size = 4;
    a.value_size = 8;
    a.max_entries = 1024;
    strcpy(a.map_name, "shared");
    map_fd = (int)bpfsc_expect_ok(bpfsc_bpf(BPF_MAP_CREATE, &a, sizeof a), "map create");
    if (map_fd < 0) return 1;
    pair(0, 42);

    const int workers = looping ? 2 : THREADS;
    pthread_t threads[THREADS];
    pthread_barrier_init(&start, NULL, (unsigned)workers + 1);
    for (int i = 0; i < workers; ++i) {
        errno = pthread_create(&threads[i], NULL, worker, (void *)(uintptr_t)i);
        if (errno != 0) {
            bpfsc_failed("pthread_create");
            return 1;
        }
    }
    pthread_barrier_wait(&start);
    if (looping) {
        printf("ready\n");
        fflush(stdout);
        for (uint64_t i = 0;; ++i) {
            pair(0, i);
            nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
        }
    }
    /* The main thread's calls while the workers run. */
    for (int i = 0; i < 50; ++i) {
        uint64_t got = 0;
        bpfsc_expect_ok(elem(BPF_MAP_LOOKUP_ELEM, 0, &got, 0), "main lookup");
    }
    for (int i = 0; i < workers; ++i) pthread_join(threads[i], NULL);

    /* Every worker's keys are there: walk them all. */
    uint32_t key = 0, next = 0;
    int n = 0;
    memset(&a, 0, sizeof a);
    a.map_fd = (uint32_t)map_fd;
    a.next_key = PTR(&next);
    for (;;) {
        const long r = bpfsc_bpf(BPF_MAP_GET_NEXT_KEY, &a, sizeof a);
        if (r < 0) {
            bpfsc_expect_err(r, ENOENT, "get_next_key at the end");
            break;
        }
        ++n;
        key = next;
        a.key = PTR(&key);
    }
    if (n != THREADS * ROUNDS + 1) bpfsc_failed("the map does not hold every worker's keys");
    close(map_fd);
    return bpfsc_all_ok() ? 0 : 1;
}
