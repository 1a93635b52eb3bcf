// BPF_PROG_LOAD: a program, its BTF metadata and verifier log buffer;
// returns the program's fd. log_true_size is written by the kernel (6.4).
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::prog_load_attr;

constexpr Field k_fields[] = {
    BPFSC_FIELD(A, prog_type).enum_of(xlat::bpf_prog_type),
    BPFSC_FIELD(A, insn_cnt),
    BPFSC_FIELD(A, insns).points_to(Content::Sized, count_of(BPFSC_OFF(A, insn_cnt), 4, 8)).counted_as("insn"),
    BPFSC_FIELD(A, license).points_to(Content::String),
    BPFSC_FIELD(A, log_level).none_when_zero().added("3.18"),
    BPFSC_FIELD(A, log_size).none_when_zero().added("3.18"),
    BPFSC_FIELD(A, log_buf)
        .points_to(Content::Text, count_of(BPFSC_OFF(A, log_size), 4))
        .out()
        .on_failure(OnFailure::Written)
        .none_when_zero()
        .added("3.18"),
    BPFSC_FIELD(A, kern_version).as(Kind::KernVersion).added("4.1"),
    BPFSC_FIELD(A, prog_flags).flags_of(xlat::bpf_prog_flags).added("4.12"),
    BPFSC_FIELD(A, prog_name).as(Kind::CharArray).added("4.15"),
    BPFSC_FIELD(A, prog_ifindex).as(Kind::Ifindex).added("4.15"),
    BPFSC_FIELD(A, expected_attach_type).enum_of(xlat::bpf_attach_type).added("4.17"),
    BPFSC_FIELD(A, prog_btf_fd).fd(Object::Btf).added("5.0"),
    BPFSC_FIELD(A, func_info_rec_size).added("5.0"),
    BPFSC_FIELD(A, func_info)
        .points_to(Content::Sized, records_of(BPFSC_OFF(A, func_info_cnt), BPFSC_OFF(A, func_info_rec_size)))
        .counted_as("record")
        .added("5.0"),
    BPFSC_FIELD(A, func_info_cnt).added("5.0"),
    BPFSC_FIELD(A, line_info_rec_size).added("5.0"),
    BPFSC_FIELD(A, line_info)
        .points_to(Content::Sized, records_of(BPFSC_OFF(A, line_info_cnt), BPFSC_OFF(A, line_info_rec_size)))
        .counted_as("record")
        .added("5.0"),
    BPFSC_FIELD(A, line_info_cnt).added("5.0"),
    BPFSC_FIELD(A, attach_btf_id).btf_type_in(BPFSC_OFF(A, attach_prog_fd), true).added("5.5"),
    // A program fd (5.5) or, for a BTF object fd, attach_btf_obj_fd (5.11).
    BPFSC_FIELD(A, attach_prog_fd).fd(Object::BpfAny).added("5.5"),
    BPFSC_FIELD(A, core_relo_cnt).added("5.17"),
    BPFSC_FIELD(A, fd_array)
        .points_to(Content::FdArray, count_or_unknown(BPFSC_OFF(A, fd_array_cnt), 4))
        .added("5.14"),
    BPFSC_FIELD(A, core_relos)
        .points_to(Content::Sized, records_of(BPFSC_OFF(A, core_relo_cnt), BPFSC_OFF(A, core_relo_rec_size)))
        .counted_as("record")
        .added("5.17"),
    BPFSC_FIELD(A, core_relo_rec_size).added("5.17"),
    BPFSC_FIELD(A, log_true_size).out().written_on_success().added("6.4"),
    BPFSC_FIELD(A, prog_token_fd).fd(Object::Token).added("6.9"),
    BPFSC_FIELD(A, fd_array_cnt).added("6.14"),
    BPFSC_FIELD(A, signature)
        .points_to(Content::HexBytes, count_of(BPFSC_OFF(A, signature_size), 4))
        .added("6.18"),
    BPFSC_FIELD(A, signature_size).added("6.18"),
    BPFSC_FIELD(A, keyring_id).as(Kind::Sint).added("6.18"),
};
} // namespace

BPFSC_COMMAND(BPF_PROG_LOAD, "", k_fields, Returns::Fd, Object::Prog, "3.18");

} // namespace bpfsc::decoder::commands
