// BPF_RAW_TRACEPOINT_OPEN (union member "raw_tracepoint"): attaches a
// program to a raw tracepoint by name; returns a link fd.
#include "commands.h"

namespace bpfsc::decoder::commands {
namespace {
using A = uapi::raw_tracepoint_attr;

constexpr Field k_fields[] = {
    BPFSC_FIELD(A, name).points_to(Content::String),
    BPFSC_FIELD(A, prog_fd).fd(Object::Prog),
    BPFSC_FIELD(A, cookie).added("6.10"),
};
} // namespace

BPFSC_COMMAND(BPF_RAW_TRACEPOINT_OPEN, "raw_tracepoint", k_fields, Returns::Fd,
              Object::Link, "4.17");

} // namespace bpfsc::decoder::commands
