/* The fd model's workload: one map reached through every way an fd can be
 * copied, closed or inherited: dup, dup2, fcntl(F_DUPFD_CLOEXEC), F_SETFD,
 * close, close_range, fork (the child closes its copy and uses another),
 * and execve (close-on-exec fds vanish, the others survive and still name
 * the map). Prints "fds MAP DUP DUP2 CLOEXEC" so the check knows the numbers. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "raw_bpf.h"


static int lookup(int fd) {
    uint32_t key = 0;
    uint64_t value = 0;
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_fd = (uint32_t)fd;
    a.key = (uintptr_t)&key;
    a.value = (uintptr_t)&value;
    return (int)raw_bpf(BPF_MAP_LOOKUP_ELEM, &a);
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "after-exec") == 0) return lookup(atoi(argv[2])) == 0 ? 0 : 1;

    union bpf_attr a;
    one_element_array(&a, 8);
    strcpy(a.map_name, "lifecycle");
    const int map = (int)raw_bpf(BPF_MAP_CREATE, &a);
    if (map < 0) {
        perror("BPF_MAP_CREATE");
        return 1;
    }
    const int copy = dup(map);
    const int fixed = dup2(map, 20);
    const int cloexec = fcntl(map, F_DUPFD_CLOEXEC, 30);
    printf("fds %d %d %d %d\n", map, copy, fixed, cloexec);
    fflush(stdout);
    fcntl(copy, F_SETFD, FD_CLOEXEC);
    fcntl(copy, F_SETFD, 0);
    close(map);
    syscall(SYS_close_range, 20, 20, 0);

    const pid_t child = fork();
    if (child == 0) {
        close(copy);
        _exit(lookup(cloexec) == 0 ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;

    char number[16];
    snprintf(number, sizeof number, "%d", copy);
    execl("/proc/self/exe", argv[0], "after-exec", number, (char *)NULL);
    perror("execl");
    return 1;
}
