/* bpf_fork_exec LOG: bpf() calls across process boundaries, all logged to
 * LOG (O_APPEND): the program's own calls, a fork()ed child's, a vfork()ed
 * child that execs this program in --vfork-child mode, and a thread that
 * execve()s this program in --after-thread-exec mode (exec from a thread
 * that is not the leader), whose image makes the final call. The exit
 * status is 0 only if every call in every process went as expected. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpfsc_log.h"

#define PTR(p) ((uint64_t)(uintptr_t)(p))
#define OK(call, what) bpfsc_expect_ok((call), (what))

static char self[PATH_MAX];
static const char *log_path;

static int map_create(enum bpf_map_type type, uint32_t key, uint32_t value, const char *name) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = type;
    a.key_size = key;
    a.value_size = value;
    a.max_entries = 4;
    strcpy(a.map_name, name);
    return (int)OK(bpfsc_bpf(BPF_MAP_CREATE, &a, sizeof a), name);
}

static long elem(unsigned cmd, int fd, const void *key, void *value) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_fd = (uint32_t)fd;
    a.key = PTR(key);
    a.value = PTR(value);
    return bpfsc_bpf(cmd, &a, sizeof a);
}

static int vfork_child(void) {
    const int q = map_create(BPF_MAP_TYPE_QUEUE, 0, 4, "vforked");
    uint32_t v = 5;
    OK(elem(BPF_MAP_UPDATE_ELEM, q, NULL, &v), "push");
    v = 0;
    OK(elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, q, NULL, &v), "pop");
    if (v != 5) bpfsc_failed("the queue did not pop 5");
    close(q);
    return bpfsc_all_ok() ? 0 : 1;
}

static int after_thread_exec(const char *before) {
    /* The final call, in the image a non-leader thread exec'd. */
    const int m = map_create(BPF_MAP_TYPE_ARRAY, 4, 4, "after_exec");
    close(m);
    return bpfsc_all_ok() && strcmp(before, "ok") == 0 ? 0 : 1;
}

static void *exec_thread(void *arg) {
    const int fd = *(int *)arg;
    uint32_t key = 0;
    uint64_t v = 0;
    OK(elem(BPF_MAP_LOOKUP_ELEM, fd, &key, &v), "thread lookup");
    char *const args[] = {self, "--after-thread-exec", (char *)log_path, bpfsc_all_ok() ? "ok" : "fail", NULL};
    execv(self, args);
    bpfsc_failed("execv from the thread");
    exit(1);
}

static int wait_ok(pid_t pid, const char *what) {
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        bpfsc_failed(what);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--vfork-child") == 0) {
        bpfsc_log_open(argv[2]);
        return vfork_child();
    }
    if (argc == 4 && strcmp(argv[1], "--after-thread-exec") == 0) {
        bpfsc_log_open(argv[2]);
        return after_thread_exec(argv[3]);
    }
    if (argc != 2) {
        fprintf(stderr, "usage: %s LOG\n", argv[0]);
        return 2;
    }
    log_path = argv[1];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 2;
    self[n] = '\0';
    bpfsc_log_open(log_path);

    int arr = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, "parent");
    uint32_t key = 0;
    uint64_t v = 1;
    OK(elem(BPF_MAP_UPDATE_ELEM, arr, &key, &v), "update 0");
    OK(elem(BPF_MAP_LOOKUP_ELEM, arr, &key, &v), "lookup 0");

    /* A forked child uses the inherited map fd and leaves a value for us. */
    pid_t pid = fork();
    if (pid == 0) {
        uint64_t got = 0;
        OK(elem(BPF_MAP_LOOKUP_ELEM, arr, &key, &got), "child lookup 0");
        uint32_t k1 = 1;
        uint64_t from_child = 77;
        OK(elem(BPF_MAP_UPDATE_ELEM, arr, &k1, &from_child), "child update 1");
        uint32_t next = 0;
        OK(elem(BPF_MAP_GET_NEXT_KEY, arr, NULL, &next), "child get_next_key");
        _exit(bpfsc_all_ok() && got == 1 ? 0 : 1);
    }
    if (pid < 0) bpfsc_failed("fork");
    else wait_ok(pid, "the forked child");

    /* A vforked child execs this program, which makes its own calls. */
    char *const args[] = {self, "--vfork-child", (char *)log_path, NULL};
    pid = vfork();
    if (pid == 0) {
        execv(self, args);
        _exit(127);
    }
    if (pid < 0) bpfsc_failed("vfork");
    else wait_ok(pid, "the vforked child");

    uint32_t k1 = 1;
    v = 0;
    OK(elem(BPF_MAP_LOOKUP_ELEM, arr, &k1, &v), "lookup 1");
    if (v != 77) bpfsc_failed("the forked child's value is not in the map");

    /* A thread execs this program; the exec ends this thread (and all). */
    pthread_t t;
    errno = pthread_create(&t, NULL, exec_thread, &arr);
    if (errno != 0) {
        bpfsc_failed("pthread_create");
        return 1;
    }
    pthread_join(t, NULL);
    return 1;  /* not reached: the thread's execve replaces the process */
}
