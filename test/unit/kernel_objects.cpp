// Real kernel objects for the unit tests (see kernel_objects.h).
#include "kernel_objects.h"

#include <fcntl.h>
#include <linux/perf_event.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include <array>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "support.h"

namespace bpfsc::test {

Fd::~Fd() {
    if (fd >= 0) close(fd);
}

int64_t create_map(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries) {
    bpfsc::uapi::map_create_attr a{};
    a.map_type = type;
    a.key_size = key_size;
    a.value_size = value_size;
    a.max_entries = max_entries;
    return real_bpf(bpfsc::uapi::BPF_MAP_CREATE, &a, sizeof a);
}

int64_t load_prog(uint32_t type, int32_t ret, uint32_t expected_attach_type, uint32_t attach_btf_id) {
    using bpfsc::uapi::bpf_insn_raw;
    const std::array<bpf_insn_raw, 2> insns = {bpf_insn_raw{0xb7, 0, 0, ret}, bpf_insn_raw{0x95, 0, 0, 0}};
    bpfsc::uapi::prog_load_attr a{};
    a.prog_type = type;
    a.insn_cnt = insns.size();
    a.insns = u64_of(insns.data());
    a.license = u64_of("GPL");
    a.expected_attach_type = expected_attach_type;
    a.attach_btf_id = attach_btf_id;
    return real_bpf(bpfsc::uapi::BPF_PROG_LOAD, &a, sizeof a);
}

uint32_t prog_id_of(int prog_fd) {
    std::array<uint32_t, 2> info{};  // struct bpf_prog_info: type, id
    bpfsc::uapi::info_attr a{};
    a.bpf_fd = uint32_t(prog_fd);
    a.info_len = sizeof info;
    a.info = u64_of(info.data());
    REQUIRE(real_bpf(bpfsc::uapi::BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a) == 0);
    return info[1];
}

std::string cgroup2_root() {
    std::ifstream mounts("/proc/mounts");
    std::string line;
    while (std::getline(mounts, line)) {
        std::istringstream fields(line);
        std::string dev, dir, type;
        fields >> dev >> dir >> type;
        if (type == "cgroup2") return dir;
    }
    return {};
}

TestCgroup::TestCgroup(std::string_view tag) {
    static int serial = 0;
    const std::string root = cgroup2_root();
    REQUIRE(!root.empty());
    path = fmt::format("{}/bpfsc-{}-{}-{}", root, tag, getpid(), ++serial);
    REQUIRE(mkdir(path.c_str(), 0755) == 0);
    fd = open(path.c_str(), O_RDONLY | O_DIRECTORY);
    REQUIRE(fd >= 0);
}

TestCgroup::~TestCgroup() {
    if (fd >= 0) close(fd);
    rmdir(path.c_str());
}

// Possible CPUs as the kernel counts them for per-CPU values ("0-1", "0-3,8-11").
uint32_t possible_cpus() {
    std::ifstream in("/sys/devices/system/cpu/possible");
    std::string ranges;
    std::getline(in, ranges);
    uint32_t n = 0;
    std::size_t at = 0;
    while (at < ranges.size()) {
        std::size_t end = ranges.find(',', at);
        if (end == std::string::npos) end = ranges.size();
        const std::string part = ranges.substr(at, end - at);
        const std::size_t dash = part.find('-');
        const uint32_t lo = uint32_t(std::stoul(part.substr(0, dash)));
        const uint32_t hi = dash == std::string::npos ? lo : uint32_t(std::stoul(part.substr(dash + 1)));
        n += hi - lo + 1;
        at = end + 1;
    }
    return n;
}

int64_t open_raw_tracepoint(int prog_fd, const char* name) {
    bpfsc::uapi::raw_tracepoint_attr a{};
    a.name = u64_of(name);
    a.prog_fd = uint32_t(prog_fd);
    return real_bpf(bpfsc::uapi::BPF_RAW_TRACEPOINT_OPEN, &a, sizeof a);
}

int64_t open_tracepoint_event(std::string_view category, std::string_view name) {
    std::ifstream id_file(fmt::format("/sys/kernel/tracing/events/{}/{}/id", category, name));
    uint64_t id = 0;
    if (!(id_file >> id)) return -ENOENT;
    perf_event_attr attr{};
    attr.type = PERF_TYPE_TRACEPOINT;
    attr.size = sizeof attr;
    attr.config = id;
    attr.sample_period = 1;
    const long fd = syscall(SYS_perf_event_open, &attr, 0 /* this process */, -1 /* any cpu */, -1, PERF_FLAG_FD_CLOEXEC);
    return fd < 0 ? -int64_t(errno) : int64_t(fd);
}

} // namespace bpfsc::test
