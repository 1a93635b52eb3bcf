// --backend=auto: which backend this run gets. The rule: attaching (-p)
// needs ptrace (a filter cannot be given to a running process); launching
// COMMAND gets seccomp user notification when everything it needs works
// here: a seccomp listener can be installed (kernel 5.19 or later for
// WAIT_KILLABLE_RECV, and no filter of the tracer's own forbids it), the
// process events connector answers (CAP_NET_ADMIN), and the syscalls
// tracepoints can be opened (perf_event_paranoid, CAP_PERFMON), since
// without them the results of calls the tracer lets run would be unknown.
// Otherwise ptrace. The measurements in the README say why seccomp first:
// a brokered call costs a fraction of two ptrace stops.
#pragma once

#include <string>

#include "tracer/cli/options.h"

namespace bpfsc::tracer {

// Picks Ptrace or Seccomp; *why says what ruled seccomp out ("" if chosen).
BackendKind choose_backend(const Options& options, std::string* why);

} // namespace bpfsc::tracer
