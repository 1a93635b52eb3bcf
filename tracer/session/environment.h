// What the commentary needs to know about the system and the traced
// processes, asked in one place and once: the unprivileged_bpf_disabled
// sysctl, the kernel release, and per process whether it holds CAP_BPF or
// CAP_SYS_ADMIN (what an EPERM means depends on both).
#pragma once

#include <sys/types.h>

#include <string>
#include <unordered_map>

#include "decoder/notes/notes.h"

namespace bpfsc::tracer {

class Environment {
public:
    // The facts for the notes of a call of process `pid`.
    const notes::Environment& for_process(pid_t pid);
    // A process ended: its capabilities are asked again if the pid returns.
    void forget(pid_t pid) { privileges_.erase(pid); }
    // Whether the reader sees every attr member (see notes::Environment).
    void set_every_member_shown(bool shown) { facts_.every_member_shown = shown; }

private:
    struct Privileges {
        bool bpf_or_admin;  // CAP_BPF or CAP_SYS_ADMIN
        bool admin;         // CAP_SYS_ADMIN
    };
    bool sysctl_read_ = false;
    notes::Environment facts_;
    std::unordered_map<pid_t, Privileges> privileges_;
};

// uname -r: "6.18.0-1-amd64".
std::string kernel_release();

} // namespace bpfsc::tracer
