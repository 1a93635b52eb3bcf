// The interface between the session (decode, model, print) and whatever
// stops the tracee: ptrace, or seccomp user notification. The session sees
// only Events and answers each with resume(); it never knows which backend
// runs.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>

#include "decoder/memory.h"
#include "tracer/os/clock.h"

namespace bpfsc::decoder {
class DecodedCall;
}

namespace bpfsc::tracer {

struct Event {
    enum class Kind : uint8_t {
        SyscallEntry,   // a syscall the filter selected, before it runs
        SyscallExit,    // the same syscall, after it ran
        NewTask,        // a thread or process appeared (fork, vfork, clone)
        Exec,           // a process replaced its image
        TaskExit,       // a thread or process is gone
        TracerSignal,   // the tracer got SIGINT/SIGTERM/SIGHUP (status: the signal)
    };
    Kind kind;
    pid_t tid = 0;          // the thread
    pid_t tgid = 0;         // its process
    // SyscallEntry / SyscallExit
    long nr = -1;           // syscall number, in the numbering of `arch`
    uint32_t arch = 0;      // AUDIT_ARCH_* of the call
    std::array<uint64_t, 6> args{};
    int64_t ret = 0;        // SyscallExit: the result, -errno on error
    bool unknown_result = false;  // SyscallExit: the call ran, but its result could not be learned
    // NewTask: the parent; Exec: the tid that called execve (it may differ
    // from tid when a non-leader thread execs); TracerSignal: the sender.
    pid_t other = 0;
    pid_t other_tgid = 0;   // NewTask: the parent's process
    bool thread = false;    // NewTask: a thread of the parent's process;
                            // TracerSignal: sent by a process (kill), not by the terminal
    int status = 0;         // TaskExit: wait status; TracerSignal: the signal
    // When the backend saw it (CLOCK_MONOTONIC): ptrace, the stop; seccomp,
    // the notification's arrival, a brokered call's answer, the kernel's
    // time of the exit tracepoint or of the process event.
    Timestamp ts = {};
};

class Backend {
public:
    virtual ~Backend() = default;
    // Blocks until the next event. nullopt: no tracee is left.
    virtual std::optional<Event> next() = 0;
    // Lets the tracee of `event` go on. For a SyscallEntry, want_exit says
    // whether the session needs the matching SyscallExit (an fd syscall that
    // touches no BPF fd does not), and `call` is the bpf() call as decoded
    // at entry (nullptr for other syscalls): the seccomp backend runs the
    // call itself from it when it can (it knows every buffer and fd).
    virtual void resume(const Event& event, bool want_exit = true, const decoder::DecodedCall* call = nullptr) = 0;
    // The memory of a traced thread's process.
    virtual decoder::Memory& memory(pid_t tid) = 0;
    // Stop tracing: detach from attached processes, kill launched ones
    // (they cannot run on without a tracer). Called on a signal when attached.
    virtual void stop_tracing() = 0;
    // How many threads are traced right now.
    virtual std::size_t tracee_count() const = 0;
    // Pass a signal the tracer received on to the traced program.
    virtual void forward_signal(int sig) = 0;
    // Whether thread or process `pid` is traced.
    virtual bool traces(pid_t pid) const = 0;
    // Called before next() would block: a chance to flush output.
    std::function<void()> before_blocking;
};

} // namespace bpfsc::tracer
