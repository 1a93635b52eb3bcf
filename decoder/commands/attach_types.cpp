// Classification of attach types (see attach_types.h).
#include "attach_types.h"

#include "../uapi/bpf_attr.h"

namespace bpfsc::decoder::commands {

bool attach_type_uses_ifindex(uint32_t t) {
    using namespace uapi;
    return t == BPF_XDP || t == BPF_TCX_INGRESS || t == BPF_TCX_EGRESS || t == BPF_NETKIT_PRIMARY ||
           t == BPF_NETKIT_PEER;
}

bool attach_type_is_cgroup(uint32_t t) {
    // BPF_CGROUP_INET_INGRESS .. BPF_CGROUP_SOCK_OPS, BPF_CGROUP_DEVICE,
    // (and BPF_LSM_CGROUP, 43)
    // BPF_CGROUP_INET4_BIND .. BPF_CGROUP_UDP6_SENDMSG, BPF_CGROUP_SYSCTL ..
    // BPF_CGROUP_SETSOCKOPT, the getpeername/getsockname hooks,
    // BPF_CGROUP_INET_SOCK_RELEASE and the unix socket hooks.
    // BPF_LSM_CGROUP links go through the cgroup code as well.
    return t <= 3 || t == 6 || (t >= 8 && t <= 15) || (t >= 18 && t <= 22) || (t >= 29 && t <= 32) || t == 34 ||
           t == 43 || (t >= 49 && t <= 53);
}

} // namespace bpfsc::decoder::commands
