// A thread's credentials as the kernel checks them in bpf(): its user and
// group ids (real, effective, saved, filesystem) and its capability sets,
// read fresh from the kernel for every call the broker would run, in two
// syscalls (PIDFD_GET_INFO, 6.13, on a pidfd of the thread; capget(2) by
// thread id), without /proc. Before 6.13 the ids come from
// /proc/TID/status, which costs more but says the same.
//
// Why on every call: a cached identity is only as good as the filter that
// says when to forget it, and a thread can change its ids in more ways than
// a list of syscall names can be sure to hold (the i386 and x32 ABIs, an
// exec of a set-user-ID image, a future syscall). What grants privilege is
// therefore never taken from a cache.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>

namespace bpfsc::tracer::broker {

struct ThreadCredentials {
    // ruid, euid, suid, fsuid, rgid, egid, sgid, fsgid
    std::array<uint32_t, 8> ids{};
    // effective, permitted, inheritable: each two 32-bit words
    std::array<uint32_t, 6> capabilities{};

    bool operator==(const ThreadCredentials&) const = default;
};

// The calling thread's credentials.
bool read_own_credentials(ThreadCredentials& out);
// Thread `tid`'s, through `pidfd` (a pidfd of that thread, or -1 to read
// /proc). False when they cannot be read (the thread is gone).
bool read_thread_credentials(int pidfd, pid_t tid, ThreadCredentials& out);

} // namespace bpfsc::tracer::broker
