// The watchdog (see watchdog.h).
#include "tracer/seccomp/watchdog.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "tracer/os/fd_passing.h"

namespace bpfsc::tracer {

namespace {

constexpr char k_done = 'D';   // the tracer ends normally
constexpr char k_guard = 'G';  // carries a pidfd

[[noreturn]] void watch(int socket) {
    prctl(PR_SET_NAME, "bpfsc-watchdog");
    // Signals from the terminal are for the tracer and the program, not for
    // this: it must outlive the tracer to do its job.
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    std::vector<Pidfd> pidfds;
    char what = 0;
    UniqueFd fd;
    while (receive_fd(socket, &what, &fd)) {
        if (what == k_done) _exit(0);
        if (what == k_guard && fd) pidfds.emplace_back(std::move(fd));
    }
    // The tracer is gone without a word: so go the programs it traced.
    for (const Pidfd& pidfd : pidfds) pidfd.send_signal(SIGKILL);
    _exit(0);
}

} // namespace

bool Watchdog::start(std::string* error) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        *error = fmt::format("socketpair: {}", std::strerror(errno));
        return false;
    }
    UniqueFd ours(sv[0]), theirs(sv[1]);
    pid_ = fork();
    if (pid_ < 0) {
        *error = fmt::format("fork: {}", std::strerror(errno));
        return false;
    }
    if (pid_ == 0) {
        // Nothing of the tracer's but the socket: a listener kept open here
        // would make the programs' calls wait instead of fail.
        const int keep = dup2(theirs.get(), 3);
        syscall(SYS_close_range, 4, ~0u, 0);
        watch(keep);
    }
    socket_ = std::move(ours);
    return true;
}

void Watchdog::guard(pid_t pid) {
    if (!socket_) return;
    const Pidfd pidfd = Pidfd::open(pid);
    if (!pidfd) return;  // already gone
    send_fd(socket_.get(), pidfd.get(), k_guard);
}

Watchdog::~Watchdog() {
    if (!socket_) return;
    const char done = k_done;
    send(socket_.get(), &done, 1, MSG_NOSIGNAL);
    socket_.reset();
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
}

} // namespace bpfsc::tracer
