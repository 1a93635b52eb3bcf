// The enum and flag tables of Linux 6.18's include/uapi/linux/bpf.h.
// Numbers and names are facts of the uapi; values newer than Debian 12's
// 6.1 header are listed here too, so the project never depends on the
// system header to name them.
#include "xlat.h"

#include "uapi/bpf_attr.h"

namespace bpfsc::decoder {

std::string_view Xlat::name_of(uint64_t value) const {
    for (const auto& e : entries)
        if (e.value == value) return e.name;
    return {};
}

namespace {
#define BPFSC_COMMAND_NAME(name) {uapi::name, #name},
constexpr XlatEntry k_bpf_cmd[] = {BPFSC_BPF_COMMANDS(BPFSC_COMMAND_NAME)};
#undef BPFSC_COMMAND_NAME
constexpr XlatEntry k_bpf_map_type[] = {
    {0, "BPF_MAP_TYPE_UNSPEC"},
    {1, "BPF_MAP_TYPE_HASH"},
    {2, "BPF_MAP_TYPE_ARRAY"},
    {3, "BPF_MAP_TYPE_PROG_ARRAY"},
    {4, "BPF_MAP_TYPE_PERF_EVENT_ARRAY"},
    {5, "BPF_MAP_TYPE_PERCPU_HASH"},
    {6, "BPF_MAP_TYPE_PERCPU_ARRAY"},
    {7, "BPF_MAP_TYPE_STACK_TRACE"},
    {8, "BPF_MAP_TYPE_CGROUP_ARRAY"},
    {9, "BPF_MAP_TYPE_LRU_HASH"},
    {10, "BPF_MAP_TYPE_LRU_PERCPU_HASH"},
    {11, "BPF_MAP_TYPE_LPM_TRIE"},
    {12, "BPF_MAP_TYPE_ARRAY_OF_MAPS"},
    {13, "BPF_MAP_TYPE_HASH_OF_MAPS"},
    {14, "BPF_MAP_TYPE_DEVMAP"},
    {15, "BPF_MAP_TYPE_SOCKMAP"},
    {16, "BPF_MAP_TYPE_CPUMAP"},
    {17, "BPF_MAP_TYPE_XSKMAP"},
    {18, "BPF_MAP_TYPE_SOCKHASH"},
    {19, "BPF_MAP_TYPE_CGROUP_STORAGE"},
    {20, "BPF_MAP_TYPE_REUSEPORT_SOCKARRAY"},
    {21, "BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE"},
    {22, "BPF_MAP_TYPE_QUEUE"},
    {23, "BPF_MAP_TYPE_STACK"},
    {24, "BPF_MAP_TYPE_SK_STORAGE"},
    {25, "BPF_MAP_TYPE_DEVMAP_HASH"},
    {26, "BPF_MAP_TYPE_STRUCT_OPS"},
    {27, "BPF_MAP_TYPE_RINGBUF"},
    {28, "BPF_MAP_TYPE_INODE_STORAGE"},
    {29, "BPF_MAP_TYPE_TASK_STORAGE"},
    {30, "BPF_MAP_TYPE_BLOOM_FILTER"},
    {31, "BPF_MAP_TYPE_USER_RINGBUF"},
    {32, "BPF_MAP_TYPE_CGRP_STORAGE"},
    {33, "BPF_MAP_TYPE_ARENA"},
};
constexpr XlatEntry k_bpf_prog_type[] = {
    {0, "BPF_PROG_TYPE_UNSPEC"},
    {1, "BPF_PROG_TYPE_SOCKET_FILTER"},
    {2, "BPF_PROG_TYPE_KPROBE"},
    {3, "BPF_PROG_TYPE_SCHED_CLS"},
    {4, "BPF_PROG_TYPE_SCHED_ACT"},
    {5, "BPF_PROG_TYPE_TRACEPOINT"},
    {6, "BPF_PROG_TYPE_XDP"},
    {7, "BPF_PROG_TYPE_PERF_EVENT"},
    {8, "BPF_PROG_TYPE_CGROUP_SKB"},
    {9, "BPF_PROG_TYPE_CGROUP_SOCK"},
    {10, "BPF_PROG_TYPE_LWT_IN"},
    {11, "BPF_PROG_TYPE_LWT_OUT"},
    {12, "BPF_PROG_TYPE_LWT_XMIT"},
    {13, "BPF_PROG_TYPE_SOCK_OPS"},
    {14, "BPF_PROG_TYPE_SK_SKB"},
    {15, "BPF_PROG_TYPE_CGROUP_DEVICE"},
    {16, "BPF_PROG_TYPE_SK_MSG"},
    {17, "BPF_PROG_TYPE_RAW_TRACEPOINT"},
    {18, "BPF_PROG_TYPE_CGROUP_SOCK_ADDR"},
    {19, "BPF_PROG_TYPE_LWT_SEG6LOCAL"},
    {20, "BPF_PROG_TYPE_LIRC_MODE2"},
    {21, "BPF_PROG_TYPE_SK_REUSEPORT"},
    {22, "BPF_PROG_TYPE_FLOW_DISSECTOR"},
    {23, "BPF_PROG_TYPE_CGROUP_SYSCTL"},
    {24, "BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE"},
    {25, "BPF_PROG_TYPE_CGROUP_SOCKOPT"},
    {26, "BPF_PROG_TYPE_TRACING"},
    {27, "BPF_PROG_TYPE_STRUCT_OPS"},
    {28, "BPF_PROG_TYPE_EXT"},
    {29, "BPF_PROG_TYPE_LSM"},
    {30, "BPF_PROG_TYPE_SK_LOOKUP"},
    {31, "BPF_PROG_TYPE_SYSCALL"},
    {32, "BPF_PROG_TYPE_NETFILTER"},
};
constexpr XlatEntry k_bpf_attach_type[] = {
    {0, "BPF_CGROUP_INET_INGRESS"},
    {1, "BPF_CGROUP_INET_EGRESS"},
    {2, "BPF_CGROUP_INET_SOCK_CREATE"},
    {3, "BPF_CGROUP_SOCK_OPS"},
    {4, "BPF_SK_SKB_STREAM_PARSER"},
    {5, "BPF_SK_SKB_STREAM_VERDICT"},
    {6, "BPF_CGROUP_DEVICE"},
    {7, "BPF_SK_MSG_VERDICT"},
    {8, "BPF_CGROUP_INET4_BIND"},
    {9, "BPF_CGROUP_INET6_BIND"},
    {10, "BPF_CGROUP_INET4_CONNECT"},
    {11, "BPF_CGROUP_INET6_CONNECT"},
    {12, "BPF_CGROUP_INET4_POST_BIND"},
    {13, "BPF_CGROUP_INET6_POST_BIND"},
    {14, "BPF_CGROUP_UDP4_SENDMSG"},
    {15, "BPF_CGROUP_UDP6_SENDMSG"},
    {16, "BPF_LIRC_MODE2"},
    {17, "BPF_FLOW_DISSECTOR"},
    {18, "BPF_CGROUP_SYSCTL"},
    {19, "BPF_CGROUP_UDP4_RECVMSG"},
    {20, "BPF_CGROUP_UDP6_RECVMSG"},
    {21, "BPF_CGROUP_GETSOCKOPT"},
    {22, "BPF_CGROUP_SETSOCKOPT"},
    {23, "BPF_TRACE_RAW_TP"},
    {24, "BPF_TRACE_FENTRY"},
    {25, "BPF_TRACE_FEXIT"},
    {26, "BPF_MODIFY_RETURN"},
    {27, "BPF_LSM_MAC"},
    {28, "BPF_TRACE_ITER"},
    {29, "BPF_CGROUP_INET4_GETPEERNAME"},
    {30, "BPF_CGROUP_INET6_GETPEERNAME"},
    {31, "BPF_CGROUP_INET4_GETSOCKNAME"},
    {32, "BPF_CGROUP_INET6_GETSOCKNAME"},
    {33, "BPF_XDP_DEVMAP"},
    {34, "BPF_CGROUP_INET_SOCK_RELEASE"},
    {35, "BPF_XDP_CPUMAP"},
    {36, "BPF_SK_LOOKUP"},
    {37, "BPF_XDP"},
    {38, "BPF_SK_SKB_VERDICT"},
    {39, "BPF_SK_REUSEPORT_SELECT"},
    {40, "BPF_SK_REUSEPORT_SELECT_OR_MIGRATE"},
    {41, "BPF_PERF_EVENT"},
    {42, "BPF_TRACE_KPROBE_MULTI"},
    {43, "BPF_LSM_CGROUP"},
    {44, "BPF_STRUCT_OPS"},
    {45, "BPF_NETFILTER"},
    {46, "BPF_TCX_INGRESS"},
    {47, "BPF_TCX_EGRESS"},
    {48, "BPF_TRACE_UPROBE_MULTI"},
    {49, "BPF_CGROUP_UNIX_CONNECT"},
    {50, "BPF_CGROUP_UNIX_SENDMSG"},
    {51, "BPF_CGROUP_UNIX_RECVMSG"},
    {52, "BPF_CGROUP_UNIX_GETPEERNAME"},
    {53, "BPF_CGROUP_UNIX_GETSOCKNAME"},
    {54, "BPF_NETKIT_PRIMARY"},
    {55, "BPF_NETKIT_PEER"},
    {56, "BPF_TRACE_KPROBE_SESSION"},
    {57, "BPF_TRACE_UPROBE_SESSION"},
};
constexpr XlatEntry k_bpf_link_type[] = {
    {0, "BPF_LINK_TYPE_UNSPEC"},
    {1, "BPF_LINK_TYPE_RAW_TRACEPOINT"},
    {2, "BPF_LINK_TYPE_TRACING"},
    {3, "BPF_LINK_TYPE_CGROUP"},
    {4, "BPF_LINK_TYPE_ITER"},
    {5, "BPF_LINK_TYPE_NETNS"},
    {6, "BPF_LINK_TYPE_XDP"},
    {7, "BPF_LINK_TYPE_PERF_EVENT"},
    {8, "BPF_LINK_TYPE_KPROBE_MULTI"},
    {9, "BPF_LINK_TYPE_STRUCT_OPS"},
    {10, "BPF_LINK_TYPE_NETFILTER"},
    {11, "BPF_LINK_TYPE_TCX"},
    {12, "BPF_LINK_TYPE_UPROBE_MULTI"},
    {13, "BPF_LINK_TYPE_NETKIT"},
    {14, "BPF_LINK_TYPE_SOCKMAP"},
};
constexpr XlatEntry k_bpf_stats_type[] = {
    {0, "BPF_STATS_RUN_TIME"},
};
constexpr XlatEntry k_bpf_task_fd_type[] = {
    {0, "BPF_FD_TYPE_RAW_TRACEPOINT"}, {1, "BPF_FD_TYPE_TRACEPOINT"},
    {2, "BPF_FD_TYPE_KPROBE"},         {3, "BPF_FD_TYPE_KRETPROBE"},
    {4, "BPF_FD_TYPE_UPROBE"},         {5, "BPF_FD_TYPE_URETPROBE"},
};
// bpf_link_info perf_event.type (6.6).
constexpr XlatEntry k_bpf_perf_event_type[] = {
    {0, "BPF_PERF_EVENT_UNSPEC"},  {1, "BPF_PERF_EVENT_UPROBE"},     {2, "BPF_PERF_EVENT_URETPROBE"},
    {3, "BPF_PERF_EVENT_KPROBE"},  {4, "BPF_PERF_EVENT_KRETPROBE"},  {5, "BPF_PERF_EVENT_TRACEPOINT"},
    {6, "BPF_PERF_EVENT_EVENT"},
};
// bpf_link_info iter.cgroup.order (6.1).
constexpr XlatEntry k_bpf_cgroup_iter_order[] = {
    {0, "BPF_CGROUP_ITER_ORDER_UNSPEC"},    {1, "BPF_CGROUP_ITER_SELF_ONLY"},
    {2, "BPF_CGROUP_ITER_DESCENDANTS_PRE"}, {3, "BPF_CGROUP_ITER_DESCENDANTS_POST"},
    {4, "BPF_CGROUP_ITER_ANCESTORS_UP"},
};
// BPF_PROG_STREAM_READ_BY_FD stream_id (6.17).
constexpr XlatEntry k_bpf_stream_id[] = {
    {1, "BPF_STREAM_STDOUT"},
    {2, "BPF_STREAM_STDERR"},
};
// The anonymous "flags for BPF_MAP_CREATE command" enum.
constexpr XlatEntry k_bpf_map_flags[] = {
    {1u << 0, "BPF_F_NO_PREALLOC"},   {1u << 1, "BPF_F_NO_COMMON_LRU"},
    {1u << 2, "BPF_F_NUMA_NODE"},     {1u << 3, "BPF_F_RDONLY"},
    {1u << 4, "BPF_F_WRONLY"},        {1u << 5, "BPF_F_STACK_BUILD_ID"},
    {1u << 6, "BPF_F_ZERO_SEED"},     {1u << 7, "BPF_F_RDONLY_PROG"},
    {1u << 8, "BPF_F_WRONLY_PROG"},   {1u << 9, "BPF_F_CLONE"},
    {1u << 10, "BPF_F_MMAPABLE"},     {1u << 11, "BPF_F_PRESERVE_ELEMS"},
    {1u << 12, "BPF_F_INNER_MAP"},    {1u << 13, "BPF_F_LINK"},
    {1u << 14, "BPF_F_PATH_FD"},      {1u << 15, "BPF_F_VTYPE_BTF_OBJ_FD"},
    {1u << 16, "BPF_F_TOKEN_FD"},     {1u << 17, "BPF_F_SEGV_ON_FAULT"},
    {1u << 18, "BPF_F_NO_USER_CONV"},
};
constexpr XlatEntry k_bpf_prog_flags[] = {
    {1u << 0, "BPF_F_STRICT_ALIGNMENT"}, {1u << 1, "BPF_F_ANY_ALIGNMENT"},
    {1u << 2, "BPF_F_TEST_RND_HI32"},    {1u << 3, "BPF_F_TEST_STATE_FREQ"},
    {1u << 4, "BPF_F_SLEEPABLE"},        {1u << 5, "BPF_F_XDP_HAS_FRAGS"},
    {1u << 6, "BPF_F_XDP_DEV_BOUND_ONLY"}, {1u << 7, "BPF_F_TEST_REG_INVARIANTS"},
    {1u << 16, "BPF_F_TOKEN_FD"},
};
constexpr XlatEntry k_bpf_attach_flags[] = {
    {1u << 0, "BPF_F_ALLOW_OVERRIDE"}, {1u << 1, "BPF_F_ALLOW_MULTI"},
    {1u << 2, "BPF_F_REPLACE"},        {1u << 3, "BPF_F_BEFORE"},
    {1u << 4, "BPF_F_AFTER"},          {1u << 5, "BPF_F_ID"},
    {1u << 6, "BPF_F_PREORDER"},       {1u << 13, "BPF_F_LINK"},
};
constexpr XlatEntry k_bpf_file_flags[] = {
    {1u << 3, "BPF_F_RDONLY"}, {1u << 4, "BPF_F_WRONLY"}, {1u << 14, "BPF_F_PATH_FD"},
};
constexpr XlatEntry k_bpf_open_flags[] = {
    {1u << 3, "BPF_F_RDONLY"}, {1u << 4, "BPF_F_WRONLY"}, {1u << 16, "BPF_F_TOKEN_FD"},
};
constexpr XlatEntry k_bpf_elem_flags[] = {
    {0, "BPF_ANY"}, {1, "BPF_NOEXIST"}, {2, "BPF_EXIST"}, {4, "BPF_F_LOCK"},
};
constexpr XlatEntry k_bpf_query_flags[] = {
    {1u << 0, "BPF_F_QUERY_EFFECTIVE"},
};
constexpr XlatEntry k_bpf_test_run_flags[] = {
    {1u << 0, "BPF_F_TEST_RUN_ON_CPU"},
    {1u << 1, "BPF_F_TEST_XDP_LIVE_FRAMES"},
    {1u << 2, "BPF_F_TEST_SKB_CHECKSUM_COMPLETE"},
};
constexpr XlatEntry k_bpf_kprobe_multi_flags[] = {
    {1u << 0, "BPF_F_KPROBE_MULTI_RETURN"},
};
constexpr XlatEntry k_bpf_uprobe_multi_flags[] = {
    {1u << 0, "BPF_F_UPROBE_MULTI_RETURN"},
};
constexpr XlatEntry k_bpf_netfilter_flags[] = {
    {1u << 0, "BPF_F_NETFILTER_IP_DEFRAG"},
};
constexpr XlatEntry k_bpf_link_update_flags[] = {
    {1u << 2, "BPF_F_REPLACE"},
};
constexpr XlatEntry k_bpf_btf_flags[] = {
    {1u << 16, "BPF_F_TOKEN_FD"},
};
// XDP_FLAGS_* of include/uapi/linux/if_link.h.
constexpr XlatEntry k_xdp_flags[] = {
    {1u << 0, "XDP_FLAGS_UPDATE_IF_NOEXIST"}, {1u << 1, "XDP_FLAGS_SKB_MODE"},
    {1u << 2, "XDP_FLAGS_DRV_MODE"},          {1u << 3, "XDP_FLAGS_HW_MODE"},
    {1u << 4, "XDP_FLAGS_REPLACE"},
};
} // namespace

namespace xlat {
const Xlat bpf_cmd{"bpf_cmd", k_bpf_cmd, "BPF_???"};
const Xlat bpf_map_type{"bpf_map_type", k_bpf_map_type, "BPF_MAP_TYPE_???"};
const Xlat bpf_prog_type{"bpf_prog_type", k_bpf_prog_type, "BPF_PROG_TYPE_???"};
const Xlat bpf_attach_type{"bpf_attach_type", k_bpf_attach_type, "BPF_???"};
const Xlat bpf_link_type{"bpf_link_type", k_bpf_link_type, "BPF_LINK_TYPE_???"};
const Xlat bpf_stats_type{"bpf_stats_type", k_bpf_stats_type, "BPF_STATS_???"};
const Xlat bpf_task_fd_type{"bpf_task_fd_type", k_bpf_task_fd_type, "BPF_FD_TYPE_???"};
const Xlat bpf_stream_id{"bpf_stream_id", k_bpf_stream_id, "BPF_STREAM_???"};
const Xlat bpf_perf_event_type{"bpf_perf_event_type", k_bpf_perf_event_type, "BPF_PERF_EVENT_???"};
const Xlat bpf_cgroup_iter_order{"bpf_cgroup_iter_order", k_bpf_cgroup_iter_order, "BPF_CGROUP_ITER_???"};
const Xlat bpf_map_flags{"bpf_map_flags", k_bpf_map_flags, "BPF_F_???"};
const Xlat bpf_prog_flags{"bpf_prog_flags", k_bpf_prog_flags, "BPF_F_???"};
const Xlat bpf_attach_flags{"bpf_attach_flags", k_bpf_attach_flags, "BPF_F_???"};
const Xlat bpf_file_flags{"bpf_file_flags", k_bpf_file_flags, "BPF_F_???"};
const Xlat bpf_open_flags{"bpf_open_flags", k_bpf_open_flags, "BPF_F_???"};
const Xlat bpf_elem_flags{"bpf_elem_flags", k_bpf_elem_flags, "BPF_???"};
const Xlat bpf_query_flags{"bpf_query_flags", k_bpf_query_flags, "BPF_F_???"};
const Xlat bpf_test_run_flags{"bpf_test_run_flags", k_bpf_test_run_flags, "BPF_F_???"};
const Xlat bpf_kprobe_multi_flags{"bpf_kprobe_multi_flags", k_bpf_kprobe_multi_flags, "BPF_F_???"};
const Xlat bpf_uprobe_multi_flags{"bpf_uprobe_multi_flags", k_bpf_uprobe_multi_flags, "BPF_F_???"};
const Xlat bpf_netfilter_flags{"bpf_netfilter_flags", k_bpf_netfilter_flags, "BPF_F_???"};
const Xlat bpf_link_update_flags{"bpf_link_update_flags", k_bpf_link_update_flags, "BPF_F_???"};
const Xlat bpf_btf_flags{"bpf_btf_flags", k_bpf_btf_flags, "BPF_F_???"};
const Xlat xdp_flags{"xdp_flags", k_xdp_flags, "XDP_FLAGS_???"};
const Xlat bpf_no_flags{"bpf_no_flags", {}, "BPF_F_???"};
} // namespace xlat

} // namespace bpfsc::decoder
