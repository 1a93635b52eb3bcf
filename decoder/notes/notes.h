// Commentary: after a bpf() call completed, one or two short plain-English
// lines saying what it did to which objects and what its result means
// ("the next map id after 14 is 15 ...", "no key after this one: the walk
// ... is complete (ENOENT is the end of the map, not a failure)"). Objects
// are named by the fd model's labels (map#15:hash:config). The renderer
// prints each line below the call, after "  # ".
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "../decoded_call.h"
#include "../model/fd_model.h"

namespace bpfsc::notes {

// Facts about the system the tracer passes in.
struct Environment {
    int unprivileged_bpf_disabled = -1;   // /proc/sys/kernel/unprivileged_bpf_disabled, -1 unknown
    bool tracee_privileged = true;        // the tracee has CAP_BPF or CAP_SYS_ADMIN
    bool tracee_sys_admin = true;         // the tracee has CAP_SYS_ADMIN
};

// After a bpf() call completed and the model was updated for it (so a
// returned fd is already in `model`), appends one or two short lines saying
// what the call did to which objects and what its result means. `pid` is the
// process (tgid). Lines have no "# " prefix and no newline.
void explain_bpf(const decoder::DecodedCall& call, pid_t pid, model::FdModel& model, const Environment& env,
                 std::vector<std::string>& out);

} // namespace bpfsc::notes
