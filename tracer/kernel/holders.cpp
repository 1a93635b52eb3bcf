// What holds BPF objects on the machine (see holders.h).
#include "tracer/kernel/holders.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <linux/bpf.h>
#include <net/if.h>  // if_indextoname
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <filesystem>
#include <fstream>
#include <string_view>

#include <fmt/format.h>

#include "decoder/commands/attach_types.h"
#include "decoder/xlat.h"
#include "tracer/kernel/kernel_inspector.h"
#include "tracer/kernel/object_info.h"
#include "tracer/os/interfaces.h"
#include "tracer/os/tc_filters.h"
#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer {

namespace {

namespace fs = std::filesystem;
using model::KernelHolders;
using model::ObjectKind;

constexpr std::size_t kMaxPins = 20000;  // files walked per bpffs mount, at most
constexpr int kMaxPinDepth = 16;
constexpr std::size_t kMaxCgroups = 5000;  // cgroups asked, at most
constexpr uint32_t kAttachTypes = 64;      // attach types asked of each cgroup (6.18 has 58)

long sys_bpf(int cmd, union bpf_attr& a) { return syscall(SYS_bpf, cmd, &a, sizeof a); }

// A cgroup link: which program it holds on which cgroup hook.
struct CgroupLink {
    uint64_t cgroup_id;
    uint32_t attach_type;
    uint32_t prog_id;
};

std::string read_line(const std::string& path) {
    std::ifstream f(path);
    std::string line;
    std::getline(f, line);
    return line;
}

// The id an fdinfo file gives for `key` ("map_id", "prog_id", "link_id", "btf_id"), 0 if none.
uint32_t fdinfo_id(const std::string& path, std::string_view key) {
    std::ifstream f(path);
    std::string line;
    while (std::getline(f, line)) {
        if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ':') continue;
        return uint32_t(std::strtoul(line.c_str() + key.size() + 1, nullptr, 10));
    }
    return 0;
}

std::string_view id_key(ObjectKind kind) {
    switch (kind) {
    case ObjectKind::Map: return "map_id";
    case ObjectKind::Prog: return "prog_id";
    case ObjectKind::Link: return "link_id";
    case ObjectKind::Btf: return "btf_id";
    default: return {};
    }
}

std::string_view fd_type_name(uint32_t type) {
    switch (type) {
    case BPF_FD_TYPE_RAW_TRACEPOINT: return "raw_tracepoint";
    case BPF_FD_TYPE_TRACEPOINT: return "tracepoint";
    case BPF_FD_TYPE_KPROBE: return "kprobe";
    case BPF_FD_TYPE_KRETPROBE: return "kretprobe";
    case BPF_FD_TYPE_UPROBE: return "uprobe";
    case BPF_FD_TYPE_URETPROBE: return "uretprobe";
    default: return "perf event";
    }
}

// The program a perf event fd of another process runs, and what the event is.
void perf_event_program(KernelHolders& h, pid_t pid, const std::string& comm, int fd) {
    std::vector<char> name(256);
    union bpf_attr a;
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::memset(&a, 0, sizeof a);
        a.task_fd_query.pid = uint32_t(pid);
        a.task_fd_query.fd = uint32_t(fd);
        a.task_fd_query.buf = reinterpret_cast<uintptr_t>(name.data());
        a.task_fd_query.buf_len = uint32_t(name.size());
        if (sys_bpf(BPF_TASK_FD_QUERY, a) == 0) break;
        if (errno != ENOSPC || attempt == 1) return;  // no program on it, or not ours to ask
        name.assign(std::size_t(a.task_fd_query.buf_len) + 1, '\0');  // a long uprobe path: its length
    }
    name.back() = '\0';
    h.attached[a.task_fd_query.prog_id].push_back(
        KernelHolders::Attachment{fmt::format("runs on the {} {} (fd {} of pid {}, {})",
                                              fd_type_name(a.task_fd_query.fd_type), name.data(), fd, pid, comm),
                                  pid, fd});
}

// The entries of a directory, without exceptions: a process that ends
// while its /proc directory is read stops the walk of that directory, not
// the tracer.
template <typename Each>
void each_entry(const fs::path& dir, Each each) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) each(*it);
}

std::size_t scan_processes(KernelHolders& h, pid_t self) {
    std::size_t processes = 0;
    each_entry("/proc", [&](const fs::directory_entry& proc) {
        const std::string name = proc.path().filename();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) return;
        const pid_t pid = pid_t(std::stol(name));
        if (pid == self) return;
        ++processes;
        std::string comm;
        each_entry(proc.path() / "fd", [&](const fs::directory_entry& fd_entry) {
            std::error_code link_ec;
            const std::string target = fs::read_symlink(fd_entry.path(), link_ec);
            if (link_ec || !target.starts_with("anon_inode:")) return;
            const int fd = std::atoi(fd_entry.path().filename().c_str());
            if (comm.empty()) comm = read_line(proc.path() / "comm");
            if (target == "anon_inode:[perf_event]") return perf_event_program(h, pid, comm, fd);
            const ObjectKind kind = bpf_kind_of_fd_target(target);
            const std::string_view key = id_key(kind);
            if (key.empty()) return;
            const uint32_t id = fdinfo_id(proc.path() / "fdinfo" / fd_entry.path().filename(), key);
            if (id != 0) h.fds[{kind, id}].push_back(KernelHolders::ProcessFd{pid, comm, fd});
        });
    });
    return processes;
}

// Every mounted bpffs, from /proc/self/mounts.
std::vector<std::string> bpffs_mounts() {
    std::vector<std::string> mounts;
    std::ifstream f("/proc/self/mounts");
    std::string device, where, type, rest;
    while (f >> device >> where >> type && std::getline(f, rest))
        if (type == "bpf") mounts.push_back(where);
    return mounts;
}

void record_pin(KernelHolders& h, const std::string& path) {
    union bpf_attr a;
    std::memset(&a, 0, sizeof a);
    a.pathname = reinterpret_cast<uintptr_t>(path.c_str());
    a.file_flags = BPF_F_RDONLY;  // enough to ask a map or program its id
    UniqueFd fd(int(sys_bpf(BPF_OBJ_GET, a)));
    if (!fd && errno == EINVAL) {  // a link opens read-write only
        a.file_flags = 0;
        fd = UniqueFd(int(sys_bpf(BPF_OBJ_GET, a)));
    }
    if (!fd) return;
    std::error_code ec;
    const ObjectKind kind =
        bpf_kind_of_fd_target(fs::read_symlink(fmt::format("/proc/self/fd/{}", fd.get()), ec).string());
    if (kind == ObjectKind::Other || kind == ObjectKind::Token) return;
    if (const auto facts = facts_of_own_fd(fd.get(), kind); facts && facts->id != 0)
        h.pins[{kind, facts->id}].push_back(path);
}

std::size_t scan_pins(KernelHolders& h, const std::vector<std::string>& mounts) {
    std::size_t pins = 0;
    for (const std::string& mount : mounts) {
        std::error_code ec;
        std::size_t walked = 0;
        fs::recursive_directory_iterator it(mount, fs::directory_options::skip_permission_denied, ec), end;
        for (; !ec && it != end && walked < kMaxPins; it.increment(ec), ++walked) {
            if (it.depth() > kMaxPinDepth) {
                it.disable_recursion_pending();
                continue;
            }
            std::error_code type_ec;
            if (!it->is_regular_file(type_ec)) continue;
            record_pin(h, it->path().string());
            ++pins;
        }
    }
    return pins;
}

// Walks the ids of one kind of object, calling `each` with an fd on each.
template <typename Each>
std::size_t walk_ids(int next_cmd, int fd_cmd, Each each) {
    std::size_t n = 0;
    uint32_t id = 0;
    for (;;) {
        union bpf_attr a;
        std::memset(&a, 0, sizeof a);
        a.start_id = id;
        if (sys_bpf(next_cmd, a) != 0) break;
        id = a.next_id;
        std::memset(&a, 0, sizeof a);
        a.map_id = id;  // the same member for every *_GET_FD_BY_ID
        const UniqueFd fd(int(sys_bpf(fd_cmd, a)));
        if (!fd) continue;  // freed meanwhile
        ++n;
        each(fd.get(), id);
    }
    return n;
}

// Every cgroup of the cgroup2 hierarchy: its id (the directory's inode
// number, as the kernel numbers cgroups) and path.
std::map<uint64_t, std::string> cgroups() {
    std::map<uint64_t, std::string> found;
    std::ifstream f("/proc/self/mounts");
    std::string device, where, type, rest;
    std::string root;
    while (f >> device >> where >> type && std::getline(f, rest))
        if (type == "cgroup2") root = where;
    if (root.empty()) return found;
    std::error_code ec;
    std::size_t walked = 0;
    const auto add = [&](const fs::path& dir) {
        struct stat st{};
        if (stat(dir.c_str(), &st) == 0) found[st.st_ino] = dir.string();
    };
    add(root);
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end && walked < kMaxCgroups; it.increment(ec)) {
        std::error_code type_ec;
        if (!it->is_directory(type_ec)) continue;  // a control file
        add(it->path());
        ++walked;
    }
    return found;
}

std::string cgroup_name(const std::map<uint64_t, std::string>& cgroups, uint64_t id) {
    const auto it = cgroups.find(id);
    return it != cgroups.end() ? it->second : fmt::format("cgroup {}", id);
}

std::string link_target(const bpf_link_info& info, const std::map<uint64_t, std::string>& groups) {
    switch (info.type) {
    case BPF_LINK_TYPE_CGROUP:
        return fmt::format("{} at {}", cgroup_name(groups, info.cgroup.cgroup_id),
                           decoder::xlat::bpf_attach_type.name_of(info.cgroup.attach_type));
    case BPF_LINK_TYPE_XDP: {
        char name[IF_NAMESIZE] = {};
        if (if_indextoname(info.xdp.ifindex, name) != nullptr) return fmt::format("XDP on {}", name);
        return fmt::format("XDP on ifindex {}", info.xdp.ifindex);
    }
    case BPF_LINK_TYPE_NETNS: return fmt::format("netns {}", info.netns.netns_ino);
    default: return {};
    }
}

// The programs attached to each cgroup without a link (BPF_PROG_ATTACH),
// as BPF_PROG_QUERY tells them for every cgroup attach type; a program a
// cgroup link holds there is said by the link. Returns how many cgroups
// were asked.
std::size_t scan_cgroups(KernelHolders& h, const std::map<uint64_t, std::string>& groups,
                         const std::vector<CgroupLink>& linked) {
    for (const auto& [cgroup_id, path] : groups) {
        const UniqueFd dir(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dir) continue;
        for (uint32_t type = 0; type < kAttachTypes; ++type) {
            if (!decoder::commands::attach_type_is_cgroup(type)) continue;
            std::vector<uint32_t> progs(64);
            union bpf_attr a;
            for (int attempt = 0; attempt < 2; ++attempt) {
                std::memset(&a, 0, sizeof a);
                a.query.target_fd = uint32_t(dir.get());
                a.query.attach_type = type;
                a.query.prog_ids = reinterpret_cast<uintptr_t>(progs.data());
                a.query.prog_cnt = uint32_t(progs.size());
                if (sys_bpf(BPF_PROG_QUERY, a) == 0 || errno != ENOSPC) break;
                progs.resize(a.query.prog_cnt);  // more than the room given: as many as the kernel said
            }
            if (a.query.prog_cnt > progs.size()) continue;  // failed, or still too many
            const uint64_t id = cgroup_id;  // clang 14 lambdas cannot capture bindings
            for (uint32_t i = 0; i < a.query.prog_cnt; ++i) {
                const uint32_t prog = progs[i];
                const bool by_link = std::any_of(linked.begin(), linked.end(), [&](const CgroupLink& l) {
                    return l.cgroup_id == id && l.attach_type == type && l.prog_id == prog;
                });
                if (!by_link)
                    h.attached[prog].push_back(KernelHolders::Attachment{
                        fmt::format("attached to {} at {}", path, decoder::xlat::bpf_attach_type.name_of(type))});
            }
        }
    }
    return groups.size();
}

std::size_t scan_links(KernelHolders& h, const std::map<uint64_t, std::string>& groups,
                       std::vector<CgroupLink>& cgroup_links) {
    return walk_ids(BPF_LINK_GET_NEXT_ID, BPF_LINK_GET_FD_BY_ID, [&](int fd, uint32_t id) {
        bpf_link_info info{};
        if (!object_info(fd, info)) return;
        h.links[id] = KernelHolders::Link{info.type, info.prog_id, link_target(info, groups)};
        if (info.type == BPF_LINK_TYPE_CGROUP)
            cgroup_links.push_back(CgroupLink{info.cgroup.cgroup_id, info.cgroup.attach_type, info.prog_id});
        model::ObjectFacts f;
        f.kind = ObjectKind::Link;
        f.id = id;
        f.type = info.type;
        f.prog_id = info.prog_id;
        h.facts[{ObjectKind::Link, id}] = std::move(f);
    });
}

std::size_t scan_programs(KernelHolders& h) {
    return walk_ids(BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID, [&](int fd, uint32_t id) {
        bpf_prog_info info{};
        if (!object_info(fd, info)) return;
        if (auto f = facts_of_own_fd(fd, ObjectKind::Prog)) h.facts[{ObjectKind::Prog, id}] = std::move(*f);
        if (info.btf_id != 0) h.btf_users[info.btf_id].push_back({ObjectKind::Prog, id});
        if (info.nr_map_ids == 0) return;
        std::vector<uint32_t> maps(info.nr_map_ids);
        bpf_prog_info again{};
        again.nr_map_ids = uint32_t(maps.size());
        again.map_ids = reinterpret_cast<uintptr_t>(maps.data());
        if (!object_info(fd, again)) return;
        maps.resize(std::min<std::size_t>(maps.size(), again.nr_map_ids));
        for (const uint32_t map : maps) h.map_users[map].push_back(id);
    });
}

std::size_t scan_maps(KernelHolders& h) {
    return walk_ids(BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID, [&](int fd, uint32_t id) {
        bpf_map_info info{};
        if (!object_info(fd, info)) return;
        if (auto f = facts_of_own_fd(fd, ObjectKind::Map)) h.facts[{ObjectKind::Map, id}] = std::move(*f);
        if (info.btf_id != 0) h.btf_users[info.btf_id].push_back({ObjectKind::Map, id});
    });
}

std::size_t scan_xdp(KernelHolders& h) {
    const auto interfaces = network_interfaces();
    for (const auto& [index, if_name] : interfaces) {
        bpf_xdp_query_opts q{};  // LIBBPF_OPTS, without its GNU statement expression
        q.sz = sizeof q;
        if (bpf_xdp_query(int(index), 0, &q) != 0) continue;
        const std::pair<uint32_t, std::string_view> modes[] = {
            {q.skb_prog_id, "generic"}, {q.drv_prog_id, "driver"}, {q.hw_prog_id, "offloaded"}};
        for (const auto& [prog_id, mode] : modes) {
            const uint32_t prog = prog_id;  // clang 14 lambdas cannot capture bindings
            // An XDP link says it already ("held by link#4 (XDP on lo)").
            const bool by_link = std::any_of(h.links.begin(), h.links.end(), [&](const auto& l) {
                return l.second.type == BPF_LINK_TYPE_XDP && l.second.prog_id == prog;
            });
            if (prog != 0 && !by_link)
                h.attached[prog].push_back(KernelHolders::Attachment{fmt::format("XDP on {} ({} mode)", if_name, mode)});
        }
    }
    return interfaces.size();
}

void scan_tc(KernelHolders& h) {
    std::size_t interfaces = 0;
    for (const TcFilter& f : tc_bpf_filters(&interfaces))
        h.attached[f.prog_id].push_back(KernelHolders::Attachment{fmt::format(
            "tc {} filter on {}{}{}", f.ingress ? "ingress" : "egress", f.interface, f.name.empty() ? "" : " ", f.name)});
}

} // namespace

model::KernelHolders gather_holders(pid_t self) {
    KernelHolders h;
    const std::size_t processes = scan_processes(h, self);
    const std::vector<std::string> mounts = bpffs_mounts();
    const std::size_t pins = scan_pins(h, mounts);
    const std::map<uint64_t, std::string> groups = cgroups();
    std::vector<CgroupLink> cgroup_links;
    const std::size_t links = scan_links(h, groups, cgroup_links);
    const std::size_t cgroups_asked = scan_cgroups(h, groups, cgroup_links);
    const std::size_t programs = scan_programs(h);
    const std::size_t maps = scan_maps(h);
    const std::size_t interfaces = scan_xdp(h);
    scan_tc(h);
    h.searched.push_back(fmt::format("the fds of {} processes", processes));
    h.searched.push_back(fmt::format("{} pins on {} bpffs mount{}", pins, mounts.size(), mounts.size() == 1 ? "" : "s"));
    h.searched.push_back(fmt::format("{} links, {} programs and {} maps", links, programs, maps));
    h.searched.push_back(fmt::format("XDP and tc filters on {} interfaces", interfaces));
    h.searched.push_back(fmt::format("the programs attached to {} cgroups", cgroups_asked));
    h.gathered = true;
    return h;
}

} // namespace bpfsc::tracer
