// Checks the project's 6.18 layouts (bpf_attr.h) against the system's
// linux/bpf.h wherever the system header has the member: the same offset
// and the same width. Members newer than the system header are checked by
// the tests against the running kernel's behaviour instead.
#include <linux/bpf.h>

#include "bpf_attr.h"

namespace bpfsc::uapi {
namespace {

#define SAME(ours, path, member)                                                              \
    static_assert(offsetof(ours, member) == offsetof(union bpf_attr, path), #path " offset"); \
    static_assert(sizeof(ours::member) == sizeof(((union bpf_attr*)nullptr)->path), #path " width")

SAME(map_create_attr, map_type, map_type);
SAME(map_create_attr, key_size, key_size);
SAME(map_create_attr, value_size, value_size);
SAME(map_create_attr, max_entries, max_entries);
SAME(map_create_attr, map_flags, map_flags);
SAME(map_create_attr, inner_map_fd, inner_map_fd);
SAME(map_create_attr, numa_node, numa_node);
SAME(map_create_attr, map_name, map_name);
SAME(map_create_attr, map_ifindex, map_ifindex);
SAME(map_create_attr, btf_fd, btf_fd);
SAME(map_create_attr, btf_key_type_id, btf_key_type_id);
SAME(map_create_attr, btf_value_type_id, btf_value_type_id);
SAME(map_create_attr, btf_vmlinux_value_type_id, btf_vmlinux_value_type_id);
SAME(map_create_attr, map_extra, map_extra);

SAME(map_elem_attr, map_fd, map_fd);
SAME(map_elem_attr, key, key);
SAME(map_elem_attr, value, value);
SAME(map_elem_attr, next_key, next_key);
SAME(map_elem_attr, flags, flags);

SAME(map_batch_attr, batch.in_batch, in_batch);
SAME(map_batch_attr, batch.out_batch, out_batch);
SAME(map_batch_attr, batch.keys, keys);
SAME(map_batch_attr, batch.values, values);
SAME(map_batch_attr, batch.count, count);
SAME(map_batch_attr, batch.map_fd, map_fd);
SAME(map_batch_attr, batch.elem_flags, elem_flags);
SAME(map_batch_attr, batch.flags, flags);

SAME(prog_load_attr, prog_type, prog_type);
SAME(prog_load_attr, insn_cnt, insn_cnt);
SAME(prog_load_attr, insns, insns);
SAME(prog_load_attr, license, license);
SAME(prog_load_attr, log_level, log_level);
SAME(prog_load_attr, log_size, log_size);
SAME(prog_load_attr, log_buf, log_buf);
SAME(prog_load_attr, kern_version, kern_version);
SAME(prog_load_attr, prog_flags, prog_flags);
SAME(prog_load_attr, prog_name, prog_name);
SAME(prog_load_attr, prog_ifindex, prog_ifindex);
SAME(prog_load_attr, expected_attach_type, expected_attach_type);
SAME(prog_load_attr, prog_btf_fd, prog_btf_fd);
SAME(prog_load_attr, func_info_rec_size, func_info_rec_size);
SAME(prog_load_attr, func_info, func_info);
SAME(prog_load_attr, func_info_cnt, func_info_cnt);
SAME(prog_load_attr, line_info_rec_size, line_info_rec_size);
SAME(prog_load_attr, line_info, line_info);
SAME(prog_load_attr, line_info_cnt, line_info_cnt);
SAME(prog_load_attr, attach_btf_id, attach_btf_id);
SAME(prog_load_attr, attach_prog_fd, attach_prog_fd);
SAME(prog_load_attr, attach_btf_obj_fd, attach_btf_obj_fd);
SAME(prog_load_attr, core_relo_cnt, core_relo_cnt);
SAME(prog_load_attr, fd_array, fd_array);
SAME(prog_load_attr, core_relos, core_relos);
SAME(prog_load_attr, core_relo_rec_size, core_relo_rec_size);

SAME(obj_attr, pathname, pathname);
SAME(obj_attr, bpf_fd, bpf_fd);
SAME(obj_attr, file_flags, file_flags);

SAME(prog_attach_attr, target_fd, target_fd);
SAME(prog_attach_attr, attach_bpf_fd, attach_bpf_fd);
SAME(prog_attach_attr, attach_type, attach_type);
SAME(prog_attach_attr, attach_flags, attach_flags);
SAME(prog_attach_attr, replace_bpf_fd, replace_bpf_fd);

SAME(test_attr, test.prog_fd, prog_fd);
SAME(test_attr, test.retval, retval);
SAME(test_attr, test.data_size_in, data_size_in);
SAME(test_attr, test.data_size_out, data_size_out);
SAME(test_attr, test.data_in, data_in);
SAME(test_attr, test.data_out, data_out);
SAME(test_attr, test.repeat, repeat);
SAME(test_attr, test.duration, duration);
SAME(test_attr, test.ctx_size_in, ctx_size_in);
SAME(test_attr, test.ctx_size_out, ctx_size_out);
SAME(test_attr, test.ctx_in, ctx_in);
SAME(test_attr, test.ctx_out, ctx_out);
SAME(test_attr, test.flags, flags);
SAME(test_attr, test.cpu, cpu);
SAME(test_attr, test.batch_size, batch_size);

SAME(get_id_attr, start_id, start_id);
SAME(get_id_attr, prog_id, prog_id);
SAME(get_id_attr, map_id, map_id);
SAME(get_id_attr, btf_id, btf_id);
SAME(get_id_attr, link_id, link_id);
SAME(get_id_attr, next_id, next_id);
SAME(get_id_attr, open_flags, open_flags);

SAME(info_attr, info.bpf_fd, bpf_fd);
SAME(info_attr, info.info_len, info_len);
SAME(info_attr, info.info, info);

SAME(query_attr, query.target_fd, target_fd);
SAME(query_attr, query.attach_type, attach_type);
SAME(query_attr, query.query_flags, query_flags);
SAME(query_attr, query.attach_flags, attach_flags);
SAME(query_attr, query.prog_ids, prog_ids);
SAME(query_attr, query.prog_cnt, prog_cnt);
SAME(query_attr, query.prog_attach_flags, prog_attach_flags);

SAME(raw_tracepoint_attr, raw_tracepoint.name, name);
SAME(raw_tracepoint_attr, raw_tracepoint.prog_fd, prog_fd);

SAME(btf_load_attr, btf, btf);
SAME(btf_load_attr, btf_log_buf, btf_log_buf);
SAME(btf_load_attr, btf_size, btf_size);
SAME(btf_load_attr, btf_log_size, btf_log_size);
SAME(btf_load_attr, btf_log_level, btf_log_level);

SAME(task_fd_query_attr, task_fd_query.pid, pid);
SAME(task_fd_query_attr, task_fd_query.fd, fd);
SAME(task_fd_query_attr, task_fd_query.flags, flags);
SAME(task_fd_query_attr, task_fd_query.buf_len, buf_len);
SAME(task_fd_query_attr, task_fd_query.buf, buf);
SAME(task_fd_query_attr, task_fd_query.prog_id, prog_id);
SAME(task_fd_query_attr, task_fd_query.fd_type, fd_type);
SAME(task_fd_query_attr, task_fd_query.probe_offset, probe_offset);
SAME(task_fd_query_attr, task_fd_query.probe_addr, probe_addr);

SAME(link_create_attr, link_create.prog_fd, prog_fd);
SAME(link_create_attr, link_create.target_fd, target_fd);
SAME(link_create_attr, link_create.target_ifindex, target_ifindex);
SAME(link_create_attr, link_create.attach_type, attach_type);
SAME(link_create_attr, link_create.flags, flags);
SAME(link_create_attr, link_create.target_btf_id, target_btf_id);
SAME(link_create_attr, link_create.iter_info, iter_info);
SAME(link_create_attr, link_create.iter_info_len, iter_info_len);
SAME(link_create_attr, link_create.perf_event.bpf_cookie, perf_event.bpf_cookie);
SAME(link_create_attr, link_create.kprobe_multi.flags, kprobe_multi.flags);
SAME(link_create_attr, link_create.kprobe_multi.cnt, kprobe_multi.cnt);
SAME(link_create_attr, link_create.kprobe_multi.syms, kprobe_multi.syms);
SAME(link_create_attr, link_create.kprobe_multi.addrs, kprobe_multi.addrs);
SAME(link_create_attr, link_create.kprobe_multi.cookies, kprobe_multi.cookies);
SAME(link_create_attr, link_create.tracing.target_btf_id, tracing.target_btf_id);
SAME(link_create_attr, link_create.tracing.cookie, tracing.cookie);

SAME(link_update_attr, link_update.link_fd, link_fd);
SAME(link_update_attr, link_update.new_prog_fd, new_prog_fd);
SAME(link_update_attr, link_update.flags, flags);
SAME(link_update_attr, link_update.old_prog_fd, old_prog_fd);
SAME(link_detach_attr, link_detach.link_fd, link_fd);
SAME(enable_stats_attr, enable_stats.type, type);
SAME(iter_create_attr, iter_create.link_fd, link_fd);
SAME(iter_create_attr, iter_create.flags, flags);
SAME(prog_bind_map_attr, prog_bind_map.prog_fd, prog_fd);
SAME(prog_bind_map_attr, prog_bind_map.map_fd, map_fd);
SAME(prog_bind_map_attr, prog_bind_map.flags, flags);

// Command numbers and the enum values the decoder selects union members by.
#define SAME_NUMBER(name) static_assert(uint32_t(name) == uint32_t(::name), #name)
#define SAME_COMMAND(name) SAME_NUMBER(name);
BPFSC_BPF_COMMANDS_6_1(SAME_COMMAND)
#undef SAME_COMMAND
static_assert(BPF_TOKEN_CREATE == 36 && BPF_PROG_STREAM_READ_BY_FD == 37 && BPF_CMD_COUNT == 38);
SAME_NUMBER(BPF_TRACE_RAW_TP);
SAME_NUMBER(BPF_TRACE_FENTRY);
SAME_NUMBER(BPF_TRACE_FEXIT);
SAME_NUMBER(BPF_MODIFY_RETURN);
SAME_NUMBER(BPF_LSM_MAC);
SAME_NUMBER(BPF_TRACE_ITER);
SAME_NUMBER(BPF_XDP);
SAME_NUMBER(BPF_PERF_EVENT);
SAME_NUMBER(BPF_TRACE_KPROBE_MULTI);
SAME_NUMBER(BPF_LSM_CGROUP);
static_assert(sizeof(union bpf_attr) <= BPF_ATTR_SIZE_6_18);

} // namespace
} // namespace bpfsc::uapi
