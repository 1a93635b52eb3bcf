// What happens to the traced programs if the tracer dies. Their filter
// would then answer every bpf() call (and close, dup...) with ENOSYS, and
// they would fail in ways that look like their own bugs. So they die with
// the tracer: the launched program through PR_SET_PDEATHSIG (launcher.cpp),
// and every process it starts through this watchdog, a small process the
// tracer forks first, which holds a pidfd of each traced process (sent as
// soon as the tracer learns of it) and kills them all when the tracer's end
// of their socket closes without a word. At a normal end the tracer says
// "done" and the watchdog just exits.
#pragma once

#include <sys/types.h>

#include <string>

#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer {

class Watchdog {
public:
    Watchdog() = default;
    ~Watchdog();  // says "done" and reaps it
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    // Forks the watchdog. Call before the tracer opens anything it must
    // not share (the watchdog closes every fd but its socket anyway).
    bool start(std::string* error);
    // Kill `pid` if the tracer dies.
    void guard(pid_t pid);

private:
    pid_t pid_ = -1;
    UniqueFd socket_;
};

} // namespace bpfsc::tracer
