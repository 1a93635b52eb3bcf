// The --backend=auto rule (see backend_choice.h).
#include "tracer/cli/backend_choice.h"

#include <sys/wait.h>
#include <unistd.h>

#include "tracer/os/process_events.h"
#include "tracer/launch/seccomp_filter.h"
#include "tracer/seccomp/syscall_exit_events.h"

namespace bpfsc::tracer {

namespace {

// Whether a listener filter installs here: tried in a throwaway child, since
// a filter cannot be taken off again.
bool listener_installs() {
    const pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
        std::string why;
        _exit(install_notify_filter(&why) >= 0 ? 0 : 1);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace

BackendKind choose_backend(const Options& options, std::string* why) {
    if (options.attach_pid != 0) {
        *why = "attaching (-p) needs ptrace";
        return BackendKind::Ptrace;
    }
    if (!listener_installs()) {
        *why = "no seccomp listener can be installed here";
        return BackendKind::Ptrace;
    }
    ProcessEvents events;
    if (!events.open(why)) return BackendKind::Ptrace;
    SyscallExitEvents exits;
    if (!exits.open(getpid(), why)) return BackendKind::Ptrace;
    why->clear();
    return BackendKind::Seccomp;
}

} // namespace bpfsc::tracer
