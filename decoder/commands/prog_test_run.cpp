// BPF_PROG_TEST_RUN (union member "test"): runs a program on given input;
// the kernel writes retval, duration, data_size_out/ctx_size_out and the
// output buffers.
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::test_attr;

constexpr Field k_fields[] = {
    BPFSC_FIELD(A, prog_fd).fd(Object::Prog),
    BPFSC_FIELD(A, retval).out().written_on_success(),
    BPFSC_FIELD(A, data_size_in).none_when_zero(),
    BPFSC_FIELD(A, data_size_out).inout().none_when_zero(),
    BPFSC_FIELD(A, data_in).points_to(Content::HexBytes, count_of(BPFSC_OFF(A, data_size_in), 4)).none_when_zero(),
    // ENOSPC: data_out holds what fits, data_size_out the full size.
    BPFSC_FIELD(A, data_out)
        .points_to(Content::HexBytes, count_of(BPFSC_OFF(A, data_size_out), 4))
        .out()
        .on_failure(OnFailure::WrittenIfCounted)
        .none_when_zero(),
    BPFSC_FIELD(A, repeat).none_when_zero(),  // 0 runs it once
    BPFSC_FIELD(A, duration).out(),
    BPFSC_FIELD(A, ctx_size_in).added("5.2"),
    BPFSC_FIELD(A, ctx_size_out).inout().added("5.2"),
    BPFSC_FIELD(A, ctx_in).points_to(Content::HexBytes, count_of(BPFSC_OFF(A, ctx_size_in), 4)).added("5.2"),
    // ENOSPC: ctx_out holds what fits, ctx_size_out the full size.
    BPFSC_FIELD(A, ctx_out)
        .points_to(Content::HexBytes, count_of(BPFSC_OFF(A, ctx_size_out), 4))
        .out()
        .on_failure(OnFailure::WrittenIfCounted)
        .added("5.2"),
    BPFSC_FIELD(A, flags).flags_of(xlat::bpf_test_run_flags).added("5.10"),
    BPFSC_FIELD(A, cpu).added("5.10"),
    BPFSC_FIELD(A, batch_size).added("5.18"),
};
} // namespace

BPFSC_COMMAND(BPF_PROG_TEST_RUN, "test", k_fields, Returns::Zero, Object::None, "4.12");

} // namespace bpfsc::decoder::commands
