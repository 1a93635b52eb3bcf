// The kernel inspector (see kernel_inspector.h).
#include "tracer/kernel/kernel_inspector.h"

#include "tracer/kernel/object_info.h"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace bpfsc::tracer {

using model::ObjectFacts;
using model::ObjectKind;

namespace {

long sys_bpf(int cmd, void* attr, unsigned size) { return syscall(SYS_bpf, cmd, attr, size); }

} // namespace

ObjectKind bpf_kind_of_fd_target(std::string_view target) {
    if (target == "anon_inode:bpf-map") return ObjectKind::Map;
    if (target == "anon_inode:bpf-prog") return ObjectKind::Prog;
    // A link made by the kernel is "bpf_link"; one reopened from bpffs by
    // BPF_OBJ_GET (bpf_link_new_fd) is "bpf-link".
    if (target == "anon_inode:bpf_link" || target == "anon_inode:bpf-link") return ObjectKind::Link;
    if (target == "anon_inode:btf") return ObjectKind::Btf;
    if (target == "anon_inode:bpf-token") return ObjectKind::Token;
    return ObjectKind::Other;
}

namespace {

// A readable name for a non-BPF file: "perf_event", "socket", "netns",
// "cgroup:/sys/fs/cgroup/x", or the path.
std::string other_name(std::string_view target) {
    if (target.starts_with("anon_inode:[") && target.ends_with("]"))
        return std::string(target.substr(12, target.size() - 13));
    if (target.starts_with("anon_inode:")) return std::string(target.substr(11));
    if (target.starts_with("socket:")) return "socket";
    if (target.starts_with("net:")) return "netns";
    if (target.starts_with("/sys/fs/cgroup")) return "cgroup:" + std::string(target);
    return std::string(target);
}

} // namespace

std::optional<ObjectFacts> facts_of_own_fd(int fd, ObjectKind kind) {
    ObjectFacts f;
    f.kind = kind;
    switch (kind) {
    case ObjectKind::Map: {
        bpf_map_info info{};
        if (!object_info(fd, info)) return std::nullopt;
        f.id = info.id;
        f.type = info.type;
        f.name.assign(info.name, strnlen(info.name, sizeof info.name));
        f.key_size = info.key_size;
        f.value_size = info.value_size;
        f.max_entries = info.max_entries;
        f.map_flags = info.map_flags;
        f.btf_id = info.btf_id;
        f.btf_key_type_id = info.btf_key_type_id;
        f.btf_value_type_id = info.btf_value_type_id;
        return f;
    }
    case ObjectKind::Prog: {
        bpf_prog_info info{};
        if (!object_info(fd, info)) return std::nullopt;
        f.id = info.id;
        f.type = info.type;
        f.name.assign(info.name, strnlen(info.name, sizeof info.name));
        f.btf_id = info.btf_id;
        return f;
    }
    case ObjectKind::Link: {
        bpf_link_info info{};
        if (!object_info(fd, info)) return std::nullopt;
        f.id = info.id;
        f.type = info.type;
        f.prog_id = info.prog_id;
        return f;
    }
    case ObjectKind::Btf: {
        bpf_btf_info info{};
        if (!object_info(fd, info)) return std::nullopt;
        f.id = info.id;
        return f;
    }
    case ObjectKind::Token:
    case ObjectKind::Other: return f;
    }
    return std::nullopt;
}

const Pidfd& KernelInspector::pidfd(pid_t pid) {
    const auto it = pidfds_.find(pid);
    if (it != pidfds_.end()) return it->second;
    Pidfd opened = Pidfd::open(pid);
    if (!opened) return no_pidfd_;
    return pidfds_.emplace(pid, std::move(opened)).first->second;
}

void KernelInspector::forget(pid_t pid) { pidfds_.erase(pid); }

std::optional<ObjectFacts> KernelInspector::inspect(pid_t pid, int fd) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/fd/%d", int(pid), fd);
    char target[512];
    const ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0) return std::nullopt;  // not open
    const std::string_view link(target, std::size_t(n));
    const ObjectKind kind = bpf_kind_of_fd_target(link);
    if (kind == ObjectKind::Other) {
        ObjectFacts f;
        f.what = other_name(link);
        return f;
    }
    ObjectFacts fallback;
    fallback.kind = kind;
    const UniqueFd own = pidfd(pid).duplicate(fd);
    if (!own) return fallback;
    std::optional<ObjectFacts> f = facts_of_own_fd(own.get(), kind);
    return f ? f : fallback;
}

bool KernelInspector::still_exists(ObjectKind kind, uint32_t id) {
    int cmd;
    switch (kind) {
    case ObjectKind::Map: cmd = BPF_MAP_GET_FD_BY_ID; break;
    case ObjectKind::Prog: cmd = BPF_PROG_GET_FD_BY_ID; break;
    case ObjectKind::Btf: cmd = BPF_BTF_GET_FD_BY_ID; break;
    case ObjectKind::Link: cmd = BPF_LINK_GET_FD_BY_ID; break;
    default: return false;
    }
    // The kernel frees an object after its last reference goes, but later
    // (RCU, a workqueue): right after the program exits, its objects may
    // linger a moment. Ask again for a while (200 ms for the whole trace).
    for (;;) {
        union bpf_attr a;
        std::memset(&a, 0, sizeof a);
        a.map_id = id;  // the same member for every *_GET_FD_BY_ID
        const UniqueFd fd(int(sys_bpf(cmd, &a, sizeof a)));
        if (!fd) return errno != ENOENT;  // EPERM and the like: assume it is there
        if (settle_budget_us_ <= 0) return true;
        usleep(5000);
        settle_budget_us_ -= 5000;
    }
}

} // namespace bpfsc::tracer
