// The signal dispositions and mask the tracer was started with. The tracer
// handles SIGINT, SIGTERM and SIGHUP and ignores SIGPIPE (a write to a
// closed output pipe must fail with EPIPE, not kill it); the program it
// launches must start with what the tracer inherited, as it would
// untraced: SIGPIPE's default (`yes | head -1` ends with 141), SIGHUP
// ignored under nohup, SIGINT ignored in a background job of a script,
// and the blocked signals.
#pragma once

#include <signal.h>

#include <array>

namespace bpfsc::tracer {

class InheritedSignals {
public:
    // The signals whose disposition the tracer changes.
    static constexpr std::array<int, 4> k_changed = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

    // Reads them; call before the tracer changes any.
    static InheritedSignals capture();
    // Whether `sig` (one of k_changed) was inherited ignored.
    bool ignored(int sig) const;
    // Puts them back, with the mask: in the launched child, before exec.
    // Async-signal-safe (it runs between fork and exec).
    void restore() const;

private:
    sigset_t mask_{};
    std::array<struct sigaction, k_changed.size()> actions_{};
};

} // namespace bpfsc::tracer
