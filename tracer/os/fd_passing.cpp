// SCM_RIGHTS messages (see fd_passing.h).
#include "tracer/os/fd_passing.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace bpfsc::tracer {

namespace {

struct Message {
    char tag = 0;
    iovec io{&tag, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    Message() {
        msg.msg_iov = &io;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
    }
};

} // namespace

bool send_fd(int socket, int fd, char tag) {
    Message m;
    m.tag = tag;
    cmsghdr* c = CMSG_FIRSTHDR(&m.msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(socket, &m.msg, MSG_NOSIGNAL) == 1;
}

bool receive_fd(int socket, char* tag, UniqueFd* fd) {
    Message m;
    ssize_t n;
    while ((n = recvmsg(socket, &m.msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
    }
    fd->reset();
    const cmsghdr* c = n >= 0 ? CMSG_FIRSTHDR(&m.msg) : nullptr;
    if (c != nullptr && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
        int received = -1;
        std::memcpy(&received, CMSG_DATA(c), sizeof received);
        fd->reset(received);
    }
    if (n != 1) {
        fd->reset();  // a malformed message: its fd (if any) is not kept
        return false;
    }
    *tag = m.tag;
    return true;
}

} // namespace bpfsc::tracer
