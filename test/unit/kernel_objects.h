// Real kernel objects the unit tests make and release: an fd closed at scope
// exit, a minimal program ("r0 = ret; exit"), a program's id, a child
// cgroup in the cgroup2 hierarchy made for one test and removed after it,
// a raw tracepoint link and a tracepoint perf event.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bpfsc::test {

// An fd closed at scope exit.
struct Fd {
    int fd = -1;
    explicit Fd(int64_t f) : fd(int(f)) {}
    ~Fd();
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

// Creates a map; returns the fd or -errno.
int64_t create_map(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries);

// Loads "r0 = ret; exit" (GPL) as a program of `type`; returns the fd or -errno.
int64_t load_prog(uint32_t type, int32_t ret = 0, uint32_t expected_attach_type = 0, uint32_t attach_btf_id = 0);

// The program's id, from BPF_OBJ_GET_INFO_BY_FD (struct bpf_prog_info: type, id).
uint32_t prog_id_of(int prog_fd);

// Where cgroup2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on
// hybrid systems), or "" if it is not.
std::string cgroup2_root();

// A child cgroup made for one test, <cgroup2>/bpfsc-<tag>-<pid>-<serial>,
// removed when it ends (programs still attached to it are released with it).
struct TestCgroup {
    std::string path;
    int fd = -1;
    explicit TestCgroup(std::string_view tag);
    ~TestCgroup();
    TestCgroup(const TestCgroup&) = delete;
    TestCgroup& operator=(const TestCgroup&) = delete;
};

// Possible CPUs as the kernel counts them for per-CPU values ("0-1", "0-3,8-11").
uint32_t possible_cpus();

// A raw tracepoint link: a BPF_PROG_TYPE_RAW_TRACEPOINT program attached to
// `name` with BPF_RAW_TRACEPOINT_OPEN; returns the link fd or -errno.
int64_t open_raw_tracepoint(int prog_fd, const char* name);

// A perf event on tracepoint CATEGORY:NAME for this process
// (perf_event_open, its id from tracefs); returns the fd or -errno.
int64_t open_tracepoint_event(std::string_view category, std::string_view name);

} // namespace bpfsc::test
