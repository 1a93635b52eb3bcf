// Benchmark helper: runs a command under the tracer's own seccomp filter
// with no tracer attached, to separate the kernel's per-syscall cost of
// having any filter from the cost of tracing. The selected syscalls (bpf,
// close, dup*, fcntl) run normally and are logged (SECCOMP_RET_LOG), since
// without a tracer SECCOMP_RET_TRACE would fail them with ENOSYS.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "tracer/launch/seccomp_filter.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: filter_only COMMAND [ARGS...]\n");
        return 2;
    }
    std::string error;
    if (bpfsc::tracer::install_syscall_filter(bpfsc::tracer::FilterAction::Log, &error) != 0) {
        std::fprintf(stderr, "filter_only: %s\n", error.c_str());
        return 1;
    }
    execv(argv[1], argv + 1);
    std::perror("filter_only: execv");
    return 127;
}
