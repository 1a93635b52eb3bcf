// The layouts of union bpf_attr as of Linux 6.18, one struct per command
// family, with the kernel's field names verbatim. Defined here (layouts are
// facts of the uapi) so that fields newer than the system's linux/bpf.h
// (Debian 12 ships 6.1) exist; uapi_check.cpp static_asserts every offset
// against the system header wherever the system header has the field.
// Comments give the release that added late fields.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bpfsc::uapi {

using u32 = uint32_t;
using s32 = int32_t;
typedef uint64_t u64 __attribute__((aligned(8)));

// The commands of bpf(), in the kernel's numbering (enum bpf_cmd): the one
// list the enum below, the names (xlat.cpp) and the command tables
// (commands/registry.cpp) are made from: those of Linux 6.1 (the system
// header's, which uapi_check.cpp compares them with) and the later ones.
#define BPFSC_BPF_COMMANDS(X) BPFSC_BPF_COMMANDS_6_1(X) BPFSC_BPF_COMMANDS_LATER(X)
#define BPFSC_BPF_COMMANDS_6_1(X)                                                            \
    X(BPF_MAP_CREATE) X(BPF_MAP_LOOKUP_ELEM) X(BPF_MAP_UPDATE_ELEM) X(BPF_MAP_DELETE_ELEM)   \
    X(BPF_MAP_GET_NEXT_KEY) X(BPF_PROG_LOAD) X(BPF_OBJ_PIN) X(BPF_OBJ_GET)                  \
    X(BPF_PROG_ATTACH) X(BPF_PROG_DETACH) X(BPF_PROG_TEST_RUN) X(BPF_PROG_GET_NEXT_ID)       \
    X(BPF_MAP_GET_NEXT_ID) X(BPF_PROG_GET_FD_BY_ID) X(BPF_MAP_GET_FD_BY_ID)                 \
    X(BPF_OBJ_GET_INFO_BY_FD) X(BPF_PROG_QUERY) X(BPF_RAW_TRACEPOINT_OPEN)                   \
    X(BPF_BTF_LOAD) X(BPF_BTF_GET_FD_BY_ID) X(BPF_TASK_FD_QUERY)                             \
    X(BPF_MAP_LOOKUP_AND_DELETE_ELEM) X(BPF_MAP_FREEZE) X(BPF_BTF_GET_NEXT_ID)               \
    X(BPF_MAP_LOOKUP_BATCH) X(BPF_MAP_LOOKUP_AND_DELETE_BATCH) X(BPF_MAP_UPDATE_BATCH)       \
    X(BPF_MAP_DELETE_BATCH) X(BPF_LINK_CREATE) X(BPF_LINK_UPDATE)                            \
    X(BPF_LINK_GET_FD_BY_ID) X(BPF_LINK_GET_NEXT_ID) X(BPF_ENABLE_STATS)                     \
    X(BPF_ITER_CREATE) X(BPF_LINK_DETACH) X(BPF_PROG_BIND_MAP)
#define BPFSC_BPF_COMMANDS_LATER(X) \
    X(BPF_TOKEN_CREATE)           /* 6.9 */ \
    X(BPF_PROG_STREAM_READ_BY_FD) /* 6.17 */

#define BPFSC_ENUMERATOR(name) name,
enum BpfCmd : uint32_t { BPFSC_BPF_COMMANDS(BPFSC_ENUMERATOR) BPF_CMD_COUNT };
#undef BPFSC_ENUMERATOR

// Attach types the decoder must recognise to pick a union member.
enum BpfAttachType : uint32_t {
    BPF_TRACE_RAW_TP = 23, BPF_TRACE_FENTRY = 24, BPF_TRACE_FEXIT = 25,
    BPF_MODIFY_RETURN = 26, BPF_LSM_MAC = 27, BPF_TRACE_ITER = 28,
    BPF_XDP = 37, BPF_PERF_EVENT = 41, BPF_TRACE_KPROBE_MULTI = 42,
    BPF_LSM_CGROUP = 43, BPF_STRUCT_OPS = 44, BPF_NETFILTER = 45,
    BPF_TCX_INGRESS = 46, BPF_TCX_EGRESS = 47, BPF_TRACE_UPROBE_MULTI = 48,
    BPF_NETKIT_PRIMARY = 54, BPF_NETKIT_PEER = 55,
    BPF_TRACE_KPROBE_SESSION = 56, BPF_TRACE_UPROBE_SESSION = 57,
};

inline constexpr u32 BPF_F_NUMA_NODE_FLAG = 1u << 2;
inline constexpr u32 BPF_F_BEFORE_FLAG = 1u << 3;
inline constexpr u32 BPF_F_AFTER_FLAG = 1u << 4;
inline constexpr u32 BPF_F_ID_FLAG = 1u << 5;

struct map_create_attr {          // BPF_MAP_CREATE
    u32 map_type;
    u32 key_size;
    u32 value_size;
    u32 max_entries;
    u32 map_flags;                // 4.6
    u32 inner_map_fd;             // 4.12
    u32 numa_node;                // 4.14
    char map_name[16];            // 4.15
    u32 map_ifindex;              // 4.16
    u32 btf_fd;                   // 4.18
    u32 btf_key_type_id;          // 4.18
    u32 btf_value_type_id;        // 4.18
    u32 btf_vmlinux_value_type_id;// 5.6
    u64 map_extra;                // 5.16
    s32 value_type_btf_obj_fd;    // 6.9
    s32 map_token_fd;             // 6.9
    u64 excl_prog_hash;           // 6.18
    u32 excl_prog_hash_size;      // 6.18
};

struct map_elem_attr {            // BPF_MAP_*_ELEM, BPF_MAP_GET_NEXT_KEY, BPF_MAP_FREEZE
    u32 map_fd;
    u64 key;
    union {
        u64 value;
        u64 next_key;
    };
    u64 flags;
};

struct map_batch_attr {           // union member "batch" (5.6)
    u64 in_batch;
    u64 out_batch;
    u64 keys;
    u64 values;
    u32 count;
    u32 map_fd;
    u64 elem_flags;
    u64 flags;
};

struct prog_load_attr {           // BPF_PROG_LOAD
    u32 prog_type;
    u32 insn_cnt;
    u64 insns;
    u64 license;
    u32 log_level;                // 3.18
    u32 log_size;
    u64 log_buf;
    u32 kern_version;             // 4.1
    u32 prog_flags;               // 4.12
    char prog_name[16];           // 4.15
    u32 prog_ifindex;             // 4.15
    u32 expected_attach_type;     // 4.17
    u32 prog_btf_fd;              // 5.0
    u32 func_info_rec_size;
    u64 func_info;
    u32 func_info_cnt;
    u32 line_info_rec_size;
    u64 line_info;
    u32 line_info_cnt;
    u32 attach_btf_id;            // 5.5
    union {
        u32 attach_prog_fd;       // 5.5
        u32 attach_btf_obj_fd;    // 5.11
    };
    u32 core_relo_cnt;            // 5.17
    u64 fd_array;                 // 5.14
    u64 core_relos;               // 5.17
    u32 core_relo_rec_size;
    u32 log_true_size;            // 6.4
    s32 prog_token_fd;            // 6.9
    u32 fd_array_cnt;             // 6.14
    u64 signature;                // 6.18
    u32 signature_size;           // 6.18
    s32 keyring_id;               // 6.18
};

struct obj_attr {                 // BPF_OBJ_PIN, BPF_OBJ_GET
    u64 pathname;
    u32 bpf_fd;
    u32 file_flags;               // 4.15
    s32 path_fd;                  // 6.5
};

struct prog_attach_attr {         // BPF_PROG_ATTACH, BPF_PROG_DETACH
    union {
        u32 target_fd;
        u32 target_ifindex;       // 6.6
    };
    u32 attach_bpf_fd;
    u32 attach_type;
    u32 attach_flags;
    u32 replace_bpf_fd;           // 5.6
    union {
        u32 relative_fd;          // 6.6
        u32 relative_id;
    };
    u64 expected_revision;        // 6.6
};

struct test_attr {                // union member "test": BPF_PROG_TEST_RUN
    u32 prog_fd;
    u32 retval;
    u32 data_size_in;
    u32 data_size_out;
    u64 data_in;
    u64 data_out;
    u32 repeat;
    u32 duration;
    u32 ctx_size_in;              // 5.2
    u32 ctx_size_out;
    u64 ctx_in;
    u64 ctx_out;
    u32 flags;                    // 5.10
    u32 cpu;
    u32 batch_size;               // 5.18
};

struct get_id_attr {              // *_GET_NEXT_ID, *_GET_FD_BY_ID
    union {
        u32 start_id;
        u32 prog_id;
        u32 map_id;
        u32 btf_id;
        u32 link_id;
    };
    u32 next_id;
    u32 open_flags;               // 4.15
    s32 fd_by_id_token_fd;        // 6.15
};

struct info_attr {                // union member "info": BPF_OBJ_GET_INFO_BY_FD
    u32 bpf_fd;
    u32 info_len;
    u64 info;
};

struct query_attr {               // union member "query": BPF_PROG_QUERY (4.15)
    union {
        u32 target_fd;
        u32 target_ifindex;       // 6.6
    };
    u32 attach_type;
    u32 query_flags;
    u32 attach_flags;
    u64 prog_ids;
    union {
        u32 prog_cnt;
        u32 count;                // 6.6
    };
    u64 prog_attach_flags;        // 5.19
    u64 link_ids;                 // 6.6
    u64 link_attach_flags;        // 6.6
    u64 revision;                 // 6.6
};

struct raw_tracepoint_attr {      // union member "raw_tracepoint" (4.17)
    u64 name;
    u32 prog_fd;
    u64 cookie;                   // 6.10
};

struct btf_load_attr {            // BPF_BTF_LOAD (4.18)
    u64 btf;
    u64 btf_log_buf;
    u32 btf_size;
    u32 btf_log_size;
    u32 btf_log_level;
    u32 btf_log_true_size;        // 6.4
    u32 btf_flags;                // 6.9
    s32 btf_token_fd;             // 6.9
};

struct task_fd_query_attr {       // union member "task_fd_query" (4.18)
    u32 pid;
    u32 fd;
    u32 flags;
    u32 buf_len;
    u64 buf;
    u32 prog_id;
    u32 fd_type;
    u64 probe_offset;
    u64 probe_addr;
};

struct link_create_attr {         // union member "link_create" (5.7)
    union {
        u32 prog_fd;
        u32 map_fd;               // 6.4, struct_ops links
    };
    union {
        u32 target_fd;
        u32 target_ifindex;
    };
    u32 attach_type;
    u32 flags;
    union {
        u32 target_btf_id;        // 5.10
        __extension__ struct {
            u64 iter_info;        // 5.9
            u32 iter_info_len;
        };
        struct {
            u64 bpf_cookie;       // 5.15
        } perf_event;
        struct {
            u32 flags;            // 5.18
            u32 cnt;
            u64 syms;
            u64 addrs;
            u64 cookies;
        } kprobe_multi;
        struct {
            u32 target_btf_id;    // 5.19
            u64 cookie;
        } tracing;
        struct {
            u32 pf;               // 6.4
            u32 hooknum;
            s32 priority;
            u32 flags;
        } netfilter;
        struct {
            union {
                u32 relative_fd;  // 6.6
                u32 relative_id;
            };
            u64 expected_revision;
        } tcx;
        struct {
            u64 path;             // 6.6
            u64 offsets;
            u64 ref_ctr_offsets;
            u64 cookies;
            u32 cnt;
            u32 flags;
            u32 pid;
        } uprobe_multi;
        struct {
            union {
                u32 relative_fd;  // 6.7
                u32 relative_id;
            };
            u64 expected_revision;
        } netkit;
        struct {
            union {
                u32 relative_fd;  // 6.16
                u32 relative_id;
            };
            u64 expected_revision;
        } cgroup;
    };
};

struct link_update_attr {         // union member "link_update" (5.7)
    u32 link_fd;
    union {
        u32 new_prog_fd;
        u32 new_map_fd;           // 6.4
    };
    u32 flags;
    union {
        u32 old_prog_fd;
        u32 old_map_fd;           // 6.4
    };
};

struct link_detach_attr {         // union member "link_detach" (5.9)
    u32 link_fd;
};

struct enable_stats_attr {        // union member "enable_stats" (5.8)
    u32 type;
};

struct iter_create_attr {         // union member "iter_create" (5.8)
    u32 link_fd;
    u32 flags;
};

struct prog_bind_map_attr {       // union member "prog_bind_map" (5.10)
    u32 prog_fd;
    u32 map_fd;
    u32 flags;
};

struct token_create_attr {        // union member "token_create" (6.9)
    u32 flags;
    u32 bpffs_fd;
};

struct prog_stream_read_attr {    // union member "prog_stream_read" (6.17)
    u64 stream_buf;
    u32 stream_buf_len;
    u32 stream_id;
    u32 prog_fd;
};

// sizeof(union bpf_attr) in 6.18.
inline constexpr std::size_t BPF_ATTR_SIZE_6_18 = 168;

struct bpf_insn_raw {
    uint8_t code;
    uint8_t regs;                 // dst_reg:4, src_reg:4
    int16_t off;
    int32_t imm;
};

} // namespace bpfsc::uapi
