// The small commands: BPF_ENABLE_STATS ("enable_stats", returns an fd that
// keeps run-time stats on), BPF_PROG_BIND_MAP ("prog_bind_map"),
// BPF_TOKEN_CREATE ("token_create", 6.9) and BPF_PROG_STREAM_READ_BY_FD
// ("prog_stream_read", 6.17, returns the number of bytes read).
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using E = uapi::enable_stats_attr;
using B = uapi::prog_bind_map_attr;
using T = uapi::token_create_attr;
using S = uapi::prog_stream_read_attr;

constexpr Field k_stats[] = {BPFSC_FIELD(E, type).enum_of(xlat::bpf_stats_type)};
constexpr Field k_bind[] = {
    BPFSC_FIELD(B, prog_fd).fd(Object::Prog),
    BPFSC_FIELD(B, map_fd).fd(Object::Map),
    BPFSC_FIELD(B, flags).flags_of(xlat::bpf_no_flags),
};
constexpr Field k_token[] = {
    BPFSC_FIELD(T, flags).flags_of(xlat::bpf_no_flags),
    BPFSC_FIELD(T, bpffs_fd).fd(Object::Dir),
};
constexpr Field k_stream[] = {
    BPFSC_FIELD(S, stream_buf).points_to(Content::Text, returned_bytes(BPFSC_OFF(S, stream_buf_len))).out(),
    BPFSC_FIELD(S, stream_buf_len),
    BPFSC_FIELD(S, stream_id).enum_of(xlat::bpf_stream_id),
    BPFSC_FIELD(S, prog_fd).fd(Object::Prog),
};
} // namespace

BPFSC_COMMAND(BPF_ENABLE_STATS, "enable_stats", k_stats, Returns::Fd, Object::None, "5.8");
BPFSC_COMMAND(BPF_PROG_BIND_MAP, "prog_bind_map", k_bind, Returns::Zero, Object::None,
              "5.10");
BPFSC_COMMAND(BPF_TOKEN_CREATE, "token_create", k_token, Returns::Fd, Object::Token, "6.9");
BPFSC_COMMAND(BPF_PROG_STREAM_READ_BY_FD, "prog_stream_read", k_stream,
              Returns::Count, Object::None, "6.17");

} // namespace bpfsc::decoder::commands
