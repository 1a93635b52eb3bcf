// struct bpf_link_info: the type, id and program of a link, then the union
// member of its link type (raw_tracepoint, tracing, cgroup, iter, netns,
// xdp, struct_ops, netfilter, kprobe_multi, uprobe_multi, perf_event, tcx,
// netkit, sockmap). Names (tracepoint, iterator target, probed file or
// function) and the address/offset/cookie arrays of multi-probe links are
// copied into buffers the caller passes, with their capacity in and the
// real length out.
#include <array>

#include "layouts.h"

namespace bpfsc::decoder::info {
namespace {
using L = uapi::link_info;

constexpr Field k_head[] = {
    BPFSC_FIELD(L, type).enum_of(xlat::bpf_link_type).out(),
    BPFSC_FIELD(L, id).id(Object::Link).out(),
    BPFSC_FIELD(L, prog_id).id(Object::Prog).out(),
};

constexpr Length name_of(uint16_t len_off) { return count_of(len_off, 4); }

constexpr Field k_raw_tracepoint[] = {
    BPFSC_NESTED(L, raw_tracepoint, tp_name)
        .points_to(Content::Text, name_of(BPFSC_OFF(L, raw_tracepoint.tp_name_len)))
        .out(),
    BPFSC_NESTED(L, raw_tracepoint, tp_name_len).inout(),
    BPFSC_NESTED(L, raw_tracepoint, cookie).out().added("6.17"),
};

constexpr Field k_tracing[] = {
    BPFSC_NESTED(L, tracing, attach_type).enum_of(xlat::bpf_attach_type).out(),
    // A program id for freplace links, a BTF object id otherwise.
    BPFSC_NESTED(L, tracing, target_obj_id).as(Kind::Id).out().added("5.13"),
    BPFSC_NESTED(L, tracing, target_btf_id).out().added("5.13"),
    BPFSC_NESTED(L, tracing, cookie).out().added("6.17"),
};

constexpr Field k_cgroup[] = {
    BPFSC_NESTED(L, cgroup, cgroup_id).out(),
    BPFSC_NESTED(L, cgroup, attach_type).enum_of(xlat::bpf_attach_type).out(),
};

// Which target an iterator has is in its name, not in a member: the kernel
// fills the target's own part and leaves the rest zero, so a part is shown
// when it holds something (a cgroup walk always has an order).
uint64_t at(const AttrView& v, uint16_t off) { return v.get(off, 4); }
bool iter_map(const AttrView& v) { return at(v, BPFSC_OFF(L, iter.map.map_id)) != 0; }
bool iter_cgroup(const AttrView& v) { return at(v, BPFSC_OFF(L, iter.cgroup.order)) != 0; }
bool iter_task(const AttrView& v) {
    return !iter_cgroup(v) && (at(v, BPFSC_OFF(L, iter.task.tid)) | at(v, BPFSC_OFF(L, iter.task.pid))) != 0;
}

constexpr Field k_iter[] = {
    BPFSC_NESTED(L, iter, target_name).points_to(Content::Text, name_of(BPFSC_OFF(L, iter.target_name_len))).out(),
    BPFSC_NESTED(L, iter, target_name_len).inout(),
    BPFSC_NESTED(L, iter.map, map_id).id(Object::Map).out().only_if(iter_map),
    BPFSC_NESTED(L, iter.cgroup, cgroup_id).out().only_if(iter_cgroup).added("6.1"),
    BPFSC_NESTED(L, iter.cgroup, order).enum_of(xlat::bpf_cgroup_iter_order).out().only_if(iter_cgroup).added("6.1"),
    BPFSC_NESTED(L, iter.task, tid).as(Kind::Pid).out().only_if(iter_task).added("6.1"),
    BPFSC_NESTED(L, iter.task, pid).as(Kind::Pid).out().only_if(iter_task).added("6.1"),
};

constexpr Field k_netns[] = {
    BPFSC_NESTED(L, netns, netns_ino).out(),
    BPFSC_NESTED(L, netns, attach_type).enum_of(xlat::bpf_attach_type).out(),
};

constexpr Field k_xdp[] = {
    BPFSC_NESTED(L, xdp, ifindex).as(Kind::Ifindex).out(),
};

constexpr Field k_struct_ops[] = {
    BPFSC_NESTED(L, struct_ops, map_id).id(Object::Map).out(),
};

constexpr Field k_netfilter[] = {
    BPFSC_NESTED(L, netfilter, pf).out(),
    BPFSC_NESTED(L, netfilter, hooknum).out(),
    BPFSC_NESTED(L, netfilter, priority).as(Kind::Sint).out(),
    BPFSC_NESTED(L, netfilter, flags).flags_of(xlat::bpf_netfilter_flags).out(),
};

constexpr Length k_kprobes = count_of(BPFSC_OFF(L, kprobe_multi.count), 4);
constexpr Field k_kprobe_multi[] = {
    BPFSC_NESTED(L, kprobe_multi, addrs).points_to(Content::U64Array, k_kprobes).out(),
    BPFSC_NESTED(L, kprobe_multi, count).inout(),
    BPFSC_NESTED(L, kprobe_multi, flags).flags_of(xlat::bpf_kprobe_multi_flags).out(),
    BPFSC_NESTED(L, kprobe_multi, missed).out().added("6.7"),
    BPFSC_NESTED(L, kprobe_multi, cookies).points_to(Content::U64Array, k_kprobes).out().added("6.9"),
};

constexpr Length k_uprobes = count_of(BPFSC_OFF(L, uprobe_multi.count), 4);
constexpr Field k_uprobe_multi[] = {
    BPFSC_NESTED(L, uprobe_multi, path).points_to(Content::Text, name_of(BPFSC_OFF(L, uprobe_multi.path_size))).out(),
    BPFSC_NESTED(L, uprobe_multi, offsets).points_to(Content::U64Array, k_uprobes).out(),
    BPFSC_NESTED(L, uprobe_multi, ref_ctr_offsets).points_to(Content::U64Array, k_uprobes).out(),
    BPFSC_NESTED(L, uprobe_multi, cookies).points_to(Content::U64Array, k_uprobes).out(),
    BPFSC_NESTED(L, uprobe_multi, path_size).inout(),
    BPFSC_NESTED(L, uprobe_multi, count).inout(),
    BPFSC_NESTED(L, uprobe_multi, flags).flags_of(xlat::bpf_uprobe_multi_flags).out(),
    BPFSC_NESTED(L, uprobe_multi, pid).as(Kind::Pid).out(),
};

// The perf event's own kind (written by the kernel) picks the inner member.
uint32_t perf_type(const AttrView& v) { return uint32_t(at(v, BPFSC_OFF(L, perf_event.type))); }
bool uprobe(const AttrView& v) { return perf_type(v) == 1 || perf_type(v) == 2; }
bool kprobe(const AttrView& v) { return perf_type(v) == 3 || perf_type(v) == 4; }
bool tracepoint(const AttrView& v) { return perf_type(v) == 5; }
bool event(const AttrView& v) { return perf_type(v) == 6; }

constexpr Field k_perf_event[] = {
    BPFSC_NESTED(L, perf_event, type).enum_of(xlat::bpf_perf_event_type).out(),
    BPFSC_NESTED(L, perf_event.uprobe, file_name)
        .points_to(Content::Text, name_of(BPFSC_OFF(L, perf_event.uprobe.name_len)))
        .out()
        .only_if(uprobe),
    BPFSC_NESTED(L, perf_event.uprobe, name_len).inout().only_if(uprobe),
    BPFSC_NESTED(L, perf_event.uprobe, offset).as(Kind::Hex).out().only_if(uprobe),
    BPFSC_NESTED(L, perf_event.uprobe, cookie).out().only_if(uprobe).added("6.9"),
    BPFSC_NESTED(L, perf_event.uprobe, ref_ctr_offset).as(Kind::Hex).out().only_if(uprobe).added("6.16"),
    BPFSC_NESTED(L, perf_event.kprobe, func_name)
        .points_to(Content::Text, name_of(BPFSC_OFF(L, perf_event.kprobe.name_len)))
        .out()
        .only_if(kprobe),
    BPFSC_NESTED(L, perf_event.kprobe, name_len).inout().only_if(kprobe),
    BPFSC_NESTED(L, perf_event.kprobe, offset).as(Kind::Hex).out().only_if(kprobe),
    BPFSC_NESTED(L, perf_event.kprobe, addr).as(Kind::Hex).out().only_if(kprobe),
    BPFSC_NESTED(L, perf_event.kprobe, missed).out().only_if(kprobe).added("6.7"),
    BPFSC_NESTED(L, perf_event.kprobe, cookie).out().only_if(kprobe).added("6.9"),
    BPFSC_NESTED(L, perf_event.tracepoint, tp_name)
        .points_to(Content::Text, name_of(BPFSC_OFF(L, perf_event.tracepoint.name_len)))
        .out()
        .only_if(tracepoint),
    BPFSC_NESTED(L, perf_event.tracepoint, name_len).inout().only_if(tracepoint),
    BPFSC_NESTED(L, perf_event.tracepoint, cookie).out().only_if(tracepoint).added("6.9"),
    BPFSC_NESTED(L, perf_event.event, config).as(Kind::Hex).out().only_if(event),
    BPFSC_NESTED(L, perf_event.event, type).out().only_if(event),  // a perf_event_attr type
    BPFSC_NESTED(L, perf_event.event, cookie).out().only_if(event).added("6.9"),
};

constexpr Field k_tcx[] = {
    BPFSC_NESTED(L, tcx, ifindex).as(Kind::Ifindex).out(),
    BPFSC_NESTED(L, tcx, attach_type).enum_of(xlat::bpf_attach_type).out(),
};

constexpr Field k_netkit[] = {
    BPFSC_NESTED(L, netkit, ifindex).as(Kind::Ifindex).out(),
    BPFSC_NESTED(L, netkit, attach_type).enum_of(xlat::bpf_attach_type).out(),
};

constexpr Field k_sockmap[] = {
    BPFSC_NESTED(L, sockmap, map_id).id(Object::Map).out(),
    BPFSC_NESTED(L, sockmap, attach_type).enum_of(xlat::bpf_attach_type).out(),
};

constexpr InfoLayout link(std::span<const Field> body) { return InfoLayout{"bpf_link_info", k_head, body, sizeof(L), false}; }

// Indexed by enum bpf_link_type. 0 (BPF_LINK_TYPE_UNSPEC) and types newer
// than 6.18 have the head only: their union bytes, when not zero, are
// shown as bytes past the known layout.
const std::array<InfoLayout, 15> k_by_type = {
    InfoLayout{"bpf_link_info", k_head, {}, BPFSC_OFF(L, raw_tracepoint), false},
    link(k_raw_tracepoint), link(k_tracing), link(k_cgroup),
    link(k_iter),        link(k_netns),          link(k_xdp),     link(k_perf_event),
    link(k_kprobe_multi), link(k_struct_ops),    link(k_netfilter), link(k_tcx),
    link(k_uprobe_multi), link(k_netkit),        link(k_sockmap),
};
} // namespace

const InfoLayout* link_info_layout(uint32_t link_type) {
    return link_type < k_by_type.size() ? &k_by_type[link_type] : &k_by_type[0];
}

} // namespace bpfsc::decoder::info
