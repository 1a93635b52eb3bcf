// /proc/PID/status, the one reader of it in the tracer: the lines the
// backends, the broker and the session need, parsed in one pass.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace bpfsc::tracer {

struct ProcStatus {
    char state = '?';                 // State: R, S, D, T, t, X, Z...
    pid_t tgid = 0;                   // Tgid: its process
    pid_t ppid = 0;                   // PPid:
    pid_t tracer_pid = 0;             // TracerPid: 0 when nothing ptraces it
    std::array<uint32_t, 4> uid{};    // Uid: real, effective, saved, filesystem
    std::array<uint32_t, 4> gid{};    // Gid: the same
    bool ids_read = false;            // both lines were there
    std::string groups;               // Groups: the supplementary groups, as listed
    int umask = -1;                   // Umask: (4.7), -1 if absent
    uint64_t pending = 0;             // SigPnd: signals pending for this thread
    uint64_t shared_pending = 0;      // ShdPnd: for its process
    uint64_t blocked = 0;             // SigBlk:
    uint64_t effective_caps = 0;      // CapEff:
    int seccomp_filters = -1;         // Seccomp_filters: (5.9), -1 if absent

    bool alive() const { return state != 'X' && state != 'Z'; }
};

// The status of thread (or process) `tid`, nullopt when it is gone or not
// ours to read. /proc/TID/status exists for every thread id.
std::optional<ProcStatus> read_proc_status(pid_t tid);

// The command a process runs, as /proc/PID/comm says it ("bpftool"), "" if gone.
std::string process_comm(pid_t pid);

// Shorthands for a single line.
std::optional<uint64_t> effective_capabilities(pid_t pid);
std::optional<pid_t> thread_group_of(pid_t tid);

} // namespace bpfsc::tracer
