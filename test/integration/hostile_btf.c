/* hostile_btf [ROUNDS]: BTF a tracer must never trust. First it loads
 * malformed blobs the kernel rejects, each a loop no C type can be: a
 * typedef naming itself, a pointer to itself, a const and a volatile naming
 * each other, a struct holding itself by value. Then, ROUNDS times (200),
 * it loads a blob while a second thread flips one of its words between a
 * valid pointer (to int) and one that points to itself, so that what a tracer read at
 * the call's entry may not be what the kernel accepted; every load that
 * succeeds gets an array map whose value type is that pointer, and one
 * update. A tracer must print every call and survive, whatever it read
 * (with -v it prints the blobs' C). Exit status 0. */
#define _GNU_SOURCE
#include <linux/bpf.h>
#include <linux/btf.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "raw_bpf.h"

/* [1] int, [2] int *, [3] struct s { int *x; }, [4] volatile int */
struct blob {
    struct btf_header header;
    struct btf_type int_type;
    uint32_t int_encoding;
    struct btf_type pointer_type;
    struct btf_type struct_type;
    struct btf_member member;
    struct btf_type volatile_type;
    char strings[12];
};

enum { NAME_INT = 1, NAME_T = 5, NAME_S = 7, NAME_X = 9 };

static void make_valid(struct blob *b) {
    memset(b, 0, sizeof *b);
    b->header.magic = BTF_MAGIC;
    b->header.version = BTF_VERSION;
    b->header.hdr_len = sizeof b->header;
    b->header.type_off = 0;
    b->header.type_len = (uint32_t)offsetof(struct blob, strings) - sizeof b->header;
    b->header.str_off = b->header.type_len;
    b->header.str_len = sizeof b->strings;
    b->int_type.name_off = NAME_INT;
    b->int_type.info = BTF_KIND_INT << 24;
    b->int_type.size = 4;
    b->int_encoding = 32; /* BTF_INT_ENC 0, offset 0, 32 bits */
    b->pointer_type.info = BTF_KIND_PTR << 24;
    b->pointer_type.type = 1;
    b->struct_type.name_off = NAME_S;
    b->struct_type.info = (BTF_KIND_STRUCT << 24) | 1;
    b->struct_type.size = 8;
    b->member.name_off = NAME_X;
    b->member.type = 2;
    b->volatile_type.info = BTF_KIND_VOLATILE << 24;
    b->volatile_type.type = 1;
    memcpy(b->strings, "\0int\0t\0s\0x\0", sizeof b->strings);
}

static long load(struct blob *b) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.btf = (uintptr_t)b;
    a.btf_size = sizeof *b;
    return raw_bpf(BPF_BTF_LOAD, &a);
}

static struct blob flipped;
static volatile int stop;

static void *flipper(void *arg) {
    (void)arg;
    volatile uint32_t *target = &flipped.pointer_type.type;
    while (!stop) {
        *target = 2; /* a pointer to itself */
        *target = 1; /* a pointer to int */
    }
    return NULL;
}

int main(int argc, char **argv) {
    const long rounds = argc > 1 ? atol(argv[1]) : 200;
    struct blob b;

    make_valid(&b);
    b.pointer_type.name_off = NAME_T; /* typedef t t; */
    b.pointer_type.info = BTF_KIND_TYPEDEF << 24;
    b.pointer_type.type = 2;
    load(&b);
    make_valid(&b);
    b.pointer_type.type = 2; /* a pointer to itself */
    load(&b);
    make_valid(&b);
    b.pointer_type.info = BTF_KIND_CONST << 24; /* const volatile const volatile ... */
    b.pointer_type.type = 4;
    b.volatile_type.type = 2;
    load(&b);
    make_valid(&b);
    b.member.type = 3; /* struct s { struct s x; } */
    load(&b);

    make_valid(&flipped);
    pthread_t t;
    pthread_create(&t, NULL, flipper, NULL);
    for (long i = 0; i < rounds; ++i) {
        const long btf_fd = load(&flipped);
        if (btf_fd < 0) continue;
        union bpf_attr a;
        one_element_array(&a, 8);
        a.btf_fd = (uint32_t)btf_fd;
        a.btf_key_type_id = 1;
        a.btf_value_type_id = 2;
        const long map_fd = raw_bpf(BPF_MAP_CREATE, &a);
        if (map_fd >= 0) {
            uint32_t key = 0;
            uint64_t value = 7;
            memset(&a, 0, sizeof a);
            a.map_fd = (uint32_t)map_fd;
            a.key = (uintptr_t)&key;
            a.value = (uintptr_t)&value;
            raw_bpf(BPF_MAP_UPDATE_ELEM, &a);
            close((int)map_fd);
        }
        close((int)btf_fd);
    }
    stop = 1;
    pthread_join(t, NULL);
    return 0;
}
