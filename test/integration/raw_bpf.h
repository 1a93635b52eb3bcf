/* Header-only helpers of the integration programs that call bpf() without
 * logging: the raw call with a whole union bpf_attr, the attr of the
 * smallest map (an array of one u32 key to a value of value_size bytes),
 * and the attr of a socket filter's load (the smallest program: r0 = 0;
 * exit). */
#ifndef RAW_BPF_H
#define RAW_BPF_H

#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline long raw_bpf(int cmd, union bpf_attr *attr) { return syscall(SYS_bpf, cmd, attr, sizeof *attr); }

/* Clears *attr and fills it for BPF_MAP_CREATE of a one-element array. */
static inline void one_element_array(union bpf_attr *attr, unsigned value_size) {
    memset(attr, 0, sizeof *attr);
    attr->map_type = BPF_MAP_TYPE_ARRAY;
    attr->key_size = 4;
    attr->value_size = value_size;
    attr->max_entries = 1;
}

/* r0 = 0; exit. */
static const struct bpf_insn return_zero[2] = {{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0},
                                               {.code = BPF_JMP | BPF_EXIT}};

/* Clears *attr and fills it for BPF_PROG_LOAD of a GPL socket filter of
 * `count` instructions. */
static inline void socket_filter(union bpf_attr *attr, const struct bpf_insn *insns, unsigned count) {
    memset(attr, 0, sizeof *attr);
    attr->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    attr->insns = (uintptr_t)insns;
    attr->insn_cnt = count;
    attr->license = (uintptr_t) "GPL";
}

#endif
