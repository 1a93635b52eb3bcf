// The seccomp listener fd and its ioctls: receive a notification, answer
// it (a result, an error, or "continue": run the call in the tracee), ask
// whether a notification is still alive, install an fd in the tracee.
// libseccomp 2.5 wraps the first three but not ADDFD or SET_FLAGS, and
// allocates per notification; raw ioctls on stack structs do neither.
#pragma once

#include <linux/seccomp.h>

#include <cstdint>

#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer {

class SeccompListener {
public:
    SeccompListener() = default;
    explicit SeccompListener(UniqueFd fd) : fd_(std::move(fd)) {}

    int fd() const { return fd_.get(); }
    void reset(UniqueFd fd) { fd_ = std::move(fd); }

    // Wakes the tracee on the tracer's CPU and back (6.6): a call that the
    // tracer answers at once costs no migration. false if the kernel lacks it.
    bool set_sync_wakeup();
    // The next pending notification; false with errno (ENOENT: it went
    // away before it could be read; EAGAIN/EINTR).
    bool receive(seccomp_notif& out);
    // Whether notification `id` is still waiting for its answer (the thread
    // is alive and still in that call).
    bool valid(uint64_t id) const;
    // Lets the call run in the tracee.
    bool answer_continue(uint64_t id);
    // Answers the call with `result` (>= 0) or -errno, without running it.
    bool answer(uint64_t id, int64_t result);
    // Installs the tracer's fd `own_fd` in the tracee (close-on-exec, as
    // bpf() makes its fds) and answers the call with its number there, in
    // one step. Returns that number, or -errno.
    int answer_with_fd(uint64_t id, int own_fd);

private:
    UniqueFd fd_;
};

} // namespace bpfsc::tracer
