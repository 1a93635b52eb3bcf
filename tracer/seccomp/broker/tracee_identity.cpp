// Comparing a tracee's identity with the tracer's (see tracee_identity.h).
#include "tracer/seccomp/broker/tracee_identity.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tracer/os/proc_status.h"
#include "tracer/os/unique_file.h"

namespace bpfsc::tracer::broker {

namespace {

std::string read_file(const std::string& path) {
    std::string text;
    const UniqueFile f = open_for_reading(path);
    if (!f) return text;
    char buf[1024];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, n);
    return text;
}

bool stat_id(const std::string& path, std::string& out) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return false;
    out += fmt::format("{}:{} ", st.st_dev, st.st_ino);
    return true;
}

constexpr const char* k_namespaces[] = {"user", "mnt", "pid", "net", "ipc", "uts", "cgroup", "time"};

} // namespace

TraceeIdentity::TraceeIdentity()
    : mine_(read(pid_t(gettid()))), my_credentials_read_(read_own_credentials(my_credentials_)) {}

std::string TraceeIdentity::read_cgroup(const std::string& proc_dir) { return read_file(proc_dir + "/cgroup"); }

TraceeIdentity::Identity TraceeIdentity::read(pid_t tid) {
    Identity id;
    const std::string dir = fmt::format("/proc/{}", tid);
    const std::optional<ProcStatus> status = read_proc_status(tid);
    if (!status || !status->ids_read || status->umask < 0) return id;
    id.credentials = fmt::format("{} {} [{}] {:x} {:o}", fmt::join(status->uid, ","), fmt::join(status->gid, ","),
                                 status->groups, status->effective_caps, status->umask);
    for (const char* ns : k_namespaces)
        if (!stat_id(dir + "/ns/" + ns, id.namespaces) && std::strcmp(ns, "time") != 0) return id;
    if (!stat_id(dir + "/root", id.root)) return id;
    id.cgroup = read_cgroup(dir);
    id.lsm = read_file(dir + "/attr/current");
    id.complete = !id.cgroup.empty();
    return id;
}

bool TraceeIdentity::same_as_tracer(pid_t tid, int pidfd, bool creates_object, const char** why) {
    // Ids and capabilities: from the kernel, every call.
    ThreadCredentials theirs;
    if (!my_credentials_read_ || !read_thread_credentials(pidfd, tid, theirs)) {
        *why = "its identity cannot be read";
        return false;
    }
    if (theirs != my_credentials_) {
        *why = "other credentials, capabilities or umask";
        return false;
    }
    // The rest, for a thread seen before: a lookup, no /proc, no allocation.
    auto it = cache_.find(tid);
    if (it == cache_.end()) {
        const Identity theirs = read(tid);
        const char* difference = !theirs.complete || !mine_.complete     ? "its identity cannot be read"
                                 : theirs.credentials != mine_.credentials ? "other credentials, capabilities or umask"
                                 : theirs.namespaces != mine_.namespaces   ? "other namespaces"
                                 : theirs.root != mine_.root               ? "another root directory"
                                 : theirs.lsm != mine_.lsm                 ? "another LSM label"
                                 : theirs.cgroup != mine_.cgroup           ? "another cgroup"
                                                                           : "";
        it = cache_.emplace(tid, difference).first;
    }
    *why = it->second;
    if (**why != '\0') return false;
    if (creates_object && read_cgroup(fmt::format("/proc/{}", tid)) != mine_.cgroup) {
        *why = "another cgroup";
        return false;
    }
    return true;
}

} // namespace bpfsc::tracer::broker
