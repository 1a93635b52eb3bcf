// Batch commands (5.6), union member "batch": BPF_MAP_LOOKUP_BATCH,
// BPF_MAP_LOOKUP_AND_DELETE_BATCH, BPF_MAP_UPDATE_BATCH, BPF_MAP_DELETE_BATCH.
// `count` is in/out: the elements offered, then the elements done.
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::map_batch_attr;
constexpr Length k_counted = map_sized(BPFSC_OFF(A, map_fd), BPFSC_OFF(A, count), 4);

constexpr Field k_count = BPFSC_FIELD(A, count).inout().written_on_success();
constexpr Field k_map_fd = BPFSC_FIELD(A, map_fd).fd(Object::Map);
constexpr Field k_elem_flags = BPFSC_FIELD(A, elem_flags).flags_of(xlat::bpf_elem_flags);
constexpr Field k_flags = BPFSC_FIELD(A, flags).flags_of(xlat::bpf_no_flags);

constexpr Field k_lookup[] = {
    BPFSC_FIELD(A, in_batch).points_to(Content::Opaque),
    BPFSC_FIELD(A, out_batch).points_to(Content::Opaque).out(),
    BPFSC_FIELD(A, keys).points_to(Content::MapKeys, k_counted).out().on_failure(OnFailure::WrittenIfCountedOrEnd),
    BPFSC_FIELD(A, values).points_to(Content::MapValues, k_counted).out().on_failure(OnFailure::WrittenIfCountedOrEnd),
    k_count, k_map_fd, k_elem_flags, k_flags,
};
constexpr Field k_update[] = {
    BPFSC_FIELD(A, keys).points_to(Content::MapKeys, k_counted),
    BPFSC_FIELD(A, values).points_to(Content::MapValues, k_counted),
    k_count, k_map_fd, k_elem_flags, k_flags,
};
constexpr Field k_delete[] = {
    BPFSC_FIELD(A, keys).points_to(Content::MapKeys, k_counted),
    k_count, k_map_fd, k_elem_flags, k_flags,
};
} // namespace

BPFSC_COMMAND(BPF_MAP_LOOKUP_BATCH, "batch", k_lookup, Returns::Zero, Object::None, "5.6");
BPFSC_COMMAND(BPF_MAP_LOOKUP_AND_DELETE_BATCH, "batch", k_lookup,
              Returns::Zero, Object::None, "5.6");
BPFSC_COMMAND(BPF_MAP_UPDATE_BATCH, "batch", k_update, Returns::Zero, Object::None, "5.6");
BPFSC_COMMAND(BPF_MAP_DELETE_BATCH, "batch", k_delete, Returns::Zero, Object::None, "5.6");

} // namespace bpfsc::decoder::commands
