/* drop_privileges LOG: makes bpf() calls, then (when started as root)
 * becomes nobody the way a daemon does (setgroups, setresgid, setresuid)
 * and calls again: a lookup in the map it kept, a new map, an id walk.
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

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    bpfsc_log_open(argv[1]);
    long fd = create_map();
    uint64_t value = 42;
    bpfsc_elem(BPF_MAP_UPDATE_ELEM, (int)fd, 0, &value, 0);
    if (geteuid() == 0) {
        /* Raw syscalls: one thread, and exactly the calls a daemon makes. */
        if (syscall(SYS_setgroups, 0, NULL) != 0 || syscall(SYS_setresgid, NOBODY, NOBODY, NOBODY) != 0 ||
            syscall(SYS_setresuid, NOBODY, NOBODY, NOBODY) != 0)
            return 1;
    }
    unprivileged_calls(fd);
    return 0;
}
