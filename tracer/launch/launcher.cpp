// The launcher (see launcher.h).
#include "tracer/launch/launcher.h"

#include "tracer/os/fd_passing.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace bpfsc::tracer {


std::string resolve_command(const std::string& name, std::string* error) {
    auto check = [&](const std::string& path) -> int {
        struct stat st;
        if (stat(path.c_str(), &st) != 0) return errno;
        if (S_ISDIR(st.st_mode)) return EISDIR;
        if (access(path.c_str(), X_OK) != 0) return errno;
        return 0;
    };
    if (name.find('/') != std::string::npos) {
        const int err = check(name);
        if (err == 0) return name;
        *error = fmt::format("cannot run '{}': {}", name, std::strerror(err));
        return {};
    }
    const char* env = std::getenv("PATH");
    std::string_view dirs = env ? env : "/usr/local/bin:/usr/bin:/bin";
    int first_error = ENOENT;
    for (;;) {
        const std::size_t colon = dirs.find(':');
        std::string_view dir = dirs.substr(0, colon);
        if (dir.empty()) dir = ".";
        char candidate[4096];
        std::snprintf(candidate, sizeof candidate, "%.*s/%s", int(dir.size()), dir.data(), name.c_str());
        const int err = check(candidate);
        if (err == 0) return candidate;
        if (err != ENOENT && err != ENOTDIR && first_error == ENOENT) first_error = err;
        if (colon == std::string_view::npos) break;
        dirs.remove_prefix(colon + 1);
    }
    *error = first_error == ENOENT ? fmt::format("cannot run '{}': command not found", name)
                                   : fmt::format("cannot run '{}': {}", name, std::strerror(first_error));
    return {};
}

pid_t Launcher::start(const std::string& path, const std::vector<std::string>& argv, FilterAction action,
                      const InheritedSignals& signals, std::string* error) {
    // Each pair as [0] and [1]: the child keeps go[0], err[1], sock[1].
    int fds[2];
    UniqueFd go[2], err[2], sock[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        *error = fmt::format("pipe: {}", std::strerror(errno));
        return -1;
    }
    go[0].reset(fds[0]);
    go[1].reset(fds[1]);
    if (pipe2(fds, O_CLOEXEC) != 0) {
        *error = fmt::format("pipe: {}", std::strerror(errno));
        return -1;
    }
    err[0].reset(fds[0]);
    err[1].reset(fds[1]);
    if (action == FilterAction::UserNotify) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
            *error = fmt::format("socketpair: {}", std::strerror(errno));
            return -1;
        }
        sock[0].reset(fds[0]);
        sock[1].reset(fds[1]);
    }
    const pid_t tracer = getpid();
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    const pid_t pid = fork();
    if (pid < 0) {
        *error = fmt::format("fork: {}", std::strerror(errno));
        return -1;
    }
    if (pid == 0) {
        go[1].reset();
        err[0].reset();
        sock[0].reset();
        // Without a tracer the listener's calls would fail with ENOSYS:
        // the program dies with the tracer instead.
        if (action == FilterAction::UserNotify) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != tracer) _exit(127);
        }
        // The tracer's signal handling is not the program's: it gets what
        // the tracer inherited.
        signals.restore();
        char byte;
        while (read(go[0].get(), &byte, 1) < 0 && errno == EINTR) {
        }
        std::string why;
        int code = 0;
        if (action == FilterAction::UserNotify) {
            // The listener is close-on-exec: execve drops the child's copy
            // (a close() here would itself wait for the tracer).
            const int listener = install_notify_filter(&why);
            code = listener < 0 ? listener : send_fd(sock[1].get(), listener, 'L') ? 0 : -EPIPE;
        } else {
            code = install_syscall_filter(action, &why);
        }
        if (code == 0) {
            execv(path.c_str(), args.data());
            code = -errno;
        }
        const int e = -code;
        [[maybe_unused]] ssize_t w = write(err[1].get(), &e, sizeof e);
        _exit(127);
    }
    go_fd_ = std::move(go[1]);
    error_fd_ = std::move(err[0]);
    listener_socket_ = std::move(sock[0]);
    return pid;
}

UniqueFd Launcher::receive_listener() {
    UniqueFd fd;
    if (!listener_socket_) return fd;
    char tag = 0;
    if (!receive_fd(listener_socket_.get(), &tag, &fd)) fd.reset();
    listener_socket_.reset();
    return fd;
}

void Launcher::release() { go_fd_.reset(); }

std::string Launcher::exec_failure() {
    if (!error_fd_) return {};
    int e = 0;
    const ssize_t n = read(error_fd_.get(), &e, sizeof e);
    error_fd_.reset();
    if (n != sizeof e) return {};
    return std::strerror(e);
}

} // namespace bpfsc::tracer
