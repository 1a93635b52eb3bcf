// Walking and opening objects by id, and reading an object's own
// description: BPF_{MAP,PROG,BTF,LINK}_GET_NEXT_ID (a walk that ends with
// ENOENT, which is no failure), *_GET_FD_BY_ID and BPF_OBJ_GET_INFO_BY_FD.
#include <cerrno>

#include <fmt/format.h>

#include "../uapi/bpf_attr.h"
#include "context.h"

namespace bpfsc::notes::detail {

namespace {

using model::ObjectKind;
using namespace uapi;

constexpr uint64_t kRdonly = 1u << 3, kWronly = 1u << 4;

ObjectKind kind_of(uint32_t cmd) {
    switch (cmd) {
    case BPF_MAP_GET_NEXT_ID: case BPF_MAP_GET_FD_BY_ID: return ObjectKind::Map;
    case BPF_PROG_GET_NEXT_ID: case BPF_PROG_GET_FD_BY_ID: return ObjectKind::Prog;
    case BPF_BTF_GET_NEXT_ID: case BPF_BTF_GET_FD_BY_ID: return ObjectKind::Btf;
    default: return ObjectKind::Link;
    }
}

std::string_view plural(ObjectKind k) {
    switch (k) {
    case ObjectKind::Map: return "maps";
    case ObjectKind::Prog: return "programs";
    case ObjectKind::Btf: return "BTF objects";
    default: return "links";
    }
}

const decoder::AttrMember& id_member(ObjectKind k) {
    switch (k) {
    case ObjectKind::Map: return attr::get_id::map_id;
    case ObjectKind::Prog: return attr::get_id::prog_id;
    case ObjectKind::Btf: return attr::get_id::btf_id;
    default: return attr::get_id::link_id;
    }
}

bool next_id(Ctx& c, ObjectKind k) {
    const std::string_view w = kind_word(k);
    const uint64_t start = c.in(attr::get_id::start_id);
    if (c.ok()) {
        const uint64_t next = c.after(attr::get_id::next_id);
        const std::string walk = fmt::format("(walking the ids of every {} in the system)", w);
        if (start == 0) c.say(fmt::format("the first {} id is {} {}", w, next, walk));
        else c.say(fmt::format("the next {} id after {} is {} {}", w, start, next, walk));
        return true;
    }
    if (c.err() == ENOENT) {
        c.say(fmt::format("no {} id after {}: the walk over the system's {} is complete (ENOENT is the end, not a "
                          "failure)", w, start, plural(k)));
        return true;
    }
    if (c.err() == EINVAL && c.in(attr::get_id::open_flags) != 0) {
        c.say(fmt::format("open_flags must be 0: {} takes only start_id", c.command()));
        return true;
    }
    return false;
}

bool fd_by_id(Ctx& c, ObjectKind k) {
    const std::string_view w = kind_word(k);
    const uint64_t id = c.in(id_member(k));
    if (c.ok()) {
        const int fd = int(c.call.ret);
        const uint64_t flags = c.in(attr::get_id::open_flags);
        const std::string_view how = flags & kRdonly ? " read-only (BPF_F_RDONLY)"
                                     : flags & kWronly ? " write-only (BPF_F_WRONLY)"
                                                       : "";
        c.say(fmt::format("opened {} {} by id{}: fd {} now refers to {}", w, id, how, fd,
                          c.created(fd, k, 0, "", uint32_t(id))));
        return true;
    }
    if (c.err() == ENOENT) {
        c.say(fmt::format("no {} with id {} (it may have been freed)", w, id));
        return true;
    }
    return false;
}

std::string_view info_struct(ObjectKind k) {
    switch (k) {
    case ObjectKind::Map: return "struct bpf_map_info";
    case ObjectKind::Prog: return "struct bpf_prog_info";
    case ObjectKind::Btf: return "struct bpf_btf_info";
    case ObjectKind::Link: return "struct bpf_link_info";
    default: return "info struct";
    }
}

std::string_view info_content(ObjectKind k) {
    switch (k) {
    case ObjectKind::Map: return " (its own info: type, sizes, name), not the elements stored in it";
    case ObjectKind::Prog: return " (its own info: type, tag, name, ids of its maps), not its instructions";
    case ObjectKind::Btf: return " (its own info: id, size, name), not the types in it";
    case ObjectKind::Link: return " (its own info: type, program id, where it is attached)";
    default: return "";
    }
}

bool get_info(Ctx& c) {
    const int fd = c.fd(attr::info::bpf_fd);
    const auto o = c.object(fd);
    const ObjectKind k = o != nullptr ? o->facts.kind : ObjectKind::Other;
    const uint64_t len = c.in(attr::info::info_len);
    if (c.ok()) {
        // bpftool prog dump xlated: the instructions as the kernel runs them.
        if (c.call.program.xlated)
            c.say(fmt::format("read the instructions of {} as the kernel runs them (xlated: after the verifier's "
                              "rewrites, maps by id, helpers as kernel functions), {} of them",
                              c.name_fd(fd), c.call.program.insns_wanted / 8));
        else
            c.say(fmt::format("read the description of {}{}", c.name_fd(fd), info_content(k)));
        const uint64_t now = c.after(attr::info::info_len);
        if (now != len)
            c.say(fmt::format("info_len {} => {}: this kernel's {} has {} bytes, fewer than the {} offered; the "
                              "rest was left as it was", len, now, info_struct(k), now, len));
        return true;
    }
    switch (c.err()) {
    case E2BIG:
        c.say(fmt::format("info_len={} is more than this kernel's {} and the bytes past its end are not zero", len,
                          info_struct(k)));
        return true;
    case EINVAL:
        if (o == nullptr || k != ObjectKind::Other) return false;
        c.say(fmt::format("{} is no map, program, BTF object or link: it has no BPF description", c.name_fd(fd)));
        return true;
    case EFAULT:
        c.say(fmt::format("the kernel could not write {} bytes at info={:#x}, or info_len into the attr (a "
                          "read-only attr)", len, c.in(attr::info::info)));
        return true;
    default: return false;
    }
}

} // namespace

bool ids(Ctx& c) {
    switch (c.call.cmd) {
    case BPF_MAP_GET_NEXT_ID: case BPF_PROG_GET_NEXT_ID: case BPF_BTF_GET_NEXT_ID: case BPF_LINK_GET_NEXT_ID:
        return next_id(c, kind_of(c.call.cmd));
    case BPF_OBJ_GET_INFO_BY_FD: return get_info(c);
    default: return fd_by_id(c, kind_of(c.call.cmd));
    }
}

} // namespace bpfsc::notes::detail
