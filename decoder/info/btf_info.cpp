// struct bpf_btf_info: a BTF object's id and whether it is the kernel's,
// its raw bytes into a buffer the caller passes (btf, btf_size) and, since
// 5.11, its name ("vmlinux", a module's name; empty for a loaded blob).
#include "layouts.h"

namespace bpfsc::decoder::info {
namespace {
using B = uapi::btf_info;

constexpr Field k_fields[] = {
    BPFSC_FIELD(B, btf).points_to(Content::Bytes, count_of(BPFSC_OFF(B, btf_size), 4)).out(),
    BPFSC_FIELD(B, btf_size).inout(),
    BPFSC_FIELD(B, id).id(Object::Btf).out(),
    BPFSC_FIELD(B, name).points_to(Content::Text, count_of(BPFSC_OFF(B, name_len), 4)).out().added("5.11"),
    BPFSC_FIELD(B, name_len).inout().added("5.11"),
    BPFSC_FIELD(B, kernel_btf).out().added("5.11"),
};
} // namespace

// A name buffer too short: the kernel writes the cut name and the struct,
// then fails with ENOSPC.
const InfoLayout btf_info_layout{"bpf_btf_info", k_fields, {}, sizeof(B), true};

} // namespace bpfsc::decoder::info
