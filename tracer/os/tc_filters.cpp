// tc's BPF filters from netlink (see tc_filters.h).
#include "tracer/os/tc_filters.h"

#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>

#include "tracer/os/interfaces.h"
#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer {

namespace {

constexpr uint32_t kClsact = TC_H_CLSACT;
constexpr uint32_t kIngress = TC_H_MAKE(kClsact, TC_H_MIN_INGRESS);
constexpr uint32_t kEgress = TC_H_MAKE(kClsact, TC_H_MIN_EGRESS);

// The attribute of `type` among the attributes at `at` (`len` bytes), nullptr if none.
const rtattr* find_attr(const rtattr* at, int len, unsigned short type) {
    for (; RTA_OK(at, len); at = RTA_NEXT(at, len))
        if (at->rta_type == type) return at;
    return nullptr;
}

// One filter message: a cls_bpf filter's program id and name.
void read_filter(const nlmsghdr* h, const std::string& interface, bool ingress, std::vector<TcFilter>& out) {
    const auto* tc = static_cast<const tcmsg*>(NLMSG_DATA(h));
    const int len = int(h->nlmsg_len) - int(NLMSG_LENGTH(sizeof *tc));
    if (len <= 0) return;
    const auto* attrs = reinterpret_cast<const rtattr*>(reinterpret_cast<const char*>(tc) + NLMSG_ALIGN(sizeof *tc));
    const rtattr* kind = find_attr(attrs, len, TCA_KIND);
    if (kind == nullptr || std::strncmp(static_cast<const char*>(RTA_DATA(kind)), "bpf", RTA_PAYLOAD(kind)) != 0)
        return;
    const rtattr* options = find_attr(attrs, len, TCA_OPTIONS);
    if (options == nullptr) return;
    const auto* inner = static_cast<const rtattr*>(RTA_DATA(options));
    const int inner_len = int(RTA_PAYLOAD(options));
    const rtattr* id = find_attr(inner, inner_len, TCA_BPF_ID);
    if (id == nullptr || RTA_PAYLOAD(id) < sizeof(uint32_t)) return;
    TcFilter f;
    std::memcpy(&f.prog_id, RTA_DATA(id), sizeof f.prog_id);
    f.interface = interface;
    f.ingress = ingress;
    if (const rtattr* name = find_attr(inner, inner_len, TCA_BPF_NAME))
        f.name.assign(static_cast<const char*>(RTA_DATA(name)), strnlen(static_cast<const char*>(RTA_DATA(name)),
                                                                         RTA_PAYLOAD(name)));
    out.push_back(std::move(f));
}

// Dumps the filters of one hook of one interface. Each dump has its own
// sequence number: a late answer to an earlier one is not taken for this.
void dump(int sock, unsigned ifindex, const std::string& interface, uint32_t parent, uint32_t seq,
          std::vector<TcFilter>& out) {
    struct {
        nlmsghdr h;
        tcmsg tc;
    } req{};
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof req.tc);
    req.h.nlmsg_type = RTM_GETTFILTER;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = seq;
    req.tc.tcm_family = AF_UNSPEC;
    req.tc.tcm_ifindex = int(ifindex);
    req.tc.tcm_parent = parent;
    if (send(sock, &req, req.h.nlmsg_len, 0) < 0) return;
    std::array<char, 32768> buf;
    for (;;) {
        const ssize_t n = recv(sock, buf.data(), buf.size(), 0);
        if (n <= 0) return;
        // The messages of this datagram (NLMSG_OK and NLMSG_NEXT, with unsigned lengths).
        for (std::size_t at = 0; at + sizeof(nlmsghdr) <= std::size_t(n);) {
            const auto* h = reinterpret_cast<const nlmsghdr*>(buf.data() + at);
            if (h->nlmsg_len < sizeof(nlmsghdr) || at + h->nlmsg_len > std::size_t(n)) return;
            if (h->nlmsg_seq != seq) {  // the rest of an earlier dump
                at += NLMSG_ALIGN(h->nlmsg_len);
                continue;
            }
            if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) return;  // the end, or no clsact here
            const auto* tc = static_cast<const tcmsg*>(NLMSG_DATA(h));
            if (h->nlmsg_type == RTM_NEWTFILTER && h->nlmsg_len >= NLMSG_LENGTH(sizeof *tc) &&
                unsigned(tc->tcm_ifindex) == ifindex)
                read_filter(h, interface, parent == kIngress, out);
            at += NLMSG_ALIGN(h->nlmsg_len);
        }
    }
}

} // namespace

std::vector<TcFilter> tc_bpf_filters(std::size_t* interfaces) {
    std::vector<TcFilter> out;
    *interfaces = 0;
    const UniqueFd sock(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!sock) return out;
    timeval timeout{1, 0};  // a netlink answer that never comes must not hang the end of the trace
    setsockopt(sock.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    uint32_t seq = 0;
    for (const auto& [index, name] : network_interfaces()) {
        ++*interfaces;
        dump(sock.get(), index, name, kIngress, ++seq, out);
        dump(sock.get(), index, name, kEgress, ++seq, out);
    }
    return out;
}

} // namespace bpfsc::tracer
