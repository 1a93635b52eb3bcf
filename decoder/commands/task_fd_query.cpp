// BPF_TASK_FD_QUERY (union member "task_fd_query"): what program is behind
// an fd of another task (a perf event or raw tracepoint); the kernel writes
// the probe's name, type and address.
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::task_fd_query_attr;

constexpr Field k_fields[] = {
    BPFSC_FIELD(A, pid).as(Kind::Pid),
    BPFSC_FIELD(A, fd).fd(Object::Task),
    BPFSC_FIELD(A, flags).flags_of(xlat::bpf_no_flags),
    BPFSC_FIELD(A, buf_len).inout().written_on_success(),
    // ENOSPC: the name is cut to what fits, and buf_len says its full length.
    BPFSC_FIELD(A, buf).points_to(Content::Text, count_of(BPFSC_OFF(A, buf_len), 4)).out().on_failure(OnFailure::WrittenIfCounted),
    BPFSC_FIELD(A, prog_id).id(Object::Prog).out().written_on_success(),
    BPFSC_FIELD(A, fd_type).enum_of(xlat::bpf_task_fd_type).out().written_on_success(),
    BPFSC_FIELD(A, probe_offset).as(Kind::Hex).out().written_on_success(),
    BPFSC_FIELD(A, probe_addr).as(Kind::Hex).out().written_on_success(),
};
} // namespace

BPFSC_COMMAND(BPF_TASK_FD_QUERY, "task_fd_query", k_fields, Returns::Zero, Object::None,
              "4.18");

} // namespace bpfsc::decoder::commands
