// Typed names for the members of union bpf_attr that code reads by meaning
// (the notes, the fd model, the seccomp broker, the verifier replay), so no
// one looks a member up by a string: attr::map_elem::map_fd says which
// layout of uapi/bpf_attr.h the member belongs to, and a misspelt or
// misplaced member fails to compile. A member matches a row of a command
// table when name, nested struct, offset and width all agree; a unit test
// checks that every name below matches a row of some table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "schema.h"
#include "uapi/bpf_attr.h"

namespace bpfsc::decoder {

struct AttrMember {
    std::string_view name;
    std::string_view group;  // nested struct ("uprobe_multi"), "" at the top
    uint16_t offset;
    uint8_t width;

    constexpr bool names(const Field& f) const {
        return f.offset == offset && f.width == width && f.name == name && f.group == group;
    }
};

// X(namespace, layout, member) and NESTED(namespace, layout, struct, member),
// one per member read by meaning, grouped by layout.
#define BPFSC_ATTR_MEMBERS(X, NESTED)                                      \
    X(map_create, map_create_attr, map_type)                               \
    X(map_create, map_create_attr, key_size)                               \
    X(map_create, map_create_attr, value_size)                             \
    X(map_create, map_create_attr, max_entries)                            \
    X(map_create, map_create_attr, map_name)                               \
    X(map_elem, map_elem_attr, map_fd)                                     \
    X(map_elem, map_elem_attr, key)                                        \
    X(map_elem, map_elem_attr, value)                                      \
    X(map_elem, map_elem_attr, flags)                                      \
    X(map_batch, map_batch_attr, in_batch)                                 \
    X(map_batch, map_batch_attr, out_batch)                                \
    X(map_batch, map_batch_attr, count)                                    \
    X(map_batch, map_batch_attr, map_fd)                                   \
    X(prog_load, prog_load_attr, prog_type)                                \
    X(prog_load, prog_load_attr, insn_cnt)                                 \
    X(prog_load, prog_load_attr, insns)                                    \
    X(prog_load, prog_load_attr, license)                                  \
    X(prog_load, prog_load_attr, log_level)                                \
    X(prog_load, prog_load_attr, log_size)                                 \
    X(prog_load, prog_load_attr, log_buf)                                  \
    X(prog_load, prog_load_attr, prog_name)                                \
    X(prog_load, prog_load_attr, expected_attach_type)                     \
    X(prog_load, prog_load_attr, log_true_size)                            \
    X(prog_load, prog_load_attr, signature)                                \
    X(obj, obj_attr, pathname)                                             \
    X(obj, obj_attr, bpf_fd)                                               \
    X(obj, obj_attr, file_flags)                                           \
    X(obj, obj_attr, path_fd)                                              \
    X(prog_attach, prog_attach_attr, target_fd)                            \
    X(prog_attach, prog_attach_attr, target_ifindex)                       \
    X(prog_attach, prog_attach_attr, attach_bpf_fd)                        \
    X(prog_attach, prog_attach_attr, attach_type)                          \
    X(prog_attach, prog_attach_attr, attach_flags)                         \
    X(test_run, test_attr, prog_fd)                                        \
    X(test_run, test_attr, retval)                                         \
    X(test_run, test_attr, data_size_out)                                  \
    X(test_run, test_attr, repeat)                                         \
    X(test_run, test_attr, duration)                                       \
    X(get_id, get_id_attr, start_id)                                       \
    X(get_id, get_id_attr, prog_id)                                        \
    X(get_id, get_id_attr, map_id)                                         \
    X(get_id, get_id_attr, btf_id)                                         \
    X(get_id, get_id_attr, link_id)                                        \
    X(get_id, get_id_attr, next_id)                                        \
    X(get_id, get_id_attr, open_flags)                                     \
    X(info, info_attr, bpf_fd)                                             \
    X(info, info_attr, info_len)                                           \
    X(info, info_attr, info)                                               \
    X(query, query_attr, target_fd)                                        \
    X(query, query_attr, target_ifindex)                                   \
    X(query, query_attr, attach_type)                                      \
    X(query, query_attr, query_flags)                                      \
    X(query, query_attr, prog_ids)                                         \
    X(query, query_attr, prog_cnt)                                         \
    X(raw_tracepoint, raw_tracepoint_attr, name)                           \
    X(raw_tracepoint, raw_tracepoint_attr, prog_fd)                        \
    X(btf_load, btf_load_attr, btf_size)                                   \
    X(btf_load, btf_load_attr, btf_log_buf)                                \
    X(btf_load, btf_load_attr, btf_log_size)                               \
    X(btf_load, btf_load_attr, btf_log_level)                              \
    X(btf_load, btf_load_attr, btf_log_true_size)                          \
    X(task_fd_query, task_fd_query_attr, pid)                              \
    X(task_fd_query, task_fd_query_attr, fd)                               \
    X(task_fd_query, task_fd_query_attr, buf_len)                          \
    X(task_fd_query, task_fd_query_attr, buf)                              \
    X(task_fd_query, task_fd_query_attr, prog_id)                          \
    X(task_fd_query, task_fd_query_attr, fd_type)                          \
    X(link_create, link_create_attr, prog_fd)                              \
    X(link_create, link_create_attr, map_fd)                               \
    X(link_create, link_create_attr, target_fd)                            \
    X(link_create, link_create_attr, target_ifindex)                       \
    X(link_create, link_create_attr, attach_type)                          \
    NESTED(link_create, link_create_attr, uprobe_multi, path)              \
    X(link_update, link_update_attr, link_fd)                              \
    X(link_update, link_update_attr, new_prog_fd)                          \
    X(link_update, link_update_attr, flags)                                \
    X(link_update, link_update_attr, old_prog_fd)                          \
    X(link_detach, link_detach_attr, link_fd)                              \
    X(enable_stats, enable_stats_attr, type)                               \
    X(iter_create, iter_create_attr, link_fd)                              \
    X(prog_bind_map, prog_bind_map_attr, prog_fd)                          \
    X(prog_bind_map, prog_bind_map_attr, map_fd)                           \
    X(token_create, token_create_attr, bpffs_fd)                           \
    X(prog_stream_read, prog_stream_read_attr, prog_fd)                    \
    X(prog_stream_read, prog_stream_read_attr, stream_id)

namespace attr {
#define BPFSC_DEFINE_MEMBER(NS, S, m)                                                                           \
    namespace NS {                                                                                              \
    inline constexpr AttrMember m{#m, {}, static_cast<uint16_t>(offsetof(uapi::S, m)),                          \
                                  static_cast<uint8_t>(sizeof(uapi::S::m))};                                    \
    }
#define BPFSC_DEFINE_NESTED(NS, S, g, m)                                                                        \
    namespace NS::g {                                                                                           \
    inline constexpr AttrMember m{#m, #g, static_cast<uint16_t>(offsetof(uapi::S, g.m)),                        \
                                  static_cast<uint8_t>(sizeof(uapi::S::g.m))};                                  \
    }
BPFSC_ATTR_MEMBERS(BPFSC_DEFINE_MEMBER, BPFSC_DEFINE_NESTED)
#undef BPFSC_DEFINE_MEMBER
#undef BPFSC_DEFINE_NESTED
} // namespace attr

// Every member above (for the test that matches each with a table row).
std::span<const AttrMember* const> all_attr_members();

} // namespace bpfsc::decoder
