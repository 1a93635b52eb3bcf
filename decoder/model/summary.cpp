// The end-of-trace summary (see summary.h).
#include "summary.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <string_view>
#include <utility>

#include "../format/format.h"

namespace bpfsc::model {

namespace {

// "prog#80:tracepoint:hello" when the trace or the kernel's answers know
// the object, else "prog#80".
std::string label_of(const FdModel& model, const KernelHolders& h, ObjectKind kind, uint32_t id) {
    if (const auto o = model.object_by_id(kind, id)) return o->cached_label();
    if (const auto it = h.facts.find({kind, id}); it != h.facts.end()) {
        Object o;
        o.facts = it->second;
        return o.label();
    }
    switch (kind) {
    case ObjectKind::Map: return fmt::format("map#{}", id);
    case ObjectKind::Prog: return fmt::format("prog#{}", id);
    case ObjectKind::Link: return fmt::format("link#{}", id);
    case ObjectKind::Btf: return fmt::format("btf#{}", id);
    default: return fmt::format("#{}", id);
    }
}

// What the machine-wide facts add to what the trace knows of `o`.
void add_holders(const FdModel& model, const Object& o, const KernelHolders& h, std::vector<AliveReason>& reasons) {
    const ObjectFacts& f = o.facts;
    const auto known = [&](AliveReason::Kind kind, auto same) {
        return std::any_of(reasons.begin(), reasons.end(), [&](const AliveReason& r) { return r.kind == kind && same(r); });
    };
    if (const auto* fds = KernelHolders::find(h.fds, f.kind, f.id))
        for (const KernelHolders::ProcessFd& p : *fds) {
            if (known(AliveReason::Kind::OpenFd, [&](const AliveReason& r) { return r.pid == p.pid && r.fd == p.fd; }))
                continue;
            AliveReason r;
            r.kind = AliveReason::Kind::HeldByProcess;
            r.pid = p.pid;
            r.fd = p.fd;
            r.comm = p.comm;
            reasons.push_back(std::move(r));
        }
    if (const auto* pins = KernelHolders::find(h.pins, f.kind, f.id))
        for (const std::string& path : *pins) {
            if (known(AliveReason::Kind::Pinned, [&](const AliveReason& r) { return r.path == path; })) continue;
            AliveReason r;
            r.kind = AliveReason::Kind::Pinned;
            r.path = path;
            reasons.push_back(std::move(r));
        }
    if (f.kind == ObjectKind::Prog) {
        for (const auto& entry : h.links) {
            const uint32_t link_id = entry.first;  // a name of its own: clang 14 lambdas cannot capture bindings
            const KernelHolders::Link& link = entry.second;
            if (link.prog_id != f.id) continue;
            const std::string what =
                !link.target.empty() ? link.target : short_type_name(ObjectKind::Link, link.type) + " link";
            auto same = std::find_if(reasons.begin(), reasons.end(), [&](const AliveReason& r) {
                return r.kind == AliveReason::Kind::HeldByLink && r.link_id == link_id;
            });
            if (same != reasons.end()) {
                same->what = what;
                continue;
            }
            AliveReason r;
            r.kind = AliveReason::Kind::HeldByLink;
            r.link_id = link_id;
            r.what = what;
            reasons.push_back(std::move(r));
        }
        if (const auto it = h.attached.find(f.id); it != h.attached.end() && !it->second.empty()) {
            // Where it is attached says more than the trace's bare "attached".
            std::erase_if(reasons, [](const AliveReason& r) { return r.kind == AliveReason::Kind::Attached; });
            for (const KernelHolders::Attachment& at : it->second) {
                // A perf event the trace saw opened is said once, by the trace.
                if (at.fd >= 0 && known(AliveReason::Kind::PerfEvent, [&](const AliveReason& r) {
                        return r.pid == at.pid && r.fd == at.fd;
                    }))
                    continue;
                AliveReason r;
                r.kind = AliveReason::Kind::RunsOn;
                r.what = at.where;
                reasons.push_back(std::move(r));
            }
        }
    }
    if (f.kind == ObjectKind::Map)
        if (const auto it = h.map_users.find(f.id); it != h.map_users.end())
            for (const uint32_t prog : it->second) {
                AliveReason r;
                r.kind = AliveReason::Kind::UsedByProgram;
                r.id = prog;
                r.what = label_of(model, h, ObjectKind::Prog, prog);
                reasons.push_back(std::move(r));
            }
    if (f.kind == ObjectKind::Btf)
        if (const auto it = h.btf_users.find(f.id); it != h.btf_users.end())
            for (const ObjectId& user : it->second) {
                AliveReason r;
                r.kind = AliveReason::Kind::BtfOf;
                r.what = label_of(model, h, user.first, user.second);
                reasons.push_back(std::move(r));
            }
}

// The objects as a tree: a link, the program it holds, the maps and BTF
// that program uses (a map's BTF below it), each object once, at its first
// place; what has no holder listed above it is a root, in the order seen.
std::vector<AliveObject> as_tree(std::vector<AliveObject> flat, const KernelHolders* h) {
    std::map<ObjectId, std::size_t> at;
    for (std::size_t i = 0; i < flat.size(); ++i) at[{flat[i].object->facts.kind, flat[i].object->facts.id}] = i;
    const auto index = [&](ObjectKind kind, uint32_t id) -> long {
        const auto it = at.find({kind, id});
        return it == at.end() ? -1 : long(it->second);
    };
    std::vector<std::vector<std::size_t>> children(flat.size());
    std::vector<bool> has_parent(flat.size(), false);
    const auto adopt = [&](long parent, std::size_t child) {
        if (parent < 0 || std::size_t(parent) == child || has_parent[child]) return;
        children[std::size_t(parent)].push_back(child);
        has_parent[child] = true;
    };
    for (std::size_t i = 0; i < flat.size(); ++i) {
        const Object& o = *flat[i].object;
        const ObjectFacts& f = o.facts;
        if (f.kind == ObjectKind::Prog) {
            for (const uint32_t link : o.held_by_links) adopt(index(ObjectKind::Link, link), i);
            if (h != nullptr)
                for (const auto& [link_id, link] : h->links)
                    if (link.prog_id == f.id) adopt(index(ObjectKind::Link, link_id), i);
        } else if (f.kind == ObjectKind::Map && h != nullptr) {
            if (const auto it = h->map_users.find(f.id); it != h->map_users.end())
                for (const uint32_t prog : it->second) adopt(index(ObjectKind::Prog, prog), i);
        } else if (f.kind == ObjectKind::Btf && h != nullptr) {
            if (const auto it = h->btf_users.find(f.id); it != h->btf_users.end()) {
                for (const ObjectId& user : it->second)  // a program's BTF below the program, else the map's
                    if (user.first == ObjectKind::Prog) adopt(index(user.first, user.second), i);
                for (const ObjectId& user : it->second) adopt(index(user.first, user.second), i);
            }
        }
    }
    std::vector<AliveObject> tree;
    std::vector<bool> placed(flat.size(), false);
    const auto place = [&](auto& self, std::size_t i, std::size_t depth) -> void {
        if (placed[i]) return;
        placed[i] = true;
        flat[i].depth = depth;
        tree.push_back(std::move(flat[i]));
        for (const std::size_t c : children[i]) self(self, c, depth + 1);
    };
    for (std::size_t i = 0; i < flat.size(); ++i)
        if (!has_parent[i]) place(place, i, 0);
    for (std::size_t i = 0; i < flat.size(); ++i) place(place, i, 0);  // a loop of holders: none is a root
    return tree;
}

} // namespace

Summary summarize(const FdModel& model, ObjectInspector& inspector, pid_t only_pid, bool with_probes,
                  const KernelHolders* holders) {
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
        const bool looked_at = a.reasons.empty() && !o->created.creates;
        if (holders != nullptr) add_holders(model, *o, *holders, a.reasons);
        if (looked_at && a.reasons.empty()) {
            ++s.only_looked_at;
            continue;
        }
        a.looked_at = looked_at;
        if (a.reasons.empty()) {
            AliveReason r;  // Elsewhere
            if (holders != nullptr && holders->gathered) {
                for (const std::string& searched : holders->searched) {
                    if (!r.what.empty()) r.what += ", ";
                    r.what += searched;
                }
            }
            a.reasons.push_back(std::move(r));
        }
        s.alive.push_back(std::move(a));
    }
    s.alive = as_tree(std::move(s.alive), holders);
    return s;
}

std::string describe(const AliveReason& reason, bool for_text) {
    switch (reason.kind) {
    case AliveReason::Kind::Pinned: return "pinned at " + (for_text ? decoder::text_safe(reason.path) : reason.path);
    case AliveReason::Kind::HeldByLink:
        if (!reason.what.empty())
            return fmt::format("held by link#{} ({})", reason.link_id,
                               for_text ? decoder::text_safe(reason.what) : reason.what);
        return fmt::format("held by link#{}", reason.link_id);
    case AliveReason::Kind::HeldByProcess:
        return fmt::format("fd {} of pid {} ({})", reason.fd, reason.pid,
                           for_text ? decoder::text_safe(reason.comm) : reason.comm);
    case AliveReason::Kind::UsedByProgram: return "used by " + reason.what;
    case AliveReason::Kind::BtfOf: return "the BTF of " + reason.what;
    case AliveReason::Kind::RunsOn: return for_text ? decoder::text_safe(reason.what) : reason.what;
    case AliveReason::Kind::Attached: return "attached";
    case AliveReason::Kind::OpenFd: return fmt::format("open as fd {} of pid {}", reason.fd, reason.pid);
    case AliveReason::Kind::PerfEvent:
        return fmt::format("runs on {} (open as fd {} of pid {})", reason.what, reason.fd, reason.pid);
    case AliveReason::Kind::Elsewhere: break;
    }
    if (!reason.what.empty())
        return "nothing found holding it (searched " + reason.what + "): held by the kernel, or being freed";
    return "not held by this program: pinned where it was not seen, attached, held by another process, or still being freed";
}

} // namespace bpfsc::model
