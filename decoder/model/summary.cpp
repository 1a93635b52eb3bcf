// The end-of-trace summary (see summary.h).
#include "summary.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <string_view>
#include <utility>

#include "../format/format.h"

namespace bpfsc::model {

Summary summarize(const FdModel& model, ObjectInspector& inspector, pid_t only_pid, bool with_probes) {
    Summary s;
    for (const pid_t pid : model.processes()) {
        if (only_pid != 0 && pid != only_pid) continue;
        ProcessFds p;
        p.pid = pid;
        for (const FdRecord& r : model.history(pid)) {
            if (!r.object->followed()) continue;
            if (r.object->probe && !with_probes) ++p.probe_fds;
            else p.fds.push_back(r);
        }
        if (!p.fds.empty() || p.probe_fds != 0) s.processes.push_back(std::move(p));
    }

    // The kernel is asked once per object.
    std::map<std::pair<ObjectKind, uint32_t>, bool> exists;
    const auto still_exists = [&](ObjectKind kind, uint32_t id) {
        const auto [it, fresh] = exists.try_emplace({kind, id}, false);
        if (fresh) it->second = inspector.still_exists(kind, id);
        return it->second;
    };

    for (const auto& o : model.objects()) {
        const ObjectFacts& f = o->facts;
        if (f.kind == ObjectKind::Other || f.id == 0 || !still_exists(f.kind, f.id)) continue;
        AliveObject a;
        a.object = o;
        for (const std::string& path : o->pinned_at) {
            AliveReason r;
            r.kind = AliveReason::Kind::Pinned;
            r.path = path;
            a.reasons.push_back(std::move(r));
        }
        for (const uint32_t link : o->held_by_links) {
            if (!still_exists(ObjectKind::Link, link)) continue;  // the link went away; it holds nothing now
            AliveReason r;
            r.kind = AliveReason::Kind::HeldByLink;
            r.link_id = link;
            a.reasons.push_back(std::move(r));
        }
        if (o->attached) {
            AliveReason r;
            r.kind = AliveReason::Kind::Attached;
            a.reasons.push_back(std::move(r));
        }
        // A perf event holds the program while an fd refers to it.
        for (const auto& event : o->perf_events)
            for (const pid_t pid : model.processes())
                for (const FdRecord& rec : model.history(pid)) {
                    if (rec.closed || rec.object != event) continue;
                    AliveReason r;
                    r.kind = AliveReason::Kind::PerfEvent;
                    r.what = event->cached_label();
                    r.pid = pid;
                    r.fd = rec.fd;
                    a.reasons.push_back(std::move(r));
                }
        for (const ProcessFds& p : s.processes) {
            for (const FdRecord& rec : p.fds) {
                if (rec.closed || rec.object != o) continue;
                AliveReason r;
                r.kind = AliveReason::Kind::OpenFd;
                r.pid = p.pid;
                r.fd = rec.fd;
                a.reasons.push_back(std::move(r));
            }
        }
        if (a.reasons.empty() && !o->created.creates) {
            ++s.only_looked_at;
            continue;
        }
        if (a.reasons.empty()) a.reasons.emplace_back();  // Elsewhere
        s.alive.push_back(std::move(a));
    }
    return s;
}

std::string describe(const AliveReason& reason, bool for_text) {
    switch (reason.kind) {
    case AliveReason::Kind::Pinned: return "pinned at " + (for_text ? decoder::text_safe(reason.path) : reason.path);
    case AliveReason::Kind::HeldByLink: return fmt::format("held by link#{}", reason.link_id);
    case AliveReason::Kind::Attached: return "attached";
    case AliveReason::Kind::OpenFd: return fmt::format("open as fd {} of pid {}", reason.fd, reason.pid);
    case AliveReason::Kind::PerfEvent:
        return fmt::format("runs on {} (open as fd {} of pid {})", reason.what, reason.fd, reason.pid);
    case AliveReason::Kind::Elsewhere: break;
    }
    return "not held by this program: pinned where it was not seen, attached, held by another process, or still being freed";
}

} // namespace bpfsc::model
