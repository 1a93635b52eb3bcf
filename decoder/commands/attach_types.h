// Which union member an attach type selects: shared by BPF_PROG_ATTACH,
// BPF_PROG_DETACH, BPF_PROG_QUERY and BPF_LINK_CREATE.
#pragma once

#include <cstdint>

namespace bpfsc::decoder::commands {

// XDP, tcx and netkit attach to a network interface: target_ifindex.
bool attach_type_uses_ifindex(uint32_t attach_type);
// The cgroup hooks (include/linux/bpf-cgroup.h's to_cgroup_bpf_attach_type()).
bool attach_type_is_cgroup(uint32_t attach_type);

} // namespace bpfsc::decoder::commands
