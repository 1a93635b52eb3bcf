// The system and process facts of the commentary (see environment.h).
#include "tracer/session/environment.h"

#include <sys/utsname.h>

#include <cstdio>
#include <optional>

#include "tracer/os/proc_status.h"
#include "tracer/os/unique_file.h"

namespace bpfsc::tracer {

namespace {

constexpr int kCapSysAdmin = 21;
constexpr int kCapBpf = 39;

} // namespace

const notes::Environment& Environment::for_process(pid_t pid) {
    if (!sysctl_read_) {
        sysctl_read_ = true;
        facts_.unprivileged_bpf_disabled = -1;
        if (const UniqueFile f = open_for_reading("/proc/sys/kernel/unprivileged_bpf_disabled"))
            if (std::fscanf(f.get(), "%d", &facts_.unprivileged_bpf_disabled) != 1) facts_.unprivileged_bpf_disabled = -1;
    }
    auto it = privileges_.find(pid);
    if (it == privileges_.end()) {
        // Unknown capabilities (the process is gone) count as privileged:
        // no note then blames missing privileges.
        const std::optional<uint64_t> caps = effective_capabilities(pid);
        const bool admin = !caps || (*caps >> kCapSysAdmin & 1);
        it = privileges_.emplace(pid, Privileges{admin || (*caps >> kCapBpf & 1), admin}).first;
    }
    facts_.tracee_privileged = it->second.bpf_or_admin;
    facts_.tracee_sys_admin = it->second.admin;
    return facts_;
}

std::string kernel_release() {
    utsname u{};
    if (uname(&u) != 0) return {};
    return u.release;
}

} // namespace bpfsc::tracer
