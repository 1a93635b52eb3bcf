// The signal state the tracer inherited (see inherited_signals.h).
#include "tracer/launch/inherited_signals.h"

namespace bpfsc::tracer {

InheritedSignals InheritedSignals::capture() {
    InheritedSignals s;
    sigprocmask(SIG_SETMASK, nullptr, &s.mask_);
    for (std::size_t i = 0; i < k_changed.size(); ++i) sigaction(k_changed[i], nullptr, &s.actions_[i]);
    return s;
}

bool InheritedSignals::ignored(int sig) const {
    for (std::size_t i = 0; i < k_changed.size(); ++i)
        if (k_changed[i] == sig) return actions_[i].sa_handler == SIG_IGN;
    return false;
}

void InheritedSignals::restore() const {
    // Only SIG_DFL and SIG_IGN survive an exec: the tracer was started by
    // one, so those are what it can have inherited.
    for (std::size_t i = 0; i < k_changed.size(); ++i) sigaction(k_changed[i], &actions_[i], nullptr);
    sigprocmask(SIG_SETMASK, &mask_, nullptr);
}

} // namespace bpfsc::tracer
