// Value-name tables ("xlat", as strace calls them) for the constants of
// linux/bpf.h, and the two ways of printing a number through one: as an enum
// value or as a set of flag bits. Unknown values and bits are never dropped:
// they print as numbers with the table's "???" marker.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace bpfsc::decoder {

struct XlatEntry {
    uint64_t value;
    std::string_view name;
};

struct Xlat {
    std::string_view table;            // e.g. "bpf_map_type"
    std::span<const XlatEntry> entries;
    std::string_view unknown;          // marker for unknown values, e.g. "BPF_MAP_TYPE_???"

    // The name of an exact value, or an empty view.
    std::string_view name_of(uint64_t value) const;
};


namespace xlat {
extern const Xlat bpf_cmd;
extern const Xlat bpf_map_type;
extern const Xlat bpf_prog_type;
extern const Xlat bpf_attach_type;
extern const Xlat bpf_link_type;
extern const Xlat bpf_stats_type;
extern const Xlat bpf_task_fd_type;
extern const Xlat bpf_stream_id;
extern const Xlat bpf_perf_event_type;   // bpf_link_info perf_event.type
extern const Xlat bpf_cgroup_iter_order; // bpf_link_info iter.cgroup.order
extern const Xlat bpf_map_flags;        // BPF_MAP_CREATE map_flags
extern const Xlat bpf_prog_flags;       // BPF_PROG_LOAD prog_flags
extern const Xlat bpf_attach_flags;     // BPF_PROG_ATTACH/LINK_CREATE flags
extern const Xlat bpf_file_flags;       // BPF_OBJ_PIN / BPF_OBJ_GET file_flags
extern const Xlat bpf_open_flags;       // *_GET_FD_BY_ID open_flags
extern const Xlat bpf_elem_flags;       // lookup/update/delete element flags
extern const Xlat bpf_query_flags;      // BPF_PROG_QUERY query_flags
extern const Xlat bpf_test_run_flags;   // BPF_PROG_TEST_RUN flags
extern const Xlat bpf_kprobe_multi_flags;
extern const Xlat bpf_uprobe_multi_flags;
extern const Xlat bpf_netfilter_flags;
extern const Xlat bpf_link_update_flags;
extern const Xlat bpf_btf_flags;        // BPF_BTF_LOAD btf_flags
extern const Xlat xdp_flags;            // BPF_LINK_CREATE flags of XDP links
extern const Xlat bpf_no_flags;         // commands whose flags must be 0
} // namespace xlat

} // namespace bpfsc::decoder
