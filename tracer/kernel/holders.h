// Asks the kernel, once at the end of a trace, what holds BPF objects on
// the whole machine (decoder/model/holders.h): the fds of every process
// (/proc/PID/fd and fdinfo, as bpftool's `pids` does), the pins on every
// mounted bpffs (each file opened read-only with BPF_OBJ_GET and asked its
// id), every link (BPF_LINK_GET_NEXT_ID) and its target, the maps and BTF
// of every program and the BTF of every map (BPF_OBJ_GET_INFO_BY_FD), XDP
// programs on every interface (libbpf's bpf_xdp_query, netlink) and the
// programs on perf events (BPF_TASK_FD_QUERY on every perf event fd) and
// those attached to every cgroup without a link (BPF_PROG_QUERY). The
// tracer's own fds are left out; every fd it opens is closed at once.
#pragma once

#include <sys/types.h>

#include "decoder/model/holders.h"

namespace bpfsc::tracer {

// `self`: the tracer's process, whose fds are not holders.
model::KernelHolders gather_holders(pid_t self);

} // namespace bpfsc::tracer
