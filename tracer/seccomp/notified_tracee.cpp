// A notified thread as the broker sees it (see notified_tracee.h).
#include "tracer/seccomp/notified_tracee.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace bpfsc::tracer {

namespace {
constexpr unsigned k_pidfd_thread = O_EXCL;  // PIDFD_THREAD (6.9): a pidfd of one thread
} // namespace

void NotifiedTracee::set(pid_t tid, pid_t tgid, uint64_t id, Pidfd* pidfd) {
    tid_ = tid;
    tgid_ = tgid;
    id_ = id;
    pidfd_ = pidfd;
    memory_.set_pid(tid);
}

decoder::ReadResult NotifiedTracee::read(decoder::RemoteAddr addr, std::span<std::byte> out) {
    return memory_.read(addr, out);
}

bool NotifiedTracee::write(decoder::RemoteAddr addr, std::span<const std::byte> data) {
    if (!listener_.valid(id_)) return false;  // gone: the id may name another process now
    return memory_.write(addr, data);
}

int NotifiedTracee::pidfd() {
    if (!*pidfd_) {
        Pidfd fd = Pidfd::open(tid_, k_pidfd_thread);
        if (!fd && errno == EINVAL) {  // before 6.9
            thread_pidfds_ = false;
            fd = Pidfd::open(tgid_);
        }
        if (!fd) return -errno;
        if (!listener_.valid(id_)) return -ESRCH;
        *pidfd_ = std::move(fd);
    }
    return pidfd_->get();
}

int NotifiedTracee::thread_pidfd() {
    const int fd = pidfd();
    if (fd < 0) return -1;
    // Before 6.9 the pidfd names the process: its leader, not this thread.
    return thread_pidfds_ || tid_ == tgid_ ? fd : -1;
}

UniqueFd NotifiedTracee::duplicate_fd(int tracee_fd) {
    if (pidfd() < 0) return UniqueFd();
    return pidfd_->duplicate(tracee_fd);
}

bool NotifiedTracee::same_cwd() {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/cwd", int(tid_));
    struct stat theirs, mine;
    if (stat(path, &theirs) != 0 || stat(".", &mine) != 0 || !listener_.valid(id_)) return false;
    return theirs.st_dev == mine.st_dev && theirs.st_ino == mine.st_ino;
}

} // namespace bpfsc::tracer
