// What the kernel does with the keys and values of a map, by map type, as
// far as the broker must know: their sizes as user space passes them, and
// whether they hold fds (which must be the tracer's own when the tracer
// makes the call). Learnt from the map itself, through the tracer's
// duplicate of the tracee's fd: never from a guess or a stale record.
#pragma once

#include <cstdint>

namespace bpfsc::tracer::broker {

enum class ValueFds : uint8_t {
    None,        // plain bytes
    Fds,         // each value is an fd (program arrays, maps of maps, perf event,
                 // cgroup, socket and xsk maps, reuseport arrays)
    ProgFdAt4,   // devmap and cpumap values of 8 bytes: {ifindex or qsize,
                 // program fd}, the fd used when positive
    Hidden,      // values holding fds inside a struct the broker does not
                 // lay out (struct_ops: program fds): not brokered
};

struct MapLayout {
    uint32_t map_type = 0;
    uint32_t key_size = 0;    // bytes of one key
    uint64_t value_size = 0;  // bytes of one value as user space passes it (per-CPU: one slot per possible CPU)
    bool fd_keys = false;     // keys are fds (socket, inode, task and cgroup storage)
    ValueFds value_fds = ValueFds::None;
    // The batch commands' in_batch/out_batch token: a key, except for the
    // hash maps, where it is 4 bytes (linux/bpf.h says so).
    uint32_t batch_token_size = 0;
};

// The layout of the map the tracer's `own_fd` refers to; false if it is not
// a map, or a map type newer than this tracer knows (6.18).
bool map_layout_of(int own_fd, MapLayout& out);

// Whether a BPF_PROG_TEST_RUN of the program the tracer's `own_fd` refers
// to shows nothing of its caller: program types run on a made-up packet,
// whose helpers cannot see the calling task (its pid, uid, comm, task
// struct) - socket filters, tc, XDP, lwt, flow dissector, sk_lookup.
// Tracing and syscall programs run as their caller: false.
bool test_run_shows_no_caller(int own_fd);

} // namespace bpfsc::tracer::broker
