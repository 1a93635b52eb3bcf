/* bpf_signals LOG: 4 threads each insert 300 fresh keys into one hash map
 * with BPF_NOEXIST and look each up again, while a fifth thread keeps
 * interrupting them with SIGUSR1 (a handler installed with SA_RESTART, as
 * signal() does) and the main thread forks a child that makes calls of its
 * own. A call run twice would fail its second time with EEXIST: every
 * insert must succeed once, every lookup find its value. Every call is
 * logged; the exit status says whether every expectation held (0) or not
 * (1). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpfsc_log.h"

#define THREADS 4
#define KEYS 300

static int map_fd = -1;
static pthread_t workers[THREADS];
static volatile int done;
static volatile sig_atomic_t interruptions;

static void on_usr1(int sig) {
    (void)sig;
    ++interruptions;
}

static long elem(unsigned cmd, uint32_t key, uint64_t *value, uint64_t flags) {
    return bpfsc_elem(cmd, map_fd, key, value, flags);
}

static void *worker(void *arg) {
    const uint32_t first = (uint32_t)(uintptr_t)arg * KEYS;
    for (uint32_t k = first; k < first + KEYS; ++k) {
        uint64_t v = (uint64_t)k * 7 + 1, got = 0;
        bpfsc_expect_ok(elem(BPF_MAP_UPDATE_ELEM, k, &v, BPF_NOEXIST), "insert a fresh key once");
        bpfsc_expect_ok(elem(BPF_MAP_LOOKUP_ELEM, k, &got, 0), "look it up");
        if (got != v) bpfsc_failed("the value read back");
    }
    return NULL;
}

static void *interrupter(void *arg) {
    (void)arg;
    while (!done)
        for (int i = 0; i < THREADS; ++i) {
            pthread_kill(workers[i], SIGUSR1);
            usleep(50);
        }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    bpfsc_log_open(argv[1]);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);

    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = BPF_MAP_TYPE_HASH;
    a.key_size = 4;
    a.value_size = 8;
    a.max_entries = THREADS * KEYS + 1;
    map_fd = (int)bpfsc_expect_ok(bpfsc_bpf(BPF_MAP_CREATE, &a, sizeof a), "create the map");
    if (map_fd < 0) return 1;
    uint64_t mine = 1;
    bpfsc_expect_ok(elem(BPF_MAP_UPDATE_ELEM, THREADS * KEYS, &mine, BPF_NOEXIST), "the main thread's key");

    for (int i = 0; i < THREADS; ++i) pthread_create(&workers[i], NULL, worker, (void *)(uintptr_t)i);
    pthread_t t;
    pthread_create(&t, NULL, interrupter, NULL);
    const pid_t child = fork();
    if (child == 0) {
        uint64_t got = 0;
        _exit(elem(BPF_MAP_LOOKUP_ELEM, THREADS * KEYS, &got, 0) == 0 && got == 1 ? 0 : 1);
    }
    for (int i = 0; i < THREADS; ++i) pthread_join(workers[i], NULL);
    done = 1;
    pthread_join(t, NULL);
    int status = 0;
    waitpid(child, &status, 0);
    fprintf(stderr, "bpf_signals: %d interruptions\n", (int)interruptions);
    return bpfsc_all_ok() && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
