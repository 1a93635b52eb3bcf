// The info structs BPF_OBJ_GET_INFO_BY_FD fills, as of Linux 6.18 (checked
// against the running kernel's BTF): struct bpf_prog_info, bpf_map_info,
// bpf_btf_info and bpf_link_info with every per-link-type union member,
// and the func_info/line_info records a program's info points to. Kernel
// names verbatim; comments give the release that added late members.
// info_check.cpp static_asserts them against the system's linux/bpf.h
// (Debian 12: 6.1) wherever that header has the member.
#pragma once

#include "bpf_attr.h"

namespace bpfsc::uapi {

struct prog_info {                // struct bpf_prog_info (4.13)
    u32 type;
    u32 id;
    uint8_t tag[8];               // BPF_TAG_SIZE
    u32 jited_prog_len;
    u32 xlated_prog_len;
    u64 jited_prog_insns;
    u64 xlated_prog_insns;
    u64 load_time;                // 4.15, ns since boot
    u32 created_by_uid;
    u32 nr_map_ids;
    u64 map_ids;
    char name[16];
    u32 ifindex;                  // 4.16
    u32 gpl_compatible;           // 4.18: bit 0 (gpl_compatible:1); bits 1..31 are padding
    u64 netns_dev;                // 4.16
    u64 netns_ino;
    u32 nr_jited_ksyms;           // 4.18
    u32 nr_jited_func_lens;
    u64 jited_ksyms;
    u64 jited_func_lens;
    u32 btf_id;                   // 5.0
    u32 func_info_rec_size;
    u64 func_info;
    u32 nr_func_info;
    u32 nr_line_info;
    u64 line_info;
    u64 jited_line_info;
    u32 nr_jited_line_info;
    u32 line_info_rec_size;
    u32 jited_line_info_rec_size;
    u32 nr_prog_tags;
    u64 prog_tags;
    u64 run_time_ns;              // 5.1
    u64 run_cnt;
    u64 recursion_misses;         // 5.12
    u32 verified_insns;           // 5.16
    u32 attach_btf_obj_id;        // 6.0
    u32 attach_btf_id;
};

struct map_info {                 // struct bpf_map_info (4.13)
    u32 type;
    u32 id;
    u32 key_size;
    u32 value_size;
    u32 max_entries;
    u32 map_flags;
    char name[16];                // 4.15
    u32 ifindex;                  // 4.16
    u32 btf_vmlinux_value_type_id;// 5.6
    u64 netns_dev;                // 4.16
    u64 netns_ino;
    u32 btf_id;                   // 4.18
    u32 btf_key_type_id;
    u32 btf_value_type_id;
    u32 btf_vmlinux_id;           // 6.9 (padding before)
    u64 map_extra;                // 5.16
    u64 hash;                     // 6.18: SHA-256 of a frozen map's contents
    u32 hash_size;
};

struct btf_info {                 // struct bpf_btf_info (4.18)
    u64 btf;
    u32 btf_size;
    u32 id;
    u64 name;                     // 5.11
    u32 name_len;
    u32 kernel_btf;
};

struct link_info {                // struct bpf_link_info (5.8)
    u32 type;
    u32 id;
    u32 prog_id;
    union {
        struct {
            u64 tp_name;
            u32 tp_name_len;
            u32 : 32;
            u64 cookie;           // 6.17
        } raw_tracepoint;
        struct {
            u32 attach_type;
            u32 target_obj_id;    // 5.13
            u32 target_btf_id;
            u32 : 32;
            u64 cookie;           // 6.17
        } tracing;
        struct {
            u64 cgroup_id;
            u32 attach_type;
        } cgroup;
        struct {
            u64 target_name;      // 5.10
            u32 target_name_len;
            union {
                struct {
                    u32 map_id;
                } map;
            };
            union {
                struct {
                    u64 cgroup_id;  // 6.1
                    u32 order;
                } cgroup;
                struct {
                    u32 tid;        // 6.1
                    u32 pid;
                } task;
            };
        } iter;
        struct {
            u32 netns_ino;
            u32 attach_type;
        } netns;
        struct {
            u32 ifindex;          // 5.9
        } xdp;
        struct {
            u32 map_id;           // 6.4
        } struct_ops;
        struct {
            u32 pf;               // 6.4
            u32 hooknum;
            s32 priority;
            u32 flags;
        } netfilter;
        struct {
            u64 addrs;            // 6.6
            u32 count;
            u32 flags;
            u64 missed;           // 6.7
            u64 cookies;          // 6.9
        } kprobe_multi;
        struct {
            u64 path;             // 6.8
            u64 offsets;
            u64 ref_ctr_offsets;
            u64 cookies;
            u32 path_size;
            u32 count;
            u32 flags;
            u32 pid;
        } uprobe_multi;
        struct {
            u32 type;             // 6.6, enum bpf_perf_event_type
            u32 : 32;
            union {
                struct {
                    u64 file_name;
                    u32 name_len;
                    u32 offset;
                    u64 cookie;          // 6.9
                    u64 ref_ctr_offset;  // 6.16
                } uprobe;
                struct {
                    u64 func_name;
                    u32 name_len;
                    u32 offset;
                    u64 addr;
                    u64 missed;          // 6.7
                    u64 cookie;          // 6.9
                } kprobe;
                struct {
                    u64 tp_name;
                    u32 name_len;
                    u32 : 32;
                    u64 cookie;          // 6.9
                } tracepoint;
                struct {
                    u64 config;
                    u32 type;
                    u32 : 32;
                    u64 cookie;          // 6.9
                } event;
            };
        } perf_event;
        struct {
            u32 ifindex;          // 6.6
            u32 attach_type;
        } tcx;
        struct {
            u32 ifindex;          // 6.7
            u32 attach_type;
        } netkit;
        struct {
            u32 map_id;           // 6.10
            u32 attach_type;
        } sockmap;
    };
};

// The records a program's info points to (struct bpf_func_info and
// struct bpf_line_info, 5.0).
struct func_info_rec {
    u32 insn_off;
    u32 type_id;
};

struct line_info_rec {
    u32 insn_off;
    u32 file_name_off;
    u32 line_off;
    u32 line_col;                 // line << 10 | column
};

// Sizes of the 6.18 structs, as the running kernel reports them in info_len.
static_assert(sizeof(prog_info) == 232);
static_assert(sizeof(map_info) == 104);
static_assert(sizeof(btf_info) == 32);
static_assert(sizeof(link_info) == 64);

} // namespace bpfsc::uapi
