/* A hostile tracee: bpf() calls with random commands, sizes and attr
 * pointers (NULL, unmapped, kernel addresses, the edge of a guard page),
 * attrs whose pointers point anywhere, a thread flipping the bytes of an
 * attr while the main thread passes it to bpf(), and an exit_group while
 * threads are still calling. The tracer must print every call as far as it
 * can be read and survive; the program's own results are not checked. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static unsigned char shared_attr[256];
static volatile int stop;

static uint64_t rnd(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void *flipper(void *arg) {
    uint64_t s = (uintptr_t)arg;
    while (!stop) shared_attr[rnd(&s) % sizeof shared_attr] = (unsigned char)rnd(&s);
    return NULL;
}

static void *caller(void *arg) {
    (void)arg;
    for (;;) syscall(SYS_bpf, 12 /* BPF_MAP_GET_NEXT_ID */, shared_attr, 12);
    return NULL;
}

int main(int argc, char **argv) {
    const long rounds = argc > 1 ? atol(argv[1]) : 3000;
    unsigned char *pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) return 2;
    mprotect(pages + 4096, 4096, PROT_NONE);
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 4096; ++i) pages[i] = (unsigned char)rnd(&s);
    const uintptr_t pointers[] = {0, 1, (uintptr_t)pages, (uintptr_t)pages + 4096 - 8, (uintptr_t)pages + 4096,
                                  0xffffffff81000000ull, (uintptr_t)-1, (uintptr_t)shared_attr};

    pthread_t t;
    pthread_create(&t, NULL, flipper, (void *)(uintptr_t)12345);
    for (long i = 0; i < rounds; ++i) {
        /* Random bytes with pointers planted in every 8-byte slot now and then. */
        unsigned char *attr = pages + (rnd(&s) % 4096);
        const size_t room = (size_t)(pages + 4096 - attr);
        for (size_t off = 0; off + 8 <= room && off < 256; off += 8)
            if (rnd(&s) % 3 == 0) {
                uintptr_t p = pointers[rnd(&s) % 8];
                memcpy(attr + off, &p, 8);
            }
        const unsigned cmd = (unsigned)(rnd(&s) % 42);
        const unsigned size = (unsigned)(rnd(&s) % 3 == 0 ? rnd(&s) % 8192 : rnd(&s) % 200);
        void *where = rnd(&s) % 5 == 0 ? (void *)pointers[rnd(&s) % 8] : (void *)attr;
        syscall(SYS_bpf, cmd, where, size);
        if (i % 7 == 0) syscall(SYS_bpf, (unsigned)(rnd(&s) % 38), shared_attr, (unsigned)(rnd(&s) % 160));
    }
    stop = 1;
    pthread_join(t, NULL);

    /* Threads in the middle of calls when the process ends. */
    pthread_t callers[3];
    for (int i = 0; i < 3; ++i) pthread_create(&callers[i], NULL, caller, NULL);
    usleep(20000);
    syscall(SYS_exit_group, 3);
    return 0;
}
