// struct bpf_prog_info: what the kernel tells of a program, and the arrays
// it copies out when the caller passes a buffer and a capacity (map ids,
// instructions, symbols, BTF func/line records, tags of subprograms).
#include "layouts.h"

namespace bpfsc::decoder::info {
namespace {
using P = uapi::prog_info;

constexpr Length bytes_in(uint16_t len_off) { return count_of(len_off, 4); }
constexpr Length elements_in(uint16_t nr_off) { return count_of(nr_off, 4); }

constexpr Field k_fields[] = {
    BPFSC_FIELD(P, type).enum_of(xlat::bpf_prog_type).out(),
    BPFSC_FIELD(P, id).id(Object::Prog).out(),
    hex_array(BPFSC_FIELD(P, tag)).out(),
    BPFSC_FIELD(P, jited_prog_len).inout(),
    BPFSC_FIELD(P, xlated_prog_len).inout(),
    BPFSC_FIELD(P, jited_prog_insns).points_to(Content::Sized, bytes_in(BPFSC_OFF(P, jited_prog_len))).out(),
    BPFSC_FIELD(P, xlated_prog_insns).points_to(Content::Insns, bytes_in(BPFSC_OFF(P, xlated_prog_len))).out(),
    BPFSC_FIELD(P, load_time).out().added("4.15"),
    BPFSC_FIELD(P, created_by_uid).out().added("4.15"),
    BPFSC_FIELD(P, nr_map_ids).inout().added("4.15"),
    BPFSC_FIELD(P, map_ids).points_to(Content::U32Array, elements_in(BPFSC_OFF(P, nr_map_ids))).out().added("4.15"),
    BPFSC_FIELD(P, name).as(Kind::CharArray).out().added("4.15"),
    BPFSC_FIELD(P, ifindex).as(Kind::Ifindex).out().added("4.16"),
    BPFSC_FIELD(P, gpl_compatible).out().added("4.18"),
    BPFSC_FIELD(P, netns_dev).as(Kind::Hex).out().added("4.16"),
    BPFSC_FIELD(P, netns_ino).out().added("4.16"),
    BPFSC_FIELD(P, nr_jited_ksyms).inout().added("4.18"),
    BPFSC_FIELD(P, nr_jited_func_lens).inout().added("4.18"),
    BPFSC_FIELD(P, jited_ksyms).points_to(Content::U64Array, elements_in(BPFSC_OFF(P, nr_jited_ksyms))).out().added("4.18"),
    BPFSC_FIELD(P, jited_func_lens)
        .points_to(Content::U32Array, elements_in(BPFSC_OFF(P, nr_jited_func_lens)))
        .out()
        .added("4.18"),
    BPFSC_FIELD(P, btf_id).id(Object::Btf).out().added("5.0"),
    BPFSC_FIELD(P, func_info_rec_size).inout().added("5.0"),
    BPFSC_FIELD(P, func_info)
        .points_to(Content::FuncInfo, records_of(BPFSC_OFF(P, nr_func_info), BPFSC_OFF(P, func_info_rec_size)))
        .out()
        .added("5.0"),
    BPFSC_FIELD(P, nr_func_info).inout().added("5.0"),
    BPFSC_FIELD(P, nr_line_info).inout().added("5.0"),
    BPFSC_FIELD(P, line_info)
        .points_to(Content::LineInfo, records_of(BPFSC_OFF(P, nr_line_info), BPFSC_OFF(P, line_info_rec_size)))
        .out()
        .added("5.0"),
    // One jited address per line_info record (the record size is 8).
    BPFSC_FIELD(P, jited_line_info)
        .points_to(Content::U64Array, elements_in(BPFSC_OFF(P, nr_jited_line_info)))
        .out()
        .added("5.0"),
    BPFSC_FIELD(P, nr_jited_line_info).inout().added("5.0"),
    BPFSC_FIELD(P, line_info_rec_size).inout().added("5.0"),
    BPFSC_FIELD(P, jited_line_info_rec_size).inout().added("5.0"),
    BPFSC_FIELD(P, nr_prog_tags).inout().added("5.0"),
    BPFSC_FIELD(P, prog_tags).points_to(Content::Tags, elements_in(BPFSC_OFF(P, nr_prog_tags))).out().added("5.0"),
    BPFSC_FIELD(P, run_time_ns).out().added("5.1"),
    BPFSC_FIELD(P, run_cnt).out().added("5.1"),
    BPFSC_FIELD(P, recursion_misses).out().added("5.12"),
    BPFSC_FIELD(P, verified_insns).out().added("5.16"),
    BPFSC_FIELD(P, attach_btf_obj_id).id(Object::Btf).out().added("6.0"),
    BPFSC_FIELD(P, attach_btf_id).btf_type_in_id(BPFSC_OFF(P, attach_btf_obj_id), true).out().added("6.0"),
};
} // namespace

const InfoLayout prog_info_layout{"bpf_prog_info", k_fields, {}, sizeof(P), false};

} // namespace bpfsc::decoder::info
