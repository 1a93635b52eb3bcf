// Owned file descriptors. UniqueFd closes its fd when it goes out of
// scope and is moved, never copied; Pidfd is a UniqueFd that names one
// process (or thread) for good, so a reused pid cannot be mistaken for it:
// it opens, signals and duplicates fds of its process. Nothing in tracer/
// closes an fd it owns by hand.
#pragma once

#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace bpfsc::tracer {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        reset(other.release());
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    explicit operator bool() const { return valid(); }
    // Gives the fd up without closing it.
    int release() { return std::exchange(fd_, -1); }
    // Closes the fd held (errno is kept), then holds `fd`.
    void reset(int fd = -1) {
        if (fd_ >= 0) {
            const int saved = errno;
            ::close(fd_);
            errno = saved;
        }
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

class Pidfd {
public:
    Pidfd() = default;
    // Takes a pidfd received from elsewhere (SCM_RIGHTS).
    explicit Pidfd(UniqueFd fd) : fd_(std::move(fd)) {}
    // pidfd_open(pid, flags); invalid (errno set) when it fails.
    static Pidfd open(pid_t pid, unsigned flags = 0) {
        Pidfd p;
        p.fd_.reset(int(syscall(SYS_pidfd_open, pid, flags)));
        return p;
    }
    int get() const { return fd_.get(); }
    bool valid() const { return fd_.valid(); }
    explicit operator bool() const { return valid(); }
    // A duplicate, in the tracer, of fd `their_fd` of the process
    // (pidfd_getfd); invalid with errno set when it cannot be had.
    UniqueFd duplicate(int their_fd) const {
        return UniqueFd(valid() ? int(syscall(SYS_pidfd_getfd, fd_.get(), their_fd, 0)) : -1);
    }
    // pidfd_send_signal: false with errno set when it was not sent.
    bool send_signal(int sig) const { return valid() && syscall(SYS_pidfd_send_signal, fd_.get(), sig, nullptr, 0) == 0; }

private:
    UniqueFd fd_;
};

} // namespace bpfsc::tracer
