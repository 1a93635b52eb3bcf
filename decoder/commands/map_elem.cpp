// Element commands: BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM,
// BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY, BPF_MAP_LOOKUP_AND_DELETE_ELEM,
// and BPF_MAP_FREEZE. Keys and values are read with the map's real sizes.
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::map_elem_attr;
constexpr Length k_one = map_sized(BPFSC_OFF(A, map_fd));

constexpr Field k_map_fd = BPFSC_FIELD(A, map_fd).fd(Object::Map);
constexpr Field k_key = BPFSC_FIELD(A, key).points_to(Content::MapKey, k_one);

constexpr Field k_lookup[] = {
    k_map_fd,
    k_key,
    BPFSC_FIELD(A, value).points_to(Content::MapValue, k_one).out(),
    BPFSC_FIELD(A, flags).flags_of(xlat::bpf_elem_flags).added("5.1"),
};
constexpr Field k_update[] = {
    k_map_fd,
    k_key,
    BPFSC_FIELD(A, value).points_to(Content::MapValue, k_one),
    BPFSC_FIELD(A, flags).flags_of(xlat::bpf_elem_flags),
};
constexpr Field k_delete[] = {k_map_fd, k_key};
constexpr Field k_next_key[] = {
    k_map_fd,
    k_key,
    BPFSC_FIELD(A, next_key).points_to(Content::MapKey, k_one).out(),
};
constexpr Field k_lookup_and_delete[] = {
    k_map_fd,
    k_key,
    BPFSC_FIELD(A, value).points_to(Content::MapValue, k_one).out(),
    BPFSC_FIELD(A, flags).flags_of(xlat::bpf_elem_flags).added("5.14"),
};
constexpr Field k_freeze[] = {k_map_fd};
} // namespace

BPFSC_COMMAND(BPF_MAP_LOOKUP_ELEM, "", k_lookup, Returns::Zero, Object::None, "3.18");
BPFSC_COMMAND(BPF_MAP_UPDATE_ELEM, "", k_update, Returns::Zero, Object::None, "3.18");
BPFSC_COMMAND(BPF_MAP_DELETE_ELEM, "", k_delete, Returns::Zero, Object::None, "3.18");
BPFSC_COMMAND(BPF_MAP_GET_NEXT_KEY, "", k_next_key, Returns::Zero, Object::None, "3.18");
BPFSC_COMMAND(BPF_MAP_LOOKUP_AND_DELETE_ELEM, "", k_lookup_and_delete,
              Returns::Zero, Object::None, "4.20");
BPFSC_COMMAND(BPF_MAP_FREEZE, "", k_freeze, Returns::Zero, Object::None, "5.2");

} // namespace bpfsc::decoder::commands
