// Starting COMMAND under the tracer: the command is found on PATH before
// anything runs; the child waits until the tracer is ready (has seized it,
// or has opened its tracepoints), installs the seccomp filter and execs. An
// exec that fails anyway is reported back through a close-on-exec pipe.
// With the user-notification filter, the child first asks to be killed
// when the tracer dies (PR_SET_PDEATHSIG) and hands the filter's listener
// fd to the tracer over a unix socket.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "tracer/launch/inherited_signals.h"
#include "tracer/launch/seccomp_filter.h"
#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer {

// The path execve will run for `name` (searched on PATH when it has no
// slash), or "" with a one-line reason in *error.
std::string resolve_command(const std::string& name, std::string* error);

class Launcher {
public:
    Launcher() = default;
    ~Launcher() = default;
    Launcher(const Launcher&) = delete;
    Launcher& operator=(const Launcher&) = delete;

    // Forks the child, which blocks until release(), then takes the signal
    // dispositions and mask of `signals` and execs. Returns its pid or -1.
    pid_t start(const std::string& path, const std::vector<std::string>& argv, FilterAction action,
                const InheritedSignals& signals, std::string* error);
    // Lets the child install its filter and exec.
    void release();
    // FilterAction::UserNotify: the listener fd the child sends after
    // installing its filter, or an invalid fd if it failed (exec_failure()
    // says why).
    UniqueFd receive_listener();
    // After the child exited without exec: why its exec failed, if it said.
    std::string exec_failure();

private:
    UniqueFd go_fd_;            // parent's end: closing it releases the child
    UniqueFd error_fd_;         // parent's end: the child's exec errno, or EOF on success
    UniqueFd listener_socket_;  // parent's end of the socket the listener comes through
};

} // namespace bpfsc::tracer
