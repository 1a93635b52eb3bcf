// The seccomp listener's ioctls (see seccomp_listener.h).
#include "tracer/seccomp/seccomp_listener.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bpfsc::tracer {

namespace {
// Linux 6.6; Debian 12's headers are from 6.1. The argument is the flags
// value itself, not a pointer to it.
constexpr unsigned long k_notif_set_flags = SECCOMP_IOW(4, __u64);
constexpr unsigned long k_sync_wake_up = 1;  // SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
} // namespace

bool SeccompListener::set_sync_wakeup() { return ioctl(fd_.get(), k_notif_set_flags, k_sync_wake_up) == 0; }

bool SeccompListener::receive(seccomp_notif& out) {
    std::memset(&out, 0, sizeof out);  // the kernel demands a zeroed struct
    return ioctl(fd_.get(), SECCOMP_IOCTL_NOTIF_RECV, &out) == 0;
}

bool SeccompListener::valid(uint64_t id) const {
    uint64_t copy = id;
    return ioctl(fd_.get(), SECCOMP_IOCTL_NOTIF_ID_VALID, &copy) == 0;
}

bool SeccompListener::answer_continue(uint64_t id) {
    seccomp_notif_resp resp{};
    resp.id = id;
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    return ioctl(fd_.get(), SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0;
}

bool SeccompListener::answer(uint64_t id, int64_t result) {
    seccomp_notif_resp resp{};
    resp.id = id;
    if (result < 0) resp.error = int32_t(result);
    else resp.val = result;
    return ioctl(fd_.get(), SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0;
}

int SeccompListener::answer_with_fd(uint64_t id, int own_fd) {
    seccomp_notif_addfd add{};
    add.id = id;
    add.flags = SECCOMP_ADDFD_FLAG_SEND;
    add.srcfd = uint32_t(own_fd);
    add.newfd_flags = O_CLOEXEC;
    const int fd = ioctl(fd_.get(), SECCOMP_IOCTL_NOTIF_ADDFD, &add);
    return fd >= 0 ? fd : -errno;
}

} // namespace bpfsc::tracer
