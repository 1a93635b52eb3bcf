// The process events connector (see process_events.h).
#include "tracer/os/process_events.h"

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace bpfsc::tracer {

namespace {

// PROC_CN_MCAST_LISTEN with an event filter (6.6; Debian 12's headers are
// from 6.1): only forks, execs and exits are sent.
struct ProcInput {
    uint32_t mcast_op;
    uint32_t event_type;
};

bool subscribe(int fd) {
    // nlmsghdr, cn_msg (whose data is the ProcInput), laid out by hand:
    // cn_msg ends in a flexible array.
    constexpr std::size_t size = NLMSG_LENGTH(sizeof(cn_msg) + sizeof(ProcInput));
    alignas(nlmsghdr) unsigned char msg[size] = {};
    auto* nl = reinterpret_cast<nlmsghdr*>(msg);
    nl->nlmsg_len = size;
    nl->nlmsg_type = NLMSG_DONE;
    auto* cn = static_cast<cn_msg*>(NLMSG_DATA(nl));
    cn->id.idx = CN_IDX_PROC;
    cn->id.val = CN_VAL_PROC;
    cn->len = sizeof(ProcInput);
    const ProcInput input{PROC_CN_MCAST_LISTEN,
                          proc_event::PROC_EVENT_FORK | proc_event::PROC_EVENT_EXEC | proc_event::PROC_EVENT_EXIT};
    std::memcpy(cn->data, &input, sizeof input);
    return send(fd, msg, size, 0) == ssize_t(size);
}

} // namespace

bool ProcessEvents::open(std::string* why) {
    UniqueFd fd(socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR));
    if (!fd) {
        *why = fmt::format("netlink connector: {}", std::strerror(errno));
        return false;
    }
    // Every process of the system is reported: a deep queue, so a busy
    // machine does not make it overflow between two looks.
    const int size = 16 << 20;
    if (setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
        setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    sockaddr_nl addr{};
    addr.nl_family = AF_NETLINK;
    addr.nl_groups = CN_IDX_PROC;
    addr.nl_pid = 0;  // the kernel picks a port id
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || !subscribe(fd.get())) {
        *why = fmt::format("process events connector: {}", std::strerror(errno));
        return false;
    }
    fd_ = std::move(fd);
    return true;
}

void ProcessEvents::drain(std::vector<ProcConnectorEvent>& out) {
    alignas(nlmsghdr) char buf[8192];
    for (;;) {
        const ssize_t n = recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == ENOBUFS) {  // the queue overflowed: some events are gone
                overflowed_ = true;
                continue;
            }
            return;  // EAGAIN: nothing more
        }
        // Each message whole within what was received (NLMSG_OK/NEXT
        // compare an int with the unsigned length).
        const auto received = std::size_t(n);
        for (std::size_t at = 0; received - at >= NLMSG_HDRLEN;) {
            const auto* nl = reinterpret_cast<const nlmsghdr*>(buf + at);
            if (nl->nlmsg_len < NLMSG_LENGTH(sizeof(cn_msg)) || nl->nlmsg_len > received - at) break;
            at += std::min<std::size_t>(NLMSG_ALIGN(nl->nlmsg_len), received - at);
            const auto* cn = static_cast<const cn_msg*>(NLMSG_DATA(nl));
            const std::size_t payload = nl->nlmsg_len - NLMSG_LENGTH(sizeof(cn_msg));
            if (cn->id.idx != CN_IDX_PROC || cn->len < offsetof(proc_event, event_data) + 16) continue;
            proc_event ev;
            std::memset(&ev, 0, sizeof ev);
            std::memcpy(&ev, cn->data, std::min<std::size_t>({cn->len, payload, sizeof ev}));
            ProcConnectorEvent r;
            r.time = ev.timestamp_ns;
            switch (ev.what) {
            case proc_event::PROC_EVENT_FORK:
                r.kind = ProcConnectorEvent::Kind::Fork;
                r.tid = ev.event_data.fork.child_pid;
                r.tgid = ev.event_data.fork.child_tgid;
                r.parent_tid = ev.event_data.fork.parent_pid;
                r.parent_tgid = ev.event_data.fork.parent_tgid;
                break;
            case proc_event::PROC_EVENT_EXEC:
                r.kind = ProcConnectorEvent::Kind::Exec;
                r.tid = ev.event_data.exec.process_pid;
                r.tgid = ev.event_data.exec.process_tgid;
                break;
            case proc_event::PROC_EVENT_EXIT:
                r.kind = ProcConnectorEvent::Kind::Exit;
                r.tid = ev.event_data.exit.process_pid;
                r.tgid = ev.event_data.exit.process_tgid;
                r.status = int(ev.event_data.exit.exit_code);
                break;
            default: continue;
            }
            out.push_back(r);
        }
    }
}

} // namespace bpfsc::tracer
