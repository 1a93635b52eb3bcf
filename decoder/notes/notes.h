// Commentary: after a bpf() call (or an fd syscall the model follows)
// completed, one or two short plain-English lines saying what it did to
// which objects and what its result means
// ("the next map id after 14 is 15 ...", "no key after this one: the walk
// ... is complete (ENOENT is the end of the map, not a failure)"). Objects
// are named by the fd model's labels (map#15:hash:config). The renderer
// prints each line below the call, after "  # ".
#pragma once

#include <sys/types.h>

#include <memory>
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
    // The reader sees every attr member (JSON, -e abbrev=none, -v), not the
    // brief line: notes that explain how a member reads are wanted.
    bool every_member_shown = true;
};

// After a bpf() call completed and the model was updated for it (so a
// returned fd is already in `model`), appends one or two short lines saying
// what the call did to which objects and what its result means. `pid` is the
// process (tgid). Lines have no "# " prefix and no newline.
void explain_bpf(const decoder::DecodedCall& call, pid_t pid, model::FdModel& model, const Environment& env,
                 std::vector<std::string>& out);

// After a close, close_range, dup* or fcntl completed and the model was
// updated for it: what became of the objects it `released` a reference to,
// and what `new_fd` (-1: none) refers to.
void explain_fd_syscall(const model::FdModel& model, pid_t pid, const std::vector<std::shared_ptr<model::Object>>& released,
                        int new_fd, std::vector<std::string>& out);
// What a failed perf_event_open's error means.
void explain_perf_event_open(int64_t ret, std::vector<std::string>& out);
// What ioctl(event_fd, PERF_EVENT_IOC_SET_BPF, prog_fd) did, or why it failed.
void explain_perf_set_bpf(model::FdModel& model, pid_t pid, int event_fd, int prog_fd, int64_t ret,
                          std::vector<std::string>& out);

} // namespace bpfsc::notes
