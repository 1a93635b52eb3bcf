// Which calls of a trace are feature probes (see recogniser.h).
#include "recogniser.h"

#include <linux/bpf.h>

#include <algorithm>

#include "signatures.h"

namespace bpfsc::probes {

namespace {

using decoder::DecodedCall;
using detail::Shape;

constexpr uint32_t kNoFd = 0xffffffffu;  // -1 as a u32 member: the fd link probes pass on purpose

Probe step_of(const Probe& of, std::string_view reason) {
    Probe p = of;
    p.answer = Answer::Step;
    p.reason = reason;
    return p;
}

Probe answered(Prober by, Feature f, bool yes, std::string_view reason_if_yes = {}) {
    Probe p;
    p.by = by;
    p.feature = f;
    p.answer = yes ? Answer::Yes : Answer::No;
    if (yes) p.reason = reason_if_yes;
    return p;
}

bool family_only(Feature f, Prober* by) {
    switch (f) {
    case Feature::MemlockRlimit: case Feature::BpfSyscall: case Feature::LargeInsnLimit:
    case Feature::BoundedLoops: case Feature::IsaV2: case Feature::IsaV3: case Feature::IsaV4:
        *by = Prober::Bpftool;
        return true;
    case Feature::InsnLimit: case Feature::Loops: case Feature::MapBatch: case Feature::KprobeMulti:
    case Feature::KprobeSession: case Feature::UprobeMulti: case Feature::RawTpSpecial: case Feature::Fentry:
    case Feature::Iter: case Feature::Dpath: case Feature::SkbOutput: case Feature::BtfGlobalFuncRaw:
        *by = Prober::Bpftrace;
        return true;
    default: return false;
    }
}

// Whose probe API a program-type, map-type or helper probe came through.
bool api_probe(Feature f) { return f == Feature::ProgType || f == Feature::MapType || f == Feature::Helper; }


} // namespace

bool returns_new_fd(uint32_t cmd) {
    switch (cmd) {
    case uapi::BPF_PROG_LOAD: case uapi::BPF_MAP_CREATE: case uapi::BPF_BTF_LOAD: case uapi::BPF_LINK_CREATE:
    case uapi::BPF_RAW_TRACEPOINT_OPEN:
        return true;
    default: return false;
    }
}

bool Recogniser::probe_fd(const Process& process, int fd) const {
    return std::any_of(process.probe_fds.begin(), process.probe_fds.end(),
                       [&](const ProbeFd& p) { return p.fd == fd; });
}

void Recogniser::remember(pid_t pid, int fd, const Probe& probe) {
    const auto it = processes_.find(pid);
    if (fd < 0 || it == processes_.end()) return;
    auto& fds = it->second.probe_fds;
    for (ProbeFd& p : fds)
        if (p.fd == fd) return void(p.probe = probe);
    fds.push_back(ProbeFd{fd, probe});
}

void Recogniser::settle(Verdict& v, bool was_probe) {
    if (!held_) return;
    v.held = was_probe ? Held::Probe : Held::NotProbe;
    if (was_probe) {
        v.held_probe = held_->probe;
        // A process gone meanwhile (forgotten) is not brought back.
        if (const auto it = processes_.find(held_->pid); it != processes_.end()) {
            remember(held_->pid, held_->fd, held_->probe);
            it->second.last_probe = held_->probe.feature;
        }
    }
    held_.reset();
}

std::optional<Probe> Recogniser::follow_up(const DecodedCall& call, Process& process, Verdict& v) {
    // The fd a member names, and whether it is the held call's or an earlier probe's.
    const auto held_fd = [&](uint64_t fd) { return held_ && int(uint32_t(fd)) == held_->fd && held_->fd >= 0; };
    const auto from_probe = [&](uint64_t fd) { return held_fd(fd) || probe_fd(process, int(uint32_t(fd))); };
    const auto confirm = [&](std::string_view reason, const Probe& of) {
        if (!held_) return;
        held_->probe = step_of(of, reason);
        settle(v, true);
    };

    switch (call.cmd) {
    case uapi::BPF_LINK_CREATE: {
        const uint64_t prog = BPFSC_PROBE_IN(call, link_create_attr, prog_fd);
        const uint64_t target = BPFSC_PROBE_IN(call, link_create_attr, target_fd);
        const uint64_t attach = BPFSC_PROBE_IN(call, link_create_attr, attach_type);
        if (!from_probe(prog)) return std::nullopt;
        const int err = call.ret < 0 ? int(-call.ret) : 0;
        std::optional<Probe> p;
        if (attach == uapi::BPF_PERF_EVENT && target == kNoFd) {
            p = answered(Prober::Libbpf, Feature::PerfLink, err == EBADF,
                         "EBADF is the answer it wants: the kernel knows perf links and refused the fd -1 it was given");
        } else if (attach == uapi::BPF_TRACE_UPROBE_MULTI && target == kNoFd) {
            if (BPFSC_PROBE_IN(call, link_create_attr, uprobe_multi.pid) == kNoFd)
                p = answered(Prober::Libbpf, Feature::UprobeMultiPid, err == EINVAL,
                             "EINVAL is the answer it wants: the kernel checked the pid -1 it was given");
            else
                p = answered(Prober::Libbpf, Feature::UprobeMultiLink, err == EBADF,
                             "EBADF is the answer it wants: the kernel knows the link and refused the fd -1");
        } else if ((attach == uapi::BPF_TRACE_KPROBE_MULTI || attach == uapi::BPF_TRACE_KPROBE_SESSION) && target == 0) {
            p = answered(Prober::Bpftrace,
                         attach == uapi::BPF_TRACE_KPROBE_MULTI ? Feature::KprobeMulti : Feature::KprobeSession,
                         call.ret >= 0);
        } else if (attach == uapi::BPF_TRACE_UPROBE_MULTI && target == 0) {
            p = answered(Prober::Bpftrace, Feature::UprobeMulti, err == EBADF,
                         "EBADF is the answer it wants: the kernel knows the link and refused the path \"/\"");
        }
        if (p && held_fd(prog)) confirm("first, the program to link", *p);
        return p;
    }
    case uapi::BPF_PROG_BIND_MAP: {
        const uint64_t prog = BPFSC_PROBE_IN(call, prog_bind_map_attr, prog_fd);
        const uint64_t map = BPFSC_PROBE_IN(call, prog_bind_map_attr, map_fd);
        if (!from_probe(prog) || !from_probe(map)) return std::nullopt;
        const Probe p = answered(Prober::Libbpf, Feature::ProgBindMap, call.ret >= 0);
        if (held_fd(prog)) confirm("first, the program to bind the map to", p);
        return p;
    }
    case uapi::BPF_OBJ_GET_INFO_BY_FD: {
        const uint64_t fd = BPFSC_PROBE_IN(call, info_attr, bpf_fd);
        if (!held_fd(fd) || held_->cmd != uapi::BPF_BTF_LOAD || held_->probe.feature != Feature::Btf) return std::nullopt;
        const Probe p = answered(Prober::Libbpf, Feature::ModuleBtf, call.ret == 0,
                                 "the kernel tells a BTF object's name");
        confirm("first, the BTF whose name it asks", p);
        return p;
    }
    case uapi::BPF_MAP_LOOKUP_BATCH: {
        const uint64_t fd = BPFSC_PROBE_IN(call, map_batch_attr, map_fd);
        if (!held_fd(fd) || held_->cmd != uapi::BPF_MAP_CREATE || held_->type != BPF_MAP_TYPE_HASH) return std::nullopt;
        const Probe p = answered(Prober::Bpftrace, Feature::MapBatch, call.ret >= 0);
        confirm("first, the map to look up in a batch", p);
        return p;
    }
    case uapi::BPF_PROG_TEST_RUN: {
        const uint64_t fd = BPFSC_PROBE_IN(call, test_attr, prog_fd);
        if (!held_fd(fd) || held_->cmd != uapi::BPF_PROG_LOAD || held_->type != BPF_PROG_TYPE_RAW_TRACEPOINT)
            return std::nullopt;
        const Probe p = answered(Prober::Bpftrace, Feature::RawTpSpecial, call.ret == 0);
        confirm("first, the program to test-run", p);
        return p;
    }
    case uapi::BPF_RAW_TRACEPOINT_OPEN: {
        const uint64_t fd = BPFSC_PROBE_IN(call, raw_tracepoint_attr, prog_fd);
        if (BPFSC_PROBE_IN(call, raw_tracepoint_attr, name) != 0 || !held_fd(fd) ||
            held_->probe.feature != Feature::Fentry)
            return std::nullopt;
        const Probe p = answered(Prober::Bpftrace, Feature::Fentry, call.ret >= 0);
        confirm("first, the fentry program to attach", p);
        return p;
    }
    case uapi::BPF_MAP_CREATE: {
        // An inner map handed to a map-of-maps probe, or the BTF a local storage probe needs.
        if (!held_) return std::nullopt;
        if (held_->cmd == uapi::BPF_MAP_CREATE && held_fd(BPFSC_PROBE_IN(call, map_create_attr, inner_map_fd))) {
            Probe outer = held_->probe;
            outer.subject = uint32_t(BPFSC_PROBE_IN(call, map_create_attr, map_type));
            confirm("first, the inner map", outer);
        } else if (held_->cmd == uapi::BPF_BTF_LOAD && held_fd(BPFSC_PROBE_IN(call, map_create_attr, btf_fd))) {
            Probe map = held_->probe;
            map.subject = uint32_t(BPFSC_PROBE_IN(call, map_create_attr, map_type));
            confirm(held_->probe.reason, map);
        }
        return std::nullopt;  // the map itself is matched by its own shape
    }
    case uapi::BPF_PROG_LOAD: {
        // A probe program using the held map (global data, ld_imm64
        // offsets) or the held BTF (arg:ctx tags).
        if (!held_) return std::nullopt;
        bool uses = false;
        if (held_->cmd == uapi::BPF_MAP_CREATE)
            uses = std::any_of(call.insn_maps.begin(), call.insn_maps.end(),
                               [&](const decoder::InsnMap& m) { return m.fd == held_->fd; });
        else if (held_->cmd == uapi::BPF_BTF_LOAD)
            uses = held_fd(BPFSC_PROBE_IN(call, prog_load_attr, prog_btf_fd));
        if (!uses) return std::nullopt;
        const std::optional<Shape> own = detail::prog_load_shape(call);
        if (!own || own->weak) return std::nullopt;
        confirm(held_->probe.reason, own->probe);
        return own->probe;
    }
    default: return std::nullopt;
    }
}

Recogniser::Verdict Recogniser::bpf_call(const DecodedCall& call, pid_t pid, pid_t tid) {
    Verdict v;
    Process& process = processes_[pid];
    const bool first_call = process.calls++ == 0;
    if (held_ && held_->tid != tid) settle(v, !held_->weak);

    std::optional<Probe> probe = follow_up(call, process, v);
    if (held_) settle(v, !held_->weak);  // the thread's next call was not the probe's next step

    std::optional<Shape> shape;
    if (!probe) {
        switch (call.cmd) {
        case uapi::BPF_PROG_LOAD: shape = detail::prog_load_shape(call); break;
        case uapi::BPF_MAP_CREATE: shape = detail::map_create_shape(call); break;
        case uapi::BPF_BTF_LOAD: shape = detail::btf_load_shape(call); break;
        case uapi::BPF_PROG_LOAD | (1u << 16): {
            // BPF_COMMON_ATTRS with an empty attr: EFAULT means the kernel
            // went to read the common attributes (libbpf's newest probe).
            // A real load with common attributes has a program in it.
            const auto* b = call.entry_bytes.data();
            if (call.attr_state != decoder::AttrState::Ok ||
                std::any_of(b, b + call.readable, [](std::byte x) { return x != std::byte{0}; }))
                break;
            Shape s;
            s.probe = answered(Prober::Libbpf, Feature::CommonAttrs, call.ret == -EFAULT,
                               "EFAULT is the answer it wants: the kernel read the common attributes");
            shape = s;
            break;
        }
        default: break;
        }
        if (!shape) return v;
        probe = shape->probe;
        Probe& p = *probe;
        // The context a trivial program's meaning depends on.
        if (p.feature == Feature::ProgType &&
            (p.subject == BPF_PROG_TYPE_SOCKET_FILTER || p.subject == BPF_PROG_TYPE_TRACEPOINT)) {
            if (first_call && p.subject == BPF_PROG_TYPE_SOCKET_FILTER && process.family == Prober::Bpftool) {
                // bpftool's first call, made without libbpf: does RLIMIT_MEMLOCK still bind?
                p = answered(Prober::Bpftool, Feature::MemlockRlimit, call.ret == -EPERM);
                if (call.ret >= 0) p.reason = "it loaded with the limit at 0: memory is charged to the cgroup";
                if (call.ret == -EPERM) p.reason = "it needed memlock: bpftool raises RLIMIT_MEMLOCK";
            } else if (process.last_probe == Feature::MemcgAccount ||
                       (process.last_probe == Feature::ProgLoading && p.subject == BPF_PROG_TYPE_TRACEPOINT)) {
                p.feature = Feature::ProgLoading;
                p.subject = 0;
            }
        }
    }
    Prober family;
    if (family_only(probe->feature, &family)) process.family = family;
    else if (api_probe(probe->feature)) probe->by = process.family;

    const int fd = returns_new_fd(call.cmd) && call.ret >= 0 ? int(call.ret) : -1;
    // Calls the next call may show to be probes, or to be steps of one.
    const bool refinable = (call.cmd == uapi::BPF_BTF_LOAD && probe->feature == Feature::Btf) ||
                           probe->feature == Feature::Fentry;
    if ((shape && shape->weak) || (refinable && fd >= 0)) {
        if (fd < 0 && shape && shape->weak && call.ret < 0) {
            // A failed weak shape makes no fd to close: nothing can confirm
            // it but a probe before it in the process (or, for bpftool's
            // first call, the command).
            if (process.last_probe.has_value() || probe->feature == Feature::MemlockRlimit) {
                process.last_probe = probe->feature;
                v.probe = probe;
            }
            return v;
        }
        HeldCall h;
        h.pid = pid;
        h.tid = tid;
        h.fd = fd;
        h.probe = *probe;
        h.weak = shape && shape->weak;
        h.cmd = call.cmd;
        h.type = call.cmd == uapi::BPF_PROG_LOAD   ? uint32_t(BPFSC_PROBE_IN(call, prog_load_attr, prog_type))
                 : call.cmd == uapi::BPF_MAP_CREATE ? uint32_t(BPFSC_PROBE_IN(call, map_create_attr, map_type))
                                                    : 0;
        held_ = h;
        v.hold = true;
        v.probe = probe;
        return v;
    }
    process.last_probe = probe->feature;
    remember(pid, fd, *probe);
    v.probe = probe;
    return v;
}

Recogniser::Verdict Recogniser::closed(pid_t pid, pid_t tid, int fd, int last) {
    if (last < fd) last = fd;
    Verdict v;
    if (held_ && held_->tid == tid && held_->pid == pid && held_->fd >= fd && held_->fd <= last) {
        const Probe made = held_->probe;
        settle(v, true);
        v.probe = step_of(made, "closing what the probe made");
    } else if (held_) {
        settle(v, !held_->weak);
    }
    auto it = processes_.find(pid);
    if (it == processes_.end()) return v;
    auto& fds = it->second.probe_fds;
    for (auto at = fds.begin(); at != fds.end();) {
        if (at->fd < fd || at->fd > last) {
            ++at;
            continue;
        }
        if (!v.probe) v.probe = step_of(at->probe, "closing what the probe made");
        at = fds.erase(at);
    }
    return v;
}

Recogniser::Verdict Recogniser::other_event() {
    Verdict v;
    if (held_) settle(v, !held_->weak);
    return v;
}

void Recogniser::forget(pid_t pid) { processes_.erase(pid); }

} // namespace bpfsc::probes
