// The signals the tracer itself receives (SIGINT, SIGTERM, SIGHUP), as the
// handler in main.cpp records them for whichever backend runs: its next()
// returns a TracerSignal event when one is pending.
#pragma once

#include <csignal>
#include <optional>

#include "tracer/backend.h"

namespace bpfsc::tracer {

struct TracerSignals {
    static inline volatile std::sig_atomic_t pending = 0;  // the signal, 0 if none
    static inline volatile std::sig_atomic_t sent = 0;     // sent by a process (kill), not by the terminal
    static inline volatile std::sig_atomic_t sender = 0;   // that process

    // The pending signal as an event (taking it), or nullopt.
    static std::optional<Event> take() {
        if (pending == 0) return std::nullopt;
        Event e{Event::Kind::TracerSignal};
        e.status = pending;
        e.thread = sent != 0;
        e.other = pid_t(sender);
        pending = 0;
        return e;
    }
};

} // namespace bpfsc::tracer
