// The broker's access to a thread waiting in a seccomp notification: reads
// vouched for by the notification id (confirm(), after the last of them),
// writes made only while the notification is alive, fds duplicated through
// a pidfd of that very thread (opened once, checked against the
// notification when opened, so it cannot name a successor with a recycled
// id).
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "tracer/seccomp/broker/tracee_access.h"
#include "tracer/os/process_memory.h"
#include "tracer/os/unique_fd.h"
#include "tracer/seccomp/seccomp_listener.h"

namespace bpfsc::tracer {

class NotifiedTracee : public broker::TraceeAccess {
public:
    explicit NotifiedTracee(const SeccompListener& listener) : listener_(listener) {}
    // The thread, its notification, and where its pidfd is kept (-1: not opened yet).
    void set(pid_t tid, pid_t tgid, uint64_t id, Pidfd* pidfd);

    decoder::ReadResult read(decoder::RemoteAddr addr, std::span<std::byte> out) override;
    bool confirm() override { return listener_.valid(id_); }
    bool write(decoder::RemoteAddr addr, std::span<const std::byte> data) override;
    UniqueFd duplicate_fd(int tracee_fd) override;
    bool same_cwd() override;
    // A pidfd of the thread itself (opened once), or -1 where the kernel
    // gives only pidfds of processes (before 6.9) and the thread is not
    // its process's leader.
    int thread_pidfd();

private:
    int pidfd();  // the thread's pidfd (before 6.9: its process's), or -errno

    const SeccompListener& listener_;
    ProcessMemory memory_;
    pid_t tid_ = 0, tgid_ = 0;
    uint64_t id_ = 0;
    Pidfd* pidfd_ = nullptr;
    bool thread_pidfds_ = true;  // the kernel opens pidfds of threads (PIDFD_THREAD, 6.9)
};

} // namespace bpfsc::tracer
