// Objects as files of a BPF filesystem: BPF_OBJ_PIN (the object outlives
// the process), BPF_OBJ_GET (opens what is pinned) and BPF_TOKEN_CREATE (a
// token from a bpffs mounted with delegate_* options).
#include <cerrno>

#include <fmt/format.h>

#include "../uapi/bpf_attr.h"
#include "context.h"

namespace bpfsc::notes::detail {

namespace {

using model::ObjectKind;
using namespace uapi;

constexpr uint64_t kRdonly = 1u << 3, kWronly = 1u << 4, kPathFd = 1u << 14;

// The path, and the directory it is relative to with BPF_F_PATH_FD.
std::string path_of(const Ctx& c) {
    std::string path = c.text(attr::obj::pathname);
    if (c.in(attr::obj::file_flags) & kPathFd) path += fmt::format(" (relative to fd {})", c.fd(attr::obj::path_fd));
    return path;
}

// Unprivileged callers of older kernels get EPERM for any command: the capability message says more.
bool capability_matters(const Ctx& c) { return !c.env.tracee_privileged && c.env.unprivileged_bpf_disabled != 0; }

bool pin(Ctx& c) {
    const int fd = c.fd(attr::obj::bpf_fd);
    const std::string path = path_of(c);
    if (c.ok()) {
        c.say(fmt::format("pinned {} at {}: the object now outlives this process until the file is removed",
                          c.name_fd(fd), path));
        return true;
    }
    switch (c.err()) {
    case EEXIST: c.say(fmt::format("{} already exists: remove it first, or pin at another path", path)); return true;
    case ENOENT: c.say(fmt::format("a directory on the way to {} does not exist", path)); return true;
    case EACCES: c.say(fmt::format("the process may not create {} (the directory's permissions)", path)); return true;
    case EPERM:
        if (capability_matters(c)) return false;
        c.say(fmt::format("{} is not in a BPF filesystem (bpffs, usually /sys/fs/bpf): objects are pinned only there",
                          path));
        return true;
    case EINVAL: {
        const auto o = c.object(fd);
        if (o == nullptr || o->facts.kind != ObjectKind::Other) return false;
        c.say(fmt::format("{} is no BPF object: only maps, programs, links and BTF objects can be pinned",
                          c.name_fd(fd)));
        return true;
    }
    default: return false;
    }
}

bool get(Ctx& c) {
    const std::string path = path_of(c);
    if (c.ok()) {
        const int fd = int(c.call.ret);
        const uint64_t flags = c.in(attr::obj::file_flags);
        const std::string_view how = flags & kRdonly ? " read-only (BPF_F_RDONLY)"
                                     : flags & kWronly ? " write-only (BPF_F_WRONLY)"
                                                       : "";
        c.say(fmt::format("opened the object pinned at {}{}: {}", path, how, c.now_refers(fd)));
        return true;
    }
    switch (c.err()) {
    case ENOENT: c.say(fmt::format("nothing is pinned at {}", path)); return true;
    case EACCES:
        c.say(fmt::format("{} is not a pinned BPF object, or the process may not open it", path));
        return true;
    default: return false;
    }
}

bool token(Ctx& c) {
    const std::string fs = c.name_fd(c.fd(attr::token_create::bpffs_fd));
    if (c.ok()) {
        c.say(fmt::format("created a BPF token from the bpffs at {}: fd {} holds it, allowing what the mount's "
                          "delegate_* options allow", fs, c.call.ret));
        return true;
    }
    switch (c.err()) {
    case EINVAL: c.say(fmt::format("{} is not the root directory of a bpffs mount", fs)); return true;
    case ENOENT: c.say(fmt::format("the bpffs at {} delegates nothing (see its delegate_* options)", fs)); return true;
    case EOPNOTSUPP:
        c.say("tokens come only from a bpffs mounted in a user namespace other than the initial one");
        return true;
    default: return false;
    }
}

} // namespace

bool pins(Ctx& c) {
    switch (c.call.cmd) {
    case BPF_OBJ_PIN: return pin(c);
    case BPF_OBJ_GET: return get(c);
    default: return token(c);
    }
}

} // namespace bpfsc::notes::detail
