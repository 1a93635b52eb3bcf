/* Benchmark workload: N bpf(BPF_MAP_LOOKUP_ELEM) calls on one array map. */
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = BPF_MAP_TYPE_ARRAY;
    a.key_size = 4;
    a.value_size = 8;
    a.max_entries = 1;
    int fd = (int)syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof a);
    if (fd < 0) {
        perror("BPF_MAP_CREATE");
        return 1;
    }
    uint32_t key = 0;
    uint64_t value = 0;
    for (long i = 0; i < n; ++i) {
        memset(&a, 0, sizeof a);
        a.map_fd = (uint32_t)fd;
        a.key = (uintptr_t)&key;
        a.value = (uintptr_t)&value;
        if (syscall(SYS_bpf, BPF_MAP_LOOKUP_ELEM, &a, 32) != 0) {
            perror("BPF_MAP_LOOKUP_ELEM");
            return 1;
        }
    }
    close(fd);
    return 0;
}
