// Starting COMMAND under the tracer: the command is found on PATH before
// anything runs; the child waits until the tracer has seized it, installs
// the seccomp filter and execs. An exec that fails anyway is reported back
// through a close-on-exec pipe.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "seccomp_filter.h"

namespace bpfsc::tracer {

// The path execve will run for `name` (searched on PATH when it has no
// slash), or "" with a one-line reason in *error.
std::string resolve_command(const std::string& name, std::string* error);

class Launcher {
public:
    // Forks the child, which blocks until release(). Returns its pid or -1.
    pid_t start(const std::string& path, const std::vector<std::string>& argv, FilterAction action,
                std::string* error);
    // Lets the child install its filter and exec.
    void release();
    // After the child exited without exec: why its exec failed, if it said.
    std::string exec_failure();

private:
    int go_fd_ = -1;     // parent's end: closing it releases the child
    int error_fd_ = -1;  // parent's end: the child's exec errno, or EOF on success
};

} // namespace bpfsc::tracer
