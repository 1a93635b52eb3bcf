// Getting the verifier's reason when the loader asked for none: the tracer
// loads the same program (or BTF blob) again itself, with its own log
// buffer. Every fd the attr names is taken from the tracee with
// pidfd_getfd (program BTF, attach target, token, map fds in instructions,
// fd_array), every buffer is copied in, and whatever the load made is
// closed at once: the tracee sees nothing of it. Done only where the tracer
// has exactly the tracee's capabilities, so the verifier judges the same.
#pragma once

#include <sys/types.h>

#include <string>

#include "decoder/decoded_call.h"

namespace bpfsc::tracer {

// Fills call.log (LogSource::Tracer) and call.log_load_ret by loading the
// call's program or BTF again. Returns false with a one-line reason in
// *why_not when it could not.
bool replay_for_log(pid_t pid, decoder::Memory& memory, decoder::DecodedCall& call, std::string* why_not);

} // namespace bpfsc::tracer
