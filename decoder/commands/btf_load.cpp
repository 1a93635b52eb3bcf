// BPF_BTF_LOAD: a BTF blob and its log buffer; returns the BTF object's fd.
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::btf_load_attr;

constexpr Field k_fields[] = {
    BPFSC_FIELD(A, btf).points_to(Content::Bytes, count_of(BPFSC_OFF(A, btf_size), 4)),
    BPFSC_FIELD(A, btf_log_buf)
        .points_to(Content::Text, count_of(BPFSC_OFF(A, btf_log_size), 4))
        .out()
        .on_failure(OnFailure::Written)
        .none_when_zero(),
    BPFSC_FIELD(A, btf_size),
    BPFSC_FIELD(A, btf_log_size).none_when_zero(),
    BPFSC_FIELD(A, btf_log_level).none_when_zero(),
    BPFSC_FIELD(A, btf_log_true_size).out().written_on_success().added("6.4"),
    BPFSC_FIELD(A, btf_flags).flags_of(xlat::bpf_btf_flags).added("6.9"),
    BPFSC_FIELD(A, btf_token_fd).fd(Object::Token).added("6.9"),
};
} // namespace

BPFSC_COMMAND(BPF_BTF_LOAD, "", k_fields, Returns::Fd, Object::Btf, "4.18");

} // namespace bpfsc::decoder::commands
