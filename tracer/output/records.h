// The records of a trace. Everything the tracer prints is one of these: the
// session (session/) fills them from what the backend saw and the model
// knows, and hands each to an Output (output.h), text or JSON, which alone
// turns them into bytes. A record holds facts (numbers, kernel names,
// objects), never formatted text; its notes are the one kind of prose it
// carries, so both renderings give the same commentary.
//
// Records point into the session's state (the decoded call, the model's
// objects): an Output prints a record before it returns and keeps nothing.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "decoder/decoded_call.h"
#include "decoder/model/fd_model.h"
#include "decoder/model/summary.h"
#include "decoder/probes/probe.h"
#include "tracer/launch/seccomp_filter.h"
#include "tracer/os/clock.h"

namespace bpfsc::tracer {

// Who did something: the process (thread group) and the thread.
struct Caller {
    pid_t pid = 0;
    pid_t tid = 0;
    std::size_t traced_tasks = 1;  // threads traced at that moment, this one included
};

// An fd as a record names it: its number and, when the model knows, the
// object it refers to (nullptr: not one the trace follows).
struct FdRef {
    int fd = -1;
    std::shared_ptr<const model::Object> object;
};

// The first record: what ran, where, and when the trace's clock started.
struct HeaderRecord {
    std::string_view tool_version;
    std::string kernel_release;                 // uname -r
    std::string_view backend;                   // "ptrace", "seccomp"
    std::string backend_reason;                 // --backend=auto: why this one ("" when chosen by the user)
    std::span<const std::string> command;       // COMMAND and its arguments (empty when attached)
    pid_t pid = 0;                              // COMMAND's process, or the one attached to
    Timestamp start;                            // every ts is relative to this
    int64_t start_realtime_ns = 0;              // the same instant on CLOCK_REALTIME
};

// How a bpf() call's record stands.
enum class CallState : uint8_t {
    Complete,    // entry and exit seen: the whole call
    InProgress,  // still running when a later call completed (text: `<unfinished ...>`)
    Abandoned,   // it will never complete: see CallRecord::end
};
// Why a call ended without a result the trace knows.
enum class CallEnd : uint8_t {
    None,
    ThreadExited,    // the thread is gone (killed, or exit_group by another thread)
    ExecKilled,      // another thread's execve ended this one
    ResultUnknown,   // it ran, but how it ended could not be learned
};

// A bpf() call.
struct CallRecord {
    Caller caller;
    uint64_t seq = 0;                        // its number in the trace (-n: #N)
    const decoder::DecodedCall* call = nullptr;
    CallState state = CallState::Complete;
    CallEnd end = CallEnd::None;
    bool resumed = false;                    // Complete after an InProgress line (text: `<... bpf resumed>`)
    Timestamp entered;                       // when the call was seen at entry
    Timestamp exited;                        // Complete: when its result was seen
    std::span<const std::string> notes;      // the commentary (Complete only)
    const probes::Probe* probe = nullptr;    // a loader's feature probe (or a step of one), not its work
};

// One argument of a traced non-bpf syscall (or a member of a struct one
// points to), decoded.
struct SyscallArg {
    enum class Kind : uint8_t {
        Fd,        // fd: a file descriptor and what it is
        Signed,    // value as a signed number
        Unsigned,  // value as an unsigned number
        Hex,       // value as an address or bit pattern
        Enum,      // value and its symbolic name `symbol` (empty: unknown)
        Flags,     // value and the names of its bits in `flags` (unknown bits: `unknown_bits`)
        String,    // text: a string read from the tracee
        Struct,    // a pointer to a struct at `value`, read into `members` (empty: unreadable)
    };
    Kind kind = Kind::Signed;
    std::string_view name;                   // the kernel's name of the parameter or member
    uint64_t value = 0;
    FdRef fd;                                // Fd
    std::string_view symbol;                 // Enum
    std::vector<std::string_view> flags;     // Flags
    uint64_t unknown_bits = 0;               // Flags
    std::string text;                        // String
    std::string comment;                     // what the value means, where it says more than its name
                                             // ("syscalls:sys_enter_execve" for a tracepoint id)
    std::vector<SyscallArg> members;         // Struct

    static SyscallArg of(std::string_view name, Kind kind, uint64_t value) {
        SyscallArg a;
        a.name = name;
        a.kind = kind;
        a.value = value;
        return a;
    }
    // A Flags argument: the bits of `value` that `names` names, and the rest.
    static SyscallArg flags_of(std::string_view name, uint64_t value,
                               std::initializer_list<std::pair<uint64_t, std::string_view>> names) {
        SyscallArg a = of(name, Kind::Flags, value);
        a.unknown_bits = value;
        for (const auto& [bit, bit_name] : names) {
            if (!(value & bit)) continue;
            a.flags.push_back(bit_name);
            a.unknown_bits &= ~bit;
        }
        return a;
    }
};

// A traced non-bpf syscall: close, close_range, dup, dup2, dup3, fcntl,
// perf_event_open, ioctl(PERF_EVENT_IOC_SET_BPF).
struct SyscallRecord {
    Caller caller;
    uint64_t seq = 0;
    Syscall syscall = Syscall::Other;
    std::span<const SyscallArg> args;
    int64_t ret = 0;                         // the result, -errno on error
    FdRef returned;                          // a new fd (dup*, F_DUPFD*, perf_event_open), with its object
    Timestamp entered;
    Timestamp exited;
    std::span<const std::string> notes;
    const probes::Probe* probe = nullptr;    // the close of what a feature probe made
};

// Something that happened to a traced process.
struct ProcessRecord {
    enum class Kind : uint8_t {
        Fork,      // a new process (fork, vfork, clone without CLONE_THREAD): `parent` made `caller.pid`
        Thread,    // a new thread of `caller.pid`
        Exec,      // caller.pid replaced its image (caller.tid called execve)
        Exit,      // caller.pid ended: `status` is its wait status
        Attach,    // -p: tracing of caller.pid began
        Detach,    // tracing of caller.pid ended with the process still running
    };
    Kind kind = Kind::Exit;
    Caller caller;
    pid_t parent = 0;                        // Fork, Thread
    int status = 0;                          // Exit: wait status (WIFEXITED / WIFSIGNALED)
    bool made_traced_calls = false;          // Exit: the process has call or fd lines in the trace
    bool is_command = false;                 // Exit: COMMAND's own process (or the one attached to)
    Timestamp when;
};

// Something the tracer says about the trace itself.
struct MessageRecord {
    enum class Level : uint8_t { Warning, Info };
    Level level = Level::Warning;
    std::string text;
    Timestamp when;
};

// The end-of-trace summary, in two parts: the fds of one process...
struct FdTableRecord {
    const model::ProcessFds* process = nullptr;
};
// ...and the objects that outlive the program.
struct AliveRecord {
    std::span<const model::AliveObject> objects;
    std::size_t only_looked_at = 0;          // objects not listed: the program only looked at them
};

} // namespace bpfsc::tracer
