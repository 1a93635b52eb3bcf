// BPF_OBJ_PIN and BPF_OBJ_GET: a BPF object at a path in bpffs. path_fd
// (6.5, with BPF_F_PATH_FD) makes the path relative to a directory fd.
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::obj_attr;

constexpr Field k_pin[] = {
    BPFSC_FIELD(A, pathname).path(),
    BPFSC_FIELD(A, bpf_fd).fd(Object::BpfAny),
    BPFSC_FIELD(A, file_flags).flags_of(xlat::bpf_file_flags).added("4.15"),
    BPFSC_FIELD(A, path_fd).fd(Object::Dir).added("6.5"),
};
} // namespace

BPFSC_COMMAND(BPF_OBJ_PIN, "", k_pin, Returns::Zero, Object::None, "4.4");
BPFSC_COMMAND(BPF_OBJ_GET, "", k_pin, Returns::Fd, Object::BpfAny, "4.4");

} // namespace bpfsc::decoder::commands
