// Operations on an existing link: BPF_LINK_UPDATE (union member
// "link_update"), BPF_LINK_DETACH ("link_detach") and BPF_ITER_CREATE
// ("iter_create", which opens a seq file reading an iterator link).
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using U = uapi::link_update_attr;
using D = uapi::link_detach_attr;
using I = uapi::iter_create_attr;

bool replacing(const AttrView& v) { return v.get(BPFSC_OFF(U, flags), 4) & (1u << 2); /* BPF_F_REPLACE */ }

constexpr Field k_update[] = {
    BPFSC_FIELD(U, link_fd).fd(Object::Link),
    BPFSC_FIELD(U, new_prog_fd).fd(Object::Prog),
    BPFSC_FIELD(U, flags).flags_of(xlat::bpf_link_update_flags),
    BPFSC_FIELD(U, old_prog_fd).fd(Object::Prog).only_if(replacing),
};
constexpr Field k_detach[] = {BPFSC_FIELD(D, link_fd).fd(Object::Link)};
constexpr Field k_iter[] = {
    BPFSC_FIELD(I, link_fd).fd(Object::Link),
    BPFSC_FIELD(I, flags).flags_of(xlat::bpf_no_flags),
};
} // namespace

BPFSC_COMMAND(BPF_LINK_UPDATE, "link_update", k_update, Returns::Zero, Object::None, "5.7");
BPFSC_COMMAND(BPF_LINK_DETACH, "link_detach", k_detach, Returns::Zero, Object::None, "5.9");
BPFSC_COMMAND(BPF_ITER_CREATE, "iter_create", k_iter, Returns::Fd, Object::None, "5.8");

} // namespace bpfsc::decoder::commands
