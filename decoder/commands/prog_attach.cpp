// BPF_PROG_ATTACH, BPF_PROG_DETACH and BPF_PROG_QUERY (union member
// "query"): programs on cgroups, sockmaps, netns and, since 6.6, the
// multi-program interfaces (tcx, netkit) ordered by relative_fd/relative_id.
#include "attach_types.h"
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::prog_attach_attr;
using Q = uapi::query_attr;

bool attach_ifindex(const AttrView& v) { return attach_type_uses_ifindex(uint32_t(v.get(BPFSC_OFF(A, attach_type), 4))); }
bool attach_fd(const AttrView& v) { return !attach_ifindex(v); }
bool relative_by_id(const AttrView& v) { return v.get(BPFSC_OFF(A, attach_flags), 4) & uapi::BPF_F_ID_FLAG; }
bool relative_by_fd(const AttrView& v) { return !relative_by_id(v); }

constexpr Field k_attach[] = {
    BPFSC_FIELD(A, target_fd).fd(Object::Target).only_if(attach_fd),
    BPFSC_FIELD(A, target_ifindex).as(Kind::Ifindex).only_if(attach_ifindex).added("6.6"),
    BPFSC_FIELD(A, attach_bpf_fd).fd(Object::Prog),
    BPFSC_FIELD(A, attach_type).enum_of(xlat::bpf_attach_type),
    BPFSC_FIELD(A, attach_flags).flags_of(xlat::bpf_attach_flags),
    BPFSC_FIELD(A, replace_bpf_fd).fd(Object::Prog).added("5.6"),
    BPFSC_FIELD(A, relative_fd).fd(Object::BpfAny).only_if(relative_by_fd).added("6.6"),
    BPFSC_FIELD(A, relative_id).id(Object::BpfAny).only_if(relative_by_id).added("6.6"),
    BPFSC_FIELD(A, expected_revision).added("6.6"),
};

bool query_ifindex(const AttrView& v) { return attach_type_uses_ifindex(uint32_t(v.get(BPFSC_OFF(Q, attach_type), 4))); }
bool query_fd(const AttrView& v) { return !query_ifindex(v); }
constexpr Length k_progs = count_of(BPFSC_OFF(Q, prog_cnt), 4, 1);

constexpr Field k_query[] = {
    BPFSC_FIELD(Q, target_fd).fd(Object::Target).only_if(query_fd),
    BPFSC_FIELD(Q, target_ifindex).as(Kind::Ifindex).only_if(query_ifindex).added("6.6"),
    BPFSC_FIELD(Q, attach_type).enum_of(xlat::bpf_attach_type),
    BPFSC_FIELD(Q, query_flags).flags_of(xlat::bpf_query_flags),
    BPFSC_FIELD(Q, attach_flags).flags_of(xlat::bpf_attach_flags).out().written_on_success(),
    BPFSC_FIELD(Q, prog_ids).points_to(Content::U32Array, k_progs).out().on_failure(OnFailure::WrittenIfCounted),
    BPFSC_FIELD(Q, prog_cnt).inout().written_on_success(),
    BPFSC_FIELD(Q, prog_attach_flags)
        .points_to(Content::U32Array, k_progs)
        .elements_flags_of(xlat::bpf_attach_flags)
        .out()
        .on_failure(OnFailure::WrittenIfCounted)
        .added("5.19"),
    BPFSC_FIELD(Q, link_ids).points_to(Content::U32Array, k_progs).out().on_failure(OnFailure::WrittenIfCounted).added("6.6"),
    BPFSC_FIELD(Q, link_attach_flags)
        .points_to(Content::U32Array, k_progs)
        .elements_flags_of(xlat::bpf_attach_flags)
        .out()
        .on_failure(OnFailure::WrittenIfCounted)
        .added("6.6"),
    BPFSC_FIELD(Q, revision).out().added("6.6"),
};
} // namespace

BPFSC_COMMAND(BPF_PROG_ATTACH, "", k_attach, Returns::Zero, Object::None, "4.10");
BPFSC_COMMAND(BPF_PROG_DETACH, "", k_attach, Returns::Zero, Object::None, "4.10");
BPFSC_COMMAND(BPF_PROG_QUERY, "query", k_query, Returns::Zero, Object::None, "4.15");

} // namespace bpfsc::decoder::commands
