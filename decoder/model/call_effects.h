// What a completed call changes in the fd model, in one place. A bpf()
// call: the fd it returned, pins, freezing, attachments, links. The other
// syscalls the model follows (close, close_range, dup*, fcntl,
// perf_event_open, PERF_EVENT_IOC_SET_BPF) arrive as an FdOperation, the
// model's own terms for them, so the model needs no syscall numbers and
// the tracer no knowledge of what each one does to the tables.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "../decoded_call.h"
#include "fd_model.h"

namespace bpfsc::model {

// Whether a successful call of this command made a new BPF object (the
// others that return fds open an existing one: by id, by pin).
bool creates_object(uint32_t cmd);

// Applies a completed bpf() call (nothing when it failed); sets
// call.ret_label to what a returned fd refers to.
void apply_bpf_call(FdModel& model, pid_t pid, uint64_t seq, decoder::DecodedCall& call);

// A successful fd syscall, as the model sees it.
struct FdOperation {
    enum class Kind : uint8_t {
        Close,           // fd
        Duplicate,       // new_fd now refers to what fd does (dup, F_DUPFD*: new_fd is the result)
        DuplicateOnto,   // dup2/dup3: new_fd given; an unknown fd closes whatever new_fd was
        SetCloexec,      // F_SETFD: cloexec
        CloseRange,      // fd..last closed
        CloexecRange,    // fd..last marked close-on-exec (CLOSE_RANGE_CLOEXEC)
        PerfEventOpened, // perf_event_open returned new_fd; `what` says which event
        ProgOnEvent,     // PERF_EVENT_IOC_SET_BPF: the program at prog_fd runs on the event at fd
    };
    Kind kind = Kind::Close;
    int fd = -1;
    int new_fd = -1;
    unsigned last = 0;     // ranges
    int prog_fd = -1;      // ProgOnEvent
    bool cloexec = false;  // the new fd's flag, or F_SETFD's value
    std::string what;      // PerfEventOpened: "perf_event:tracepoint:syscalls:sys_enter_execve"
};

// What an operation let go of and made, for the commentary.
struct FdOutcome {
    std::vector<std::shared_ptr<Object>> released;  // objects an fd of it referred to before it was closed
    int new_fd = -1;                                // the fd it made refer to something, -1 if none
};

FdOutcome apply_fd_operation(FdModel& model, pid_t pid, const FdOperation& op, const CallRef& by);

} // namespace bpfsc::model
