/* Header-only helpers of the integration programs that call bpf() without
 * logging: the raw call with a whole union bpf_attr, and the attr of the
 * smallest map (an array of one u32 key to a value of value_size bytes). */
#ifndef RAW_BPF_H
#define RAW_BPF_H

#include <linux/bpf.h>
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

#endif
