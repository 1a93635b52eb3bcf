// BPF_LINK_CREATE (union member "link_create", 5.7): attaches a program
// (or, for struct_ops, a map) through a link; returns the link's fd. The
// tail of the struct is a union whose member the attach type selects.
#include "attach_types.h"
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::link_create_attr;
using namespace uapi;

uint32_t type_of(const AttrView& v) { return uint32_t(v.get(BPFSC_OFF(A, attach_type), 4)); }
uint32_t flags_of(const AttrView& v) { return uint32_t(v.get(BPFSC_OFF(A, flags), 4)); }

bool xdp(const AttrView& v) { return type_of(v) == BPF_XDP; }
bool not_xdp(const AttrView& v) { return !xdp(v); }
bool struct_ops(const AttrView& v) { return type_of(v) == BPF_STRUCT_OPS; }
bool program(const AttrView& v) { return !struct_ops(v); }
bool by_ifindex(const AttrView& v) { return attach_type_uses_ifindex(type_of(v)); }
bool by_fd(const AttrView& v) { return !by_ifindex(v); }
bool by_id(const AttrView& v) { return flags_of(v) & BPF_F_ID_FLAG; }
bool relative(const AttrView& v) { return flags_of(v) & (BPF_F_BEFORE_FLAG | BPF_F_AFTER_FLAG); }

bool cgroup_ordered(const AttrView& v) { return attach_type_is_cgroup(type_of(v)) && relative(v); }
bool cgroup_ordered_fd(const AttrView& v) { return cgroup_ordered(v) && !by_id(v); }
bool cgroup_ordered_id(const AttrView& v) { return cgroup_ordered(v) && by_id(v); }
bool iter(const AttrView& v) { return type_of(v) == BPF_TRACE_ITER; }
bool perf_event(const AttrView& v) { return type_of(v) == BPF_PERF_EVENT; }
bool tracing(const AttrView& v) {
    const uint32_t t = type_of(v);
    return t == BPF_TRACE_FENTRY || t == BPF_TRACE_FEXIT || t == BPF_MODIFY_RETURN || t == BPF_LSM_MAC ||
           t == BPF_TRACE_RAW_TP;
}
bool netfilter(const AttrView& v) { return type_of(v) == BPF_NETFILTER; }
bool tcx(const AttrView& v) { return type_of(v) == BPF_TCX_INGRESS || type_of(v) == BPF_TCX_EGRESS; }
bool tcx_fd(const AttrView& v) { return tcx(v) && !by_id(v); }
bool tcx_id(const AttrView& v) { return tcx(v) && by_id(v); }
bool netkit(const AttrView& v) { return type_of(v) == BPF_NETKIT_PRIMARY || type_of(v) == BPF_NETKIT_PEER; }
bool netkit_fd(const AttrView& v) { return netkit(v) && !by_id(v); }
bool netkit_id(const AttrView& v) { return netkit(v) && by_id(v); }
bool kprobe_multi(const AttrView& v) { return type_of(v) == BPF_TRACE_KPROBE_MULTI || type_of(v) == BPF_TRACE_KPROBE_SESSION; }
bool uprobe_multi(const AttrView& v) { return type_of(v) == BPF_TRACE_UPROBE_MULTI || type_of(v) == BPF_TRACE_UPROBE_SESSION; }
// target_btf_id: cgroup hooks without ordering, and attach types with no
// union member of their own, where the kernel reads it if at all.
bool plain_btf_id(const AttrView& v) {
    return !(cgroup_ordered(v) || iter(v) || perf_event(v) || tracing(v) || netfilter(v) || tcx(v) || netkit(v) ||
             kprobe_multi(v) || uprobe_multi(v));
}

constexpr Length k_kcnt = count_of(BPFSC_OFF(A, kprobe_multi.cnt), 4);
constexpr Length k_ucnt = count_of(BPFSC_OFF(A, uprobe_multi.cnt), 4);

constexpr Field k_fields[] = {
    BPFSC_FIELD(A, prog_fd).fd(Object::Prog).only_if(program),
    BPFSC_FIELD(A, map_fd).fd(Object::Map).only_if(struct_ops).added("6.4"),
    BPFSC_FIELD(A, target_fd).fd(Object::Target).only_if(by_fd),
    BPFSC_FIELD(A, target_ifindex).as(Kind::Ifindex).only_if(by_ifindex),
    BPFSC_FIELD(A, attach_type).enum_of(xlat::bpf_attach_type),
    BPFSC_FIELD(A, flags).flags_of(xlat::bpf_attach_flags).only_if(not_xdp),
    // XDP links take the netlink XDP_FLAGS_* (include/uapi/linux/if_link.h).
    BPFSC_FIELD(A, flags).flags_of(xlat::xdp_flags).only_if(xdp),
    BPFSC_FIELD(A, target_btf_id).btf_type_in_vmlinux().only_if(plain_btf_id).added("5.10"),
    BPFSC_FIELD(A, iter_info)
        .points_to(Content::HexBytes, count_of(BPFSC_OFF(A, iter_info_len), 4))
        .with_hidden_fds()
        .only_if(iter)
        .added("5.9"),
    BPFSC_FIELD(A, iter_info_len).only_if(iter).added("5.9"),
    BPFSC_NESTED(A, perf_event, bpf_cookie).only_if(perf_event).added("5.15"),
    BPFSC_NESTED(A, kprobe_multi, flags).flags_of(xlat::bpf_kprobe_multi_flags).only_if(kprobe_multi).added("5.18"),
    BPFSC_NESTED(A, kprobe_multi, cnt).only_if(kprobe_multi).added("5.18"),
    BPFSC_NESTED(A, kprobe_multi, syms).points_to(Content::StringArray, k_kcnt).only_if(kprobe_multi).added("5.18"),
    BPFSC_NESTED(A, kprobe_multi, addrs).points_to(Content::U64Array, k_kcnt).only_if(kprobe_multi).added("5.18"),
    BPFSC_NESTED(A, kprobe_multi, cookies).points_to(Content::U64Array, k_kcnt).only_if(kprobe_multi).added("5.18"),
    BPFSC_NESTED(A, tracing, target_btf_id).btf_type_in(BPFSC_OFF(A, target_fd), true).only_if(tracing).added("5.19"),
    BPFSC_NESTED(A, tracing, cookie).only_if(tracing).added("5.19"),
    BPFSC_NESTED(A, netfilter, pf).only_if(netfilter).added("6.4"),
    BPFSC_NESTED(A, netfilter, hooknum).only_if(netfilter).added("6.4"),
    BPFSC_NESTED(A, netfilter, priority).as(Kind::Sint).only_if(netfilter).added("6.4"),
    BPFSC_NESTED(A, netfilter, flags).flags_of(xlat::bpf_netfilter_flags).only_if(netfilter).added("6.4"),
    BPFSC_NESTED(A, tcx, relative_fd).fd(Object::BpfAny).only_if(tcx_fd).added("6.6"),
    BPFSC_NESTED(A, tcx, relative_id).id(Object::BpfAny).only_if(tcx_id).added("6.6"),
    BPFSC_NESTED(A, tcx, expected_revision).only_if(tcx).added("6.6"),
    BPFSC_NESTED(A, uprobe_multi, path).path().only_if(uprobe_multi).added("6.6"),
    BPFSC_NESTED(A, uprobe_multi, offsets).points_to(Content::U64Array, k_ucnt).only_if(uprobe_multi).added("6.6"),
    BPFSC_NESTED(A, uprobe_multi, ref_ctr_offsets).points_to(Content::U64Array, k_ucnt).only_if(uprobe_multi).added("6.6"),
    BPFSC_NESTED(A, uprobe_multi, cookies).points_to(Content::U64Array, k_ucnt).only_if(uprobe_multi).added("6.6"),
    BPFSC_NESTED(A, uprobe_multi, cnt).only_if(uprobe_multi).added("6.6"),
    BPFSC_NESTED(A, uprobe_multi, flags).flags_of(xlat::bpf_uprobe_multi_flags).only_if(uprobe_multi).added("6.6"),
    BPFSC_NESTED(A, uprobe_multi, pid).as(Kind::Pid).only_if(uprobe_multi).added("6.6"),
    BPFSC_NESTED(A, netkit, relative_fd).fd(Object::BpfAny).only_if(netkit_fd).added("6.7"),
    BPFSC_NESTED(A, netkit, relative_id).id(Object::BpfAny).only_if(netkit_id).added("6.7"),
    BPFSC_NESTED(A, netkit, expected_revision).only_if(netkit).added("6.7"),
    BPFSC_NESTED(A, cgroup, relative_fd).fd(Object::BpfAny).only_if(cgroup_ordered_fd).added("6.16"),
    BPFSC_NESTED(A, cgroup, relative_id).id(Object::BpfAny).only_if(cgroup_ordered_id).added("6.16"),
    BPFSC_NESTED(A, cgroup, expected_revision).only_if(cgroup_ordered).added("6.16"),
};
} // namespace

BPFSC_COMMAND(BPF_LINK_CREATE, "link_create", k_fields, Returns::Fd, Object::Link, "5.7");

} // namespace bpfsc::decoder::commands
