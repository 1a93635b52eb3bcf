// BPF_OBJ_GET_INFO_BY_FD (union member "info"): the kernel fills the info
// struct of a map, program, BTF object or link, and writes back info_len.
// The struct's layout depends on the object bpf_fd refers to: info/ reads
// it (the caller's inputs at entry, what the kernel wrote at exit).
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::info_attr;

constexpr Field k_fields[] = {
    BPFSC_FIELD(A, bpf_fd).fd(Object::BpfAny),
    BPFSC_FIELD(A, info_len).inout().written_on_success(),
    BPFSC_FIELD(A, info).points_to(Content::InfoStruct, count_of(BPFSC_OFF(A, info_len), 4)).out(),
};
} // namespace

BPFSC_COMMAND(BPF_OBJ_GET_INFO_BY_FD, "info", k_fields, Returns::Zero, Object::None,
              "4.13");

} // namespace bpfsc::decoder::commands
