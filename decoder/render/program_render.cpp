// The program of a BPF_PROG_LOAD (see program_render.h).
#include "program_render.h"

#include "json.h"

namespace bpfsc::decoder {

namespace {
using It = std::back_insert_iterator<OutBuf>;
} // namespace

void append_program_text(OutBuf& out, const DecodedCall& call, bool verbose) {
    (void)verbose;
    const ProgramData& p = call.program;
    if (p.insns.empty() && p.insns_error == 0) return;
    fmt::format_to(It(out), "  program: {} insns", p.insns.size() / 8);
    if (p.insns_error != 0) fmt::format_to(It(out), " (unreadable after {} bytes: {})", p.insns.size(), errno_name(p.insns_error));
    out.push_back('\n');
}

void append_program_json(OutBuf& out, const DecodedCall& call, bool verbose) {
    (void)verbose;
    const ProgramData& p = call.program;
    if (p.insns.empty() && p.insns_error == 0) return;
    fmt::format_to(It(out), ",\"program\":{{\"insns\":{}}}", p.insns.size() / 8);
}

} // namespace bpfsc::decoder
