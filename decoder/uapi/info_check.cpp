// Checks the project's 6.18 info struct layouts (bpf_info.h) against the
// system's linux/bpf.h wherever the system header has the member: the same
// offset and the same width. Members newer than the system header (Debian
// 12 ships 6.1) are checked by the unit tests against the running kernel.
#include <linux/bpf.h>

#include "bpf_info.h"

namespace bpfsc::uapi {
namespace {

#define SAME_MEMBER(ours, theirs, member)                                                        \
    static_assert(offsetof(ours, member) == offsetof(struct theirs, member), #theirs "." #member " offset"); \
    static_assert(sizeof(ours::member) == sizeof(((struct theirs*)nullptr)->member), #theirs "." #member " width")

SAME_MEMBER(prog_info, bpf_prog_info, type);
SAME_MEMBER(prog_info, bpf_prog_info, id);
SAME_MEMBER(prog_info, bpf_prog_info, tag);
SAME_MEMBER(prog_info, bpf_prog_info, jited_prog_len);
SAME_MEMBER(prog_info, bpf_prog_info, xlated_prog_len);
SAME_MEMBER(prog_info, bpf_prog_info, jited_prog_insns);
SAME_MEMBER(prog_info, bpf_prog_info, xlated_prog_insns);
SAME_MEMBER(prog_info, bpf_prog_info, load_time);
SAME_MEMBER(prog_info, bpf_prog_info, created_by_uid);
SAME_MEMBER(prog_info, bpf_prog_info, nr_map_ids);
SAME_MEMBER(prog_info, bpf_prog_info, map_ids);
SAME_MEMBER(prog_info, bpf_prog_info, name);
SAME_MEMBER(prog_info, bpf_prog_info, ifindex);
// gpl_compatible is a bit-field: its word sits between ifindex and netns_dev.
SAME_MEMBER(prog_info, bpf_prog_info, netns_dev);
SAME_MEMBER(prog_info, bpf_prog_info, netns_ino);
SAME_MEMBER(prog_info, bpf_prog_info, nr_jited_ksyms);
SAME_MEMBER(prog_info, bpf_prog_info, nr_jited_func_lens);
SAME_MEMBER(prog_info, bpf_prog_info, jited_ksyms);
SAME_MEMBER(prog_info, bpf_prog_info, jited_func_lens);
SAME_MEMBER(prog_info, bpf_prog_info, btf_id);
SAME_MEMBER(prog_info, bpf_prog_info, func_info_rec_size);
SAME_MEMBER(prog_info, bpf_prog_info, func_info);
SAME_MEMBER(prog_info, bpf_prog_info, nr_func_info);
SAME_MEMBER(prog_info, bpf_prog_info, nr_line_info);
SAME_MEMBER(prog_info, bpf_prog_info, line_info);
SAME_MEMBER(prog_info, bpf_prog_info, jited_line_info);
SAME_MEMBER(prog_info, bpf_prog_info, nr_jited_line_info);
SAME_MEMBER(prog_info, bpf_prog_info, line_info_rec_size);
SAME_MEMBER(prog_info, bpf_prog_info, jited_line_info_rec_size);
SAME_MEMBER(prog_info, bpf_prog_info, nr_prog_tags);
SAME_MEMBER(prog_info, bpf_prog_info, prog_tags);
SAME_MEMBER(prog_info, bpf_prog_info, run_time_ns);
SAME_MEMBER(prog_info, bpf_prog_info, run_cnt);
SAME_MEMBER(prog_info, bpf_prog_info, recursion_misses);
SAME_MEMBER(prog_info, bpf_prog_info, verified_insns);
SAME_MEMBER(prog_info, bpf_prog_info, attach_btf_obj_id);
SAME_MEMBER(prog_info, bpf_prog_info, attach_btf_id);
static_assert(sizeof(prog_info) == sizeof(struct bpf_prog_info));

SAME_MEMBER(map_info, bpf_map_info, type);
SAME_MEMBER(map_info, bpf_map_info, id);
SAME_MEMBER(map_info, bpf_map_info, key_size);
SAME_MEMBER(map_info, bpf_map_info, value_size);
SAME_MEMBER(map_info, bpf_map_info, max_entries);
SAME_MEMBER(map_info, bpf_map_info, map_flags);
SAME_MEMBER(map_info, bpf_map_info, name);
SAME_MEMBER(map_info, bpf_map_info, ifindex);
SAME_MEMBER(map_info, bpf_map_info, btf_vmlinux_value_type_id);
SAME_MEMBER(map_info, bpf_map_info, netns_dev);
SAME_MEMBER(map_info, bpf_map_info, netns_ino);
SAME_MEMBER(map_info, bpf_map_info, btf_id);
SAME_MEMBER(map_info, bpf_map_info, btf_key_type_id);
SAME_MEMBER(map_info, bpf_map_info, btf_value_type_id);
SAME_MEMBER(map_info, bpf_map_info, map_extra);

SAME_MEMBER(btf_info, bpf_btf_info, btf);
SAME_MEMBER(btf_info, bpf_btf_info, btf_size);
SAME_MEMBER(btf_info, bpf_btf_info, id);
SAME_MEMBER(btf_info, bpf_btf_info, name);
SAME_MEMBER(btf_info, bpf_btf_info, name_len);
SAME_MEMBER(btf_info, bpf_btf_info, kernel_btf);
static_assert(sizeof(btf_info) == sizeof(struct bpf_btf_info));

SAME_MEMBER(link_info, bpf_link_info, type);
SAME_MEMBER(link_info, bpf_link_info, id);
SAME_MEMBER(link_info, bpf_link_info, prog_id);
SAME_MEMBER(link_info, bpf_link_info, raw_tracepoint.tp_name);
SAME_MEMBER(link_info, bpf_link_info, raw_tracepoint.tp_name_len);
SAME_MEMBER(link_info, bpf_link_info, tracing.attach_type);
SAME_MEMBER(link_info, bpf_link_info, tracing.target_obj_id);
SAME_MEMBER(link_info, bpf_link_info, tracing.target_btf_id);
SAME_MEMBER(link_info, bpf_link_info, cgroup.cgroup_id);
SAME_MEMBER(link_info, bpf_link_info, cgroup.attach_type);
SAME_MEMBER(link_info, bpf_link_info, iter.target_name);
SAME_MEMBER(link_info, bpf_link_info, iter.target_name_len);
SAME_MEMBER(link_info, bpf_link_info, iter.map.map_id);
SAME_MEMBER(link_info, bpf_link_info, iter.cgroup.cgroup_id);
SAME_MEMBER(link_info, bpf_link_info, iter.cgroup.order);
SAME_MEMBER(link_info, bpf_link_info, iter.task.tid);
SAME_MEMBER(link_info, bpf_link_info, iter.task.pid);
SAME_MEMBER(link_info, bpf_link_info, netns.netns_ino);
SAME_MEMBER(link_info, bpf_link_info, netns.attach_type);
SAME_MEMBER(link_info, bpf_link_info, xdp.ifindex);

SAME_MEMBER(func_info_rec, bpf_func_info, insn_off);
SAME_MEMBER(func_info_rec, bpf_func_info, type_id);
SAME_MEMBER(line_info_rec, bpf_line_info, insn_off);
SAME_MEMBER(line_info_rec, bpf_line_info, file_name_off);
SAME_MEMBER(line_info_rec, bpf_line_info, line_off);
SAME_MEMBER(line_info_rec, bpf_line_info, line_col);

} // namespace
} // namespace bpfsc::uapi
