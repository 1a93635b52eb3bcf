/* Shared helpers of the integration programs: a raw bpf() wrapper that logs
 * every call as "TID COMMAND_NAME RESULT" (RESULT: the return value, or
 * -ERRNO_NAME) to an O_APPEND log, and expectation checks that remember
 * whether any call that should have succeeded did not. */
#ifndef BPFSC_LOG_H
#define BPFSC_LOG_H

#include <stdint.h>

/* Commands newer than Debian 12's linux/bpf.h (6.1). */
#define BPFSC_BPF_TOKEN_CREATE 36
#define BPFSC_BPF_PROG_STREAM_READ_BY_FD 37
#define BPFSC_BPF_CMD_COUNT 38

/* Opens (creating, appending) the log every call is written to. */
void bpfsc_log_open(const char *path);
/* The kernel's name of a command (0..37), or NULL. */
const char *bpfsc_cmd_name(unsigned cmd);
/* bpf(cmd, attr, size) for real; logs the line; returns the result, -errno on error. */
long bpfsc_bpf(unsigned cmd, void *attr, unsigned size);
/* An element command (lookup, update...) on map_fd for one u32 key and u64 value, logged. */
long bpfsc_elem(unsigned cmd, int map_fd, uint32_t key, uint64_t *value, uint64_t flags);
/* Expectations: note a failure (and say why on stderr) when not met. */
long bpfsc_expect_ok(long ret, const char *what);
long bpfsc_expect_err(long ret, int err, const char *what);
long bpfsc_expect_fail(long ret, const char *what);
/* Notes a failure of something that is not a bpf() call. */
void bpfsc_failed(const char *what);
/* Whether every expectation so far held. */
int bpfsc_all_ok(void);

#endif
