// Tracee memory read while a thread waits in a seccomp notification: after
// every read the notification is asked whether it is still alive. If the
// thread died meanwhile, its id could already belong to another process,
// and what was read is not the tracee's: the read then fails (ESRCH).
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "decoder/memory.h"
#include "process_memory.h"
#include "seccomp_listener.h"

namespace bpfsc::tracer {

class NotificationMemory : public decoder::Memory {
public:
    explicit NotificationMemory(const SeccompListener& listener) : listener_(listener) {}
    void set(pid_t tid, uint64_t id) {
        memory_.set_pid(tid);
        id_ = id;
    }
    decoder::ReadResult read(decoder::RemoteAddr addr, std::span<std::byte> out) override;

private:
    const SeccompListener& listener_;
    ProcessMemory memory_;
    uint64_t id_ = 0;
};

} // namespace bpfsc::tracer
