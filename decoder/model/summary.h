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
#include "holders.h"

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
        HeldByProcess, // fd `fd` of process `pid` (`comm`), found in /proc
        UsedByProgram, // program `id` (`what`: its label) uses this map
        BtfOf,       // the BTF of the map or program `what`
        RunsOn,      // a program where `what` says (XDP on an interface, a perf event)
        Elsewhere,   // none of the above: held by the kernel, or by what was not searched (`what`)
    };
    Kind kind = Kind::Elsewhere;
    std::string path;       // Pinned
    uint32_t link_id = 0;   // HeldByLink
    pid_t pid = 0;          // OpenFd, HeldByProcess
    int fd = -1;            // OpenFd, PerfEvent, HeldByProcess
    uint32_t id = 0;        // UsedByProgram
    std::string comm;       // HeldByProcess
    std::string what;       // PerfEvent: its label; HeldByLink: what the link is attached to;
                            // UsedByProgram, BtfOf: the label; RunsOn: where; Elsewhere: what was searched
};

struct AliveObject {
    std::shared_ptr<const Object> object;
    std::vector<AliveReason> reasons;  // never empty: Elsewhere when nothing else is known
    std::size_t depth = 0;             // in the tree: links, their programs, the programs' maps and BTF
    bool looked_at = false;            // the program did not create it and does not hold it
};

struct Summary {
    std::vector<ProcessFds> processes;  // in pid order; processes without BPF fds are left out
    std::vector<AliveObject> alive;     // as a tree (depth): links, programs, maps, BTF, each once
    // Objects the traced programs did not create and do not hold (opened
    // by id or pin and closed, as bpftool does; the kernel's own BTF):
    // alive before and after, not the program's. Listed (looked_at) with
    // what holds them when the kernel was asked; else, and when nothing
    // holds them (the kernel's own BTF), counted here.
    std::size_t only_looked_at = 0;
};

// Gathers the summary: asks `inspector` whether each BPF object the model has
// seen still exists (objects of unknown id, and tokens, cannot be asked and
// are left out) and whether the links holding a program still exist. Objects
// that no longer exist are not listed, nor those only looked at.
// With `only_pid`, the fds of that process alone are listed (--no-follow).
// The fds of feature probes are counted, not listed, unless `with_probes`.
// `holders` (nullptr: not asked) add what holds each object on the machine.
Summary summarize(const FdModel& model, ObjectInspector& inspector, pid_t only_pid = 0, bool with_probes = true,
                  const KernelHolders* holders = nullptr);

// "pinned at /sys/fs/bpf/config", "held by link#4", "attached", "open as fd 3 of pid 1234",
// "not held by this program: pinned where it was not seen, attached, held by another process, or still being freed". With `for_text`,
// a path that is not plain printable ASCII is quoted as strace quotes strings.
std::string describe(const AliveReason& reason, bool for_text = true);

} // namespace bpfsc::model
