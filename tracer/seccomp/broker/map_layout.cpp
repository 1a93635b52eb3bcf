// Map layouts from the kernel (see map_layout.h).
#include "tracer/seccomp/broker/map_layout.h"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string_view>

#include "decoder/resolver.h"
#include "tracer/kernel/fdinfo_resolver.h"
#include "tracer/kernel/object_info.h"

namespace bpfsc::tracer::broker {

namespace {

constexpr uint32_t k_last_map_type = 33;  // BPF_MAP_TYPE_ARENA, the last of 6.18

bool fd_is(int fd, std::string_view what) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    char target[64];
    const ssize_t n = readlink(path, target, sizeof target);
    return n > 0 && std::string_view(target, std::size_t(n)) == what;
}



uint32_t possible_cpus() {
    static const uint32_t cpus = [] {
        FdinfoResolver resolver;
        return resolver.possible_cpus();
    }();
    return cpus;
}

} // namespace

bool map_layout_of(int own_fd, MapLayout& out) {
    // Not asked whether the fd is a map at all: every element and batch
    // command resolves its map fd before it touches a key or value, so for
    // anything else the call fails before the sizes read here matter.
    bpf_map_info info{};
    if (!object_info(own_fd, info) || info.type > k_last_map_type) return false;
    out = MapLayout{};
    out.map_type = info.type;
    out.key_size = info.key_size;
    decoder::MapShape shape;
    shape.map_type = info.type;
    shape.value_size = info.value_size;
    out.value_size = decoder::user_value_size(shape, possible_cpus());
    const bool hash = info.type == BPF_MAP_TYPE_HASH || info.type == BPF_MAP_TYPE_PERCPU_HASH ||
                      info.type == BPF_MAP_TYPE_LRU_HASH || info.type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
    out.batch_token_size = hash ? 4 : info.key_size;
    switch (info.type) {
    case BPF_MAP_TYPE_SK_STORAGE:
    case BPF_MAP_TYPE_INODE_STORAGE:
    case BPF_MAP_TYPE_TASK_STORAGE:
    case 32:  // BPF_MAP_TYPE_CGRP_STORAGE (6.2)
        out.fd_keys = true;
        break;
    case BPF_MAP_TYPE_DEVMAP:
    case BPF_MAP_TYPE_DEVMAP_HASH:
    case BPF_MAP_TYPE_CPUMAP:
        // struct bpf_devmap_val / bpf_cpumap_val: a program fd follows the
        // first member in values of 8 bytes (4-byte values have none).
        if (info.value_size >= 8) out.value_fds = ValueFds::ProgFdAt4;
        break;
    case BPF_MAP_TYPE_STRUCT_OPS:
        out.value_fds = ValueFds::Hidden;
        break;
    default:
        if (decoder::map_values_are_fds(info.type)) out.value_fds = ValueFds::Fds;
        break;
    }
    // The kernel's fd maps take and give 4-byte values from user space,
    // whatever their value_size says.
    if (info.type == BPF_MAP_TYPE_PROG_ARRAY || info.type == BPF_MAP_TYPE_PERF_EVENT_ARRAY ||
        info.type == BPF_MAP_TYPE_CGROUP_ARRAY || info.type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
        info.type == BPF_MAP_TYPE_HASH_OF_MAPS)
        out.value_size = 4;
    return true;
}

bool test_run_shows_no_caller(int own_fd) {
    if (!fd_is(own_fd, "anon_inode:bpf-prog")) return false;
    bpf_prog_info info{};
    if (!object_info(own_fd, info)) return false;
    switch (info.type) {
    case BPF_PROG_TYPE_SOCKET_FILTER:
    case BPF_PROG_TYPE_SCHED_CLS:
    case BPF_PROG_TYPE_SCHED_ACT:
    case BPF_PROG_TYPE_XDP:
    case BPF_PROG_TYPE_LWT_IN:
    case BPF_PROG_TYPE_LWT_OUT:
    case BPF_PROG_TYPE_LWT_XMIT:
    case BPF_PROG_TYPE_LWT_SEG6LOCAL:
    case BPF_PROG_TYPE_FLOW_DISSECTOR:
    case BPF_PROG_TYPE_SK_LOOKUP: return true;
    default: return false;
    }
}

} // namespace bpfsc::tracer::broker
