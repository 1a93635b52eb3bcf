// BPF_MAP_CREATE: the attributes of a new map; returns the map's fd.
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::map_create_attr;

// numa_node means something only with BPF_F_NUMA_NODE (strace shows it likewise).
bool numa_node_set(const AttrView& v) { return v.get(BPFSC_OFF(A, map_flags), 4) & uapi::BPF_F_NUMA_NODE_FLAG; }

constexpr Field k_fields[] = {
    BPFSC_FIELD(A, map_type).enum_of(xlat::bpf_map_type),
    BPFSC_FIELD(A, key_size),
    BPFSC_FIELD(A, value_size),
    BPFSC_FIELD(A, max_entries),
    BPFSC_FIELD(A, map_flags).flags_of(xlat::bpf_map_flags).added("4.6"),
    BPFSC_FIELD(A, inner_map_fd).fd(Object::Map).added("4.12"),
    BPFSC_FIELD(A, numa_node).as(Kind::Sint).only_if(numa_node_set).added("4.14"),
    BPFSC_FIELD(A, map_name).as(Kind::CharArray).added("4.15"),
    BPFSC_FIELD(A, map_ifindex).as(Kind::Ifindex).added("4.16"),
    BPFSC_FIELD(A, btf_fd).fd(Object::Btf).added("4.18"),
    BPFSC_FIELD(A, btf_key_type_id).btf_type_in(BPFSC_OFF(A, btf_fd)).added("4.18"),
    BPFSC_FIELD(A, btf_value_type_id).btf_type_in(BPFSC_OFF(A, btf_fd)).added("4.18"),
    BPFSC_FIELD(A, btf_vmlinux_value_type_id).btf_type_in(BPFSC_OFF(A, value_type_btf_obj_fd), true).added("5.6"),
    BPFSC_FIELD(A, map_extra).added("5.16"),
    BPFSC_FIELD(A, value_type_btf_obj_fd).fd(Object::Btf).added("6.9"),
    BPFSC_FIELD(A, map_token_fd).fd(Object::Token).added("6.9"),
    BPFSC_FIELD(A, excl_prog_hash)
        .points_to(Content::HexBytes, count_of(BPFSC_OFF(A, excl_prog_hash_size), 4))
        .added("6.18"),
    BPFSC_FIELD(A, excl_prog_hash_size).added("6.18"),
};
} // namespace

BPFSC_COMMAND(BPF_MAP_CREATE, "", k_fields, Returns::Fd, Object::Map, "3.18");

} // namespace bpfsc::decoder::commands
