// The end-of-trace summary, from the fd model: per process, the life of every
// fd that referred to a BPF object (which call opened it, which call closed
// it), then the BPF objects that outlive the program and why, as far as the
// trace knows. Printed by the outputs (tracer/output/*_summary.cpp).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fd_model.h"

namespace bpfsc::model {

// One process's fds that referred to BPF objects (ObjectKind::Other ones are
// left out), open and closed, in the order they opened.
struct ProcessFds {
    pid_t pid = 0;
    std::vector<FdRecord> fds;
    std::size_t probe_fds = 0;  // fds of feature probes left out of `fds`
};

// Why an object still exists after the trace.
struct AliveReason {
    enum class Kind : uint8_t {
        Pinned,      // pinned at `path` by BPF_OBJ_PIN
        HeldByLink,  // a link that still exists holds this program
        Attached,    // attached by BPF_PROG_ATTACH (or a link)
        PerfEvent,   // runs on perf event `what`, still open as fd `fd` of process `pid`
        OpenFd,      // fd `fd` of process `pid` is still open (the trace ended first)
        Elsewhere,   // none of the above: held by another process or by the kernel
    };
    Kind kind = Kind::Elsewhere;
    std::string path;       // Pinned
    uint32_t link_id = 0;   // HeldByLink
    pid_t pid = 0;          // OpenFd
    int fd = -1;            // OpenFd, PerfEvent
    std::string what;       // PerfEvent: its label
};

struct AliveObject {
    std::shared_ptr<const Object> object;
    std::vector<AliveReason> reasons;  // never empty: Elsewhere when nothing else is known
};

struct Summary {
    std::vector<ProcessFds> processes;  // in pid order; processes without BPF fds are left out
    std::vector<AliveObject> alive;     // in the order first seen
    // Objects the traced programs did not create and do not hold (opened
    // by id or pin and closed, as bpftool does; the kernel's own BTF):
    // alive before and after, not the program's. Counted, not listed.
    std::size_t only_looked_at = 0;
};

// Gathers the summary: asks `inspector` whether each BPF object the model has
// seen still exists (objects of unknown id, and tokens, cannot be asked and
// are left out) and whether the links holding a program still exist. Objects
// that no longer exist are not listed, nor those only looked at.
// With `only_pid`, the fds of that process alone are listed (--no-follow).
// The fds of feature probes are counted, not listed, unless `with_probes`.
Summary summarize(const FdModel& model, ObjectInspector& inspector, pid_t only_pid = 0, bool with_probes = true);

// "pinned at /sys/fs/bpf/config", "held by link#4", "attached", "open as fd 3 of pid 1234",
// "not held by this program: pinned where it was not seen, attached, held by another process, or still being freed". With `for_text`,
// a path that is not plain printable ASCII is quoted as strace quotes strings.
std::string describe(const AliveReason& reason, bool for_text = true);

} // namespace bpfsc::model
