// Walking and opening objects by id: BPF_{PROG,MAP,BTF,LINK}_GET_NEXT_ID
// write next_id; BPF_{PROG,MAP,BTF,LINK}_GET_FD_BY_ID return an fd.
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::get_id_attr;

constexpr Field k_next_id = BPFSC_FIELD(A, next_id).out().written_on_success();
constexpr Field k_open_flags = BPFSC_FIELD(A, open_flags).flags_of(xlat::bpf_open_flags).added("4.15");

// open_flags is shown as strace shows it; GET_NEXT_ID requires it to be 0 (EINVAL otherwise).
constexpr Field k_next_prog[] = {BPFSC_FIELD(A, start_id).id(Object::Prog), k_next_id, k_open_flags};
constexpr Field k_next_map[] = {BPFSC_FIELD(A, start_id).id(Object::Map), k_next_id, k_open_flags};
constexpr Field k_next_btf[] = {BPFSC_FIELD(A, start_id).id(Object::Btf), k_next_id, k_open_flags};
constexpr Field k_next_link[] = {BPFSC_FIELD(A, start_id).id(Object::Link), k_next_id, k_open_flags};

constexpr Field k_prog_by_id[] = {BPFSC_FIELD(A, prog_id).id(Object::Prog), BPFSC_FIELD(A, next_id), k_open_flags};
constexpr Field k_map_by_id[] = {BPFSC_FIELD(A, map_id).id(Object::Map), BPFSC_FIELD(A, next_id), k_open_flags};
constexpr Field k_btf_by_id[] = {
    BPFSC_FIELD(A, btf_id).id(Object::Btf),
    BPFSC_FIELD(A, open_flags).flags_of(xlat::bpf_open_flags).added("6.15"),
    BPFSC_FIELD(A, fd_by_id_token_fd).fd(Object::Token).added("6.15"),
};
constexpr Field k_link_by_id[] = {BPFSC_FIELD(A, link_id).id(Object::Link)};
} // namespace

BPFSC_COMMAND(BPF_PROG_GET_NEXT_ID, "", k_next_prog, Returns::Zero, Object::None, "4.13");
BPFSC_COMMAND(BPF_MAP_GET_NEXT_ID, "", k_next_map, Returns::Zero, Object::None, "4.13");
BPFSC_COMMAND(BPF_BTF_GET_NEXT_ID, "", k_next_btf, Returns::Zero, Object::None, "5.4");
BPFSC_COMMAND(BPF_LINK_GET_NEXT_ID, "", k_next_link, Returns::Zero, Object::None, "5.8");
BPFSC_COMMAND(BPF_PROG_GET_FD_BY_ID, "", k_prog_by_id, Returns::Fd, Object::Prog, "4.13");
BPFSC_COMMAND(BPF_MAP_GET_FD_BY_ID, "", k_map_by_id, Returns::Fd, Object::Map, "4.13");
BPFSC_COMMAND(BPF_BTF_GET_FD_BY_ID, "", k_btf_by_id, Returns::Fd, Object::Btf, "4.18");
BPFSC_COMMAND(BPF_LINK_GET_FD_BY_ID, "", k_link_by_id, Returns::Fd, Object::Link, "5.8");

} // namespace bpfsc::decoder::commands
