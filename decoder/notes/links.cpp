// Links: a program attached to a hook for as long as the link is held (an
// fd or a pin). BPF_LINK_CREATE, BPF_RAW_TRACEPOINT_OPEN, BPF_LINK_UPDATE,
// BPF_LINK_DETACH, and BPF_ITER_CREATE (a reader of an iterator link).
#include <cerrno>

#include <fmt/format.h>

#include "../uapi/bpf_attr.h"
#include "context.h"

namespace bpfsc::notes::detail {

namespace {

using model::ObjectKind;
using namespace uapi;

constexpr uint64_t kReplace = 1u << 2;  // BPF_F_REPLACE

std::string attach_name(uint64_t type) {
    const std::string_view name = decoder::xlat::bpf_attach_type.name_of(type);
    return name.empty() ? fmt::format("attach type {}", type) : std::string(name);
}

bool create(Ctx& c) {
    if (!c.ok()) return false;
    namespace a = attr::link_create;
    const std::string what = c.name_fd(c.fd(c.member(a::prog_fd) != nullptr ? a::prog_fd : a::map_fd));
    std::string on;
    if (c.member(a::target_ifindex) != nullptr) on = fmt::format(" on interface {}", c.in(a::target_ifindex));
    else if (c.fd(a::target_fd) > 0) on = " on " + c.name_fd(c.fd(a::target_fd));
    const int fd = int(c.call.ret);
    if (c.in(a::attach_type) == uapi::BPF_PERF_EVENT && c.fd(a::target_fd) > 0)  // the event's fd says where
        c.say(fmt::format("attached {} to {} through {}", what, c.name_fd(c.fd(a::target_fd)),
                          c.created(fd, ObjectKind::Link, 0, "")));
    else
        c.say(fmt::format("attached {}{} at {} through {}", what, on, attach_name(c.in(a::attach_type)),
                          c.created(fd, ObjectKind::Link, 0, "")));
    c.say(fmt::format("it stays attached while fd {} (or a pin) holds the link", fd));
    return true;
}

bool raw_tracepoint(Ctx& c) {
    const std::string prog = c.name_fd(c.fd(attr::raw_tracepoint::prog_fd));
    const std::string name = c.text(attr::raw_tracepoint::name);
    const std::string shown = c.quoted(attr::raw_tracepoint::name);
    if (c.ok()) {
        const int fd = int(c.call.ret);
        const std::string where = name == "NULL" ? std::string("the hook its attach_btf_id names")
                                                 : fmt::format("raw tracepoint {}", shown);
        c.say(fmt::format("attached {} to {} through {}: it stays attached while fd {} holds the link", prog, where,
                          c.created(fd, ObjectKind::Link, 0, ""), fd));
        return true;
    }
    if (c.err() == ENOENT && name != "NULL") {
        c.say(fmt::format("this kernel has no raw tracepoint named {}", shown));
        return true;
    }
    return false;
}

bool update(Ctx& c) {
    const std::string link = c.name_fd(c.fd(attr::link_update::link_fd));
    const std::string prog = c.name_fd(c.fd(attr::link_update::new_prog_fd));
    const bool replacing = c.in(attr::link_update::flags) & kReplace;
    if (c.ok()) {
        const std::string old =
            replacing ? c.name_fd(c.fd(attr::link_update::old_prog_fd)) : std::string("its old program");
        c.say(fmt::format("{} now runs {} instead of {}", link, prog, old));
        return true;
    }
    switch (c.err()) {
    case EPERM:
        if (!replacing || !c.env.tracee_privileged) return false;
        c.say(fmt::format("{} is not the program {} runs now (BPF_F_REPLACE)",
                          c.name_fd(c.fd(attr::link_update::old_prog_fd)), link));
        return true;
    case ENOLINK: c.say(fmt::format("{} was detached already: it is defunct", link)); return true;
    case EINVAL:
        if (!einval_hint(c).empty()) return false;
        c.say(fmt::format("{} does not suit the hook of {} (its type or expected attach type differs)", prog, link));
        return true;
    default: return false;
    }
}

bool detach(Ctx& c) {
    const int fd = c.fd(attr::link_detach::link_fd);
    const std::string link = c.name_fd(fd);
    if (c.ok()) {
        c.say(fmt::format("detached {}: its program no longer runs there, but fd {} still refers to the now defunct "
                          "link", link, fd));
        return true;
    }
    switch (c.err()) {
    case ENOLINK: c.say(fmt::format("{} was detached already", link)); return true;
    case EOPNOTSUPP:
        c.say(fmt::format("{} cannot be detached on request: closing its last reference detaches it", link));
        return true;
    default: return false;
    }
}

bool iter(Ctx& c) {
    const std::string link = c.name_fd(c.fd(attr::iter_create::link_fd));
    if (!c.ok()) return false;
    c.say(fmt::format("opened a reader of iterator {}: each read() of fd {} runs the iterator program", link,
                      c.call.ret));
    return true;
}

} // namespace

bool links(Ctx& c) {
    switch (c.call.cmd) {
    case BPF_LINK_CREATE: return create(c);
    case BPF_RAW_TRACEPOINT_OPEN: return raw_tracepoint(c);
    case BPF_LINK_UPDATE: return update(c);
    case BPF_LINK_DETACH: return detach(c);
    default: return iter(c);
    }
}

} // namespace bpfsc::notes::detail
