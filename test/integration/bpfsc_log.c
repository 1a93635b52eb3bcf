/* The bpf() wrapper and log of the integration programs (see bpfsc_log.h). */
#define _GNU_SOURCE
#include "bpfsc_log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int log_fd = -1;
static atomic_int failures;

static const char *const names[BPFSC_BPF_CMD_COUNT] = {
    "BPF_MAP_CREATE", "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM", "BPF_MAP_DELETE_ELEM",
    "BPF_MAP_GET_NEXT_KEY", "BPF_PROG_LOAD", "BPF_OBJ_PIN", "BPF_OBJ_GET", "BPF_PROG_ATTACH",
    "BPF_PROG_DETACH", "BPF_PROG_TEST_RUN", "BPF_PROG_GET_NEXT_ID", "BPF_MAP_GET_NEXT_ID",
    "BPF_PROG_GET_FD_BY_ID", "BPF_MAP_GET_FD_BY_ID", "BPF_OBJ_GET_INFO_BY_FD", "BPF_PROG_QUERY",
    "BPF_RAW_TRACEPOINT_OPEN", "BPF_BTF_LOAD", "BPF_BTF_GET_FD_BY_ID", "BPF_TASK_FD_QUERY",
    "BPF_MAP_LOOKUP_AND_DELETE_ELEM", "BPF_MAP_FREEZE", "BPF_BTF_GET_NEXT_ID",
    "BPF_MAP_LOOKUP_BATCH", "BPF_MAP_LOOKUP_AND_DELETE_BATCH", "BPF_MAP_UPDATE_BATCH",
    "BPF_MAP_DELETE_BATCH", "BPF_LINK_CREATE", "BPF_LINK_UPDATE", "BPF_LINK_GET_FD_BY_ID",
    "BPF_LINK_GET_NEXT_ID", "BPF_ENABLE_STATS", "BPF_ITER_CREATE", "BPF_LINK_DETACH",
    "BPF_PROG_BIND_MAP", "BPF_TOKEN_CREATE", "BPF_PROG_STREAM_READ_BY_FD",
};

void bpfsc_log_open(const char *path) {
    log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        fprintf(stderr, "cannot open log %s: %s\n", path, strerror(errno));
        exit(2);
    }
}

const char *bpfsc_cmd_name(unsigned cmd) { return cmd < BPFSC_BPF_CMD_COUNT ? names[cmd] : NULL; }

long bpfsc_bpf(unsigned cmd, void *attr, unsigned size) {
    const int saved = errno;
    long ret = syscall(SYS_bpf, cmd, attr, size);
    if (ret < 0) ret = -(long)errno;
    char line[128];
    const char *name = bpfsc_cmd_name(cmd);
    char result[48];
    if (ret >= 0) snprintf(result, sizeof result, "%ld", ret);
    else {
        const char *en = strerrorname_np((int)-ret);
        if (en) snprintf(result, sizeof result, "-%s", en);
        else snprintf(result, sizeof result, "-E%ld", -ret);
    }
    int n = snprintf(line, sizeof line, "%ld %s %s\n", (long)gettid(), name ? name : "BPF_???", result);
    /* One write per line: O_APPEND keeps lines of threads and processes whole. */
    if (log_fd < 0 || write(log_fd, line, (size_t)n) != n) {
        fprintf(stderr, "cannot write the log\n");
        exit(2);
    }
    errno = saved;
    return ret;
}

long bpfsc_elem(unsigned cmd, int map_fd, uint32_t key, uint64_t *value, uint64_t flags) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_fd = (uint32_t)map_fd;
    a.key = (uint64_t)(uintptr_t)&key;
    a.value = (uint64_t)(uintptr_t)value;
    a.flags = flags;
    return bpfsc_bpf(cmd, &a, sizeof a);
}

long bpfsc_expect_ok(long ret, const char *what) {
    if (ret < 0) {
        fprintf(stderr, "FAILED: %s: %s\n", what, strerrorname_np((int)-ret));
        atomic_fetch_add(&failures, 1);
    }
    return ret;
}

long bpfsc_expect_err(long ret, int err, const char *what) {
    if (ret != -err) {
        fprintf(stderr, "FAILED: %s: expected -%s, got %ld\n", what, strerrorname_np(err), ret);
        atomic_fetch_add(&failures, 1);
    }
    return ret;
}

long bpfsc_expect_fail(long ret, const char *what) {
    if (ret >= 0) {
        fprintf(stderr, "FAILED: %s: expected an error, got %ld\n", what, ret);
        atomic_fetch_add(&failures, 1);
    }
    return ret;
}

void bpfsc_failed(const char *what) {
    fprintf(stderr, "FAILED: %s: %s\n", what, strerror(errno));
    atomic_fetch_add(&failures, 1);
}

int bpfsc_all_ok(void) { return atomic_load(&failures) == 0; }
