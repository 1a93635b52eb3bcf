// Reading /proc/PID/status (see proc_status.h).
#include "tracer/os/proc_status.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tracer/os/unique_file.h"

namespace bpfsc::tracer {

namespace {

// The text after "Key:" when `line` is that key's, else nullptr.
const char* value_of(const char* line, const char* key) {
    const std::size_t n = std::strlen(key);
    return std::strncmp(line, key, n) == 0 ? line + n : nullptr;
}

uint64_t hex(const char* text) { return std::strtoull(text, nullptr, 16); }
int decimal(const char* text) { return int(std::strtol(text, nullptr, 10)); }

} // namespace

std::optional<ProcStatus> read_proc_status(pid_t tid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", int(tid));
    const UniqueFile f = open_for_reading(path);
    if (!f) return std::nullopt;
    ProcStatus s;
    int ids = 0;
    char line[512];
    while (std::fgets(line, sizeof line, f.get())) {
        const char* v;
        if ((v = value_of(line, "State:"))) s.state = v[std::strspn(v, " \t")];
        else if ((v = value_of(line, "Tgid:"))) s.tgid = decimal(v);
        else if ((v = value_of(line, "PPid:"))) s.ppid = decimal(v);
        else if ((v = value_of(line, "TracerPid:"))) s.tracer_pid = decimal(v);
        else if ((v = value_of(line, "Uid:")))
            ids += std::sscanf(v, "%u %u %u %u", &s.uid[0], &s.uid[1], &s.uid[2], &s.uid[3]) == 4;
        else if ((v = value_of(line, "Gid:")))
            ids += std::sscanf(v, "%u %u %u %u", &s.gid[0], &s.gid[1], &s.gid[2], &s.gid[3]) == 4;
        else if ((v = value_of(line, "Groups:"))) s.groups.assign(v + std::strspn(v, " \t"), std::strcspn(v + std::strspn(v, " \t"), "\n"));
        else if ((v = value_of(line, "Umask:"))) s.umask = int(std::strtol(v, nullptr, 8));
        else if ((v = value_of(line, "SigPnd:"))) s.pending = hex(v);
        else if ((v = value_of(line, "ShdPnd:"))) s.shared_pending = hex(v);
        else if ((v = value_of(line, "SigBlk:"))) s.blocked = hex(v);
        else if ((v = value_of(line, "CapEff:"))) s.effective_caps = hex(v);
        else if ((v = value_of(line, "Seccomp_filters:"))) s.seccomp_filters = decimal(v);
    }
    s.ids_read = ids == 2;
    return s;
}

std::optional<uint64_t> effective_capabilities(pid_t pid) {
    const auto s = read_proc_status(pid);
    return s ? std::optional<uint64_t>(s->effective_caps) : std::nullopt;
}

std::string process_comm(pid_t pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/comm", int(pid));
    const UniqueFile f = open_for_reading(path);
    char line[64] = {};
    if (!f || std::fgets(line, sizeof line, f.get()) == nullptr) return {};
    std::string comm(line);
    if (!comm.empty() && comm.back() == '\n') comm.pop_back();
    return comm;
}

std::optional<pid_t> thread_group_of(pid_t tid) {
    const auto s = read_proc_status(tid);
    return s && s->tgid != 0 ? std::optional<pid_t>(s->tgid) : std::nullopt;
}

} // namespace bpfsc::tracer
