// struct bpf_map_info: a map's type, sizes, name and BTF ids, written by
// the kernel; since 6.18 also the SHA-256 of a frozen map's contents, into
// a buffer the caller passes (hash, with hash_size 32).
#include "layouts.h"

namespace bpfsc::decoder::info {
namespace {
using M = uapi::map_info;

constexpr Field k_fields[] = {
    BPFSC_FIELD(M, type).enum_of(xlat::bpf_map_type).out(),
    BPFSC_FIELD(M, id).id(Object::Map).out(),
    BPFSC_FIELD(M, key_size).out(),
    BPFSC_FIELD(M, value_size).out(),
    BPFSC_FIELD(M, max_entries).out(),
    BPFSC_FIELD(M, map_flags).flags_of(xlat::bpf_map_flags).out(),
    BPFSC_FIELD(M, name).as(Kind::CharArray).out().added("4.15"),
    BPFSC_FIELD(M, ifindex).as(Kind::Ifindex).out().added("4.16"),
    BPFSC_FIELD(M, btf_vmlinux_value_type_id).btf_type_in_id(BPFSC_OFF(M, btf_vmlinux_id), true).out().added("5.6"),
    BPFSC_FIELD(M, netns_dev).as(Kind::Hex).out().added("4.16"),
    BPFSC_FIELD(M, netns_ino).out().added("4.16"),
    BPFSC_FIELD(M, btf_id).id(Object::Btf).out().added("4.18"),
    BPFSC_FIELD(M, btf_key_type_id).btf_type_in_id(BPFSC_OFF(M, btf_id)).out().added("4.18"),
    BPFSC_FIELD(M, btf_value_type_id).btf_type_in_id(BPFSC_OFF(M, btf_id)).out().added("4.18"),
    BPFSC_FIELD(M, btf_vmlinux_id).id(Object::Btf).out().added("6.9"),
    BPFSC_FIELD(M, map_extra).as(Kind::Hex).out().added("5.16"),
    BPFSC_FIELD(M, hash).points_to(Content::HexBytes, count_of(BPFSC_OFF(M, hash_size), 4)).out().added("6.18"),
    BPFSC_FIELD(M, hash_size).added("6.18"),
};
} // namespace

const InfoLayout map_info_layout{"bpf_map_info", k_fields, {}, sizeof(M), false};

} // namespace bpfsc::decoder::info
