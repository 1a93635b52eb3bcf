// The end-of-trace summary (see summary.h).
#include "summary.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <string_view>
#include <utility>

#include "../render/format.h"
#include "../render/json.h"

namespace bpfsc::model {

namespace {

using It = std::back_insert_iterator<fmt::memory_buffer>;
using decoder::put;

// Plain printable ASCII as is; anything else (or "") quoted as strace quotes,
// so that a name or path can never break a line of the text.
std::string text_safe(std::string_view s) {
    const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    });
    if (plain) return std::string(s);
    fmt::memory_buffer b;
    decoder::append_quoted(b, s);
    return fmt::to_string(b);
}

std::string_view kind_name(ObjectKind kind) {
    switch (kind) {
    case ObjectKind::Map: return "map";
    case ObjectKind::Prog: return "prog";
    case ObjectKind::Btf: return "btf";
    case ObjectKind::Link: return "link";
    case ObjectKind::Token: return "token";
    case ObjectKind::Other: return "other";
    }
    return "other";
}

bool is_exit(const CallRef& c) { return c.what == "exit"; }
bool is_exec(const CallRef& c) { return c.what.starts_with("execve"); }

// "#2 BPF_MAP_GET_FD_BY_ID", "#2" without a name, the name alone without a
// seq (the tracer numbers only bpf() and fd calls: "fork", "execve", "exit").
std::string call_text(const CallRef& c) {
    if (c.seq == 0) return text_safe(c.what);
    if (c.what.empty()) return fmt::format("#{}", c.seq);
    return fmt::format("#{} {}", c.seq, text_safe(c.what));
}

// Open before tracing (or arrived unseen): what lookup() records, no call at
// all. Events the tracer numbers 0 but names ("fork") are calls.
bool before_tracing(const CallRef& c) { return c.seq == 0 && c.what.empty(); }

std::string opened_text(const CallRef& c) {
    if (before_tracing(c)) return "opened before tracing";
    return "opened by " + call_text(c);
}

std::string closed_text(const std::optional<CallRef>& c) {
    if (!c) return "still open";
    if (is_exit(*c)) return "closed at exit";
    std::string s = "closed by " + call_text(*c);
    if (is_exec(*c)) s += " (close-on-exec)";
    return s;
}

void append_padded(fmt::memory_buffer& out, const std::string& s, std::size_t width) {
    put(out, s);
    for (std::size_t i = s.size(); i < width; ++i) out.push_back(' ');
}

void render_fds_text(const ProcessFds& p, fmt::memory_buffer& out) {
    struct Row {
        std::string fd, object, opened, closed;
    };
    std::vector<Row> rows;
    std::size_t w_fd = 0, w_object = 0, w_opened = 0;
    for (const FdRecord& r : p.fds) {
        Row row{fmt::format("fd {}", r.fd), text_safe(r.object->label()), opened_text(r.opened),
                closed_text(r.closed)};
        w_fd = std::max(w_fd, row.fd.size());
        w_object = std::max(w_object, row.object.size());
        w_opened = std::max(w_opened, row.opened.size());
        rows.push_back(std::move(row));
    }
    fmt::format_to(It(out), "--- fds of pid {} ---\n", p.pid);
    for (const Row& row : rows) {
        put(out, "  ");
        append_padded(out, row.fd, w_fd + 2);
        append_padded(out, row.object, w_object + 3);
        append_padded(out, row.opened, w_opened + 3);
        put(out, row.closed);
        out.push_back('\n');
    }
}

void render_alive_text(const std::vector<AliveObject>& alive, std::size_t only_looked_at, fmt::memory_buffer& out) {
    put(out, "--- objects alive after the trace ---\n");
    if (alive.empty()) put(out, "  none\n");
    for (const AliveObject& a : alive) {
        put(out, "  ");
        put(out, text_safe(a.object->label()));
        put(out, "   ");
        for (std::size_t i = 0; i < a.reasons.size(); ++i) {
            if (i != 0) put(out, ", ");
            put(out, describe(a.reasons[i], true));
        }
        out.push_back('\n');
    }
    if (only_looked_at != 0)
        fmt::format_to(It(out), "  (not listed: {} object{} the program did not create and only looked at)\n",
                       only_looked_at, only_looked_at == 1 ? "" : "s");
}

void append_json_call(fmt::memory_buffer& out, const CallRef& c) {
    if (c.seq == 0) put(out, "{\"seq\":null,\"call\":");
    else fmt::format_to(It(out), "{{\"seq\":{},\"call\":", c.seq);
    decoder::append_json_string(out, c.what);
    out.push_back('}');
}

void append_json_object_id(fmt::memory_buffer& out, const Object& o) {
    put(out, "\"object\":");
    decoder::append_json_string(out, o.label());
    fmt::format_to(It(out), ",\"kind\":\"{}\",\"id\":{}", kind_name(o.facts.kind), o.facts.id);
}

void render_fds_json(const ProcessFds& p, fmt::memory_buffer& out) {
    fmt::format_to(It(out), "{{\"event\":\"fds\",\"pid\":{},\"fds\":[", p.pid);
    for (std::size_t i = 0; i < p.fds.size(); ++i) {
        const FdRecord& r = p.fds[i];
        if (i != 0) out.push_back(',');
        fmt::format_to(It(out), "{{\"fd\":{},", r.fd);
        append_json_object_id(out, *r.object);
        put(out, ",\"opened\":");
        if (before_tracing(r.opened)) put(out, "null");
        else append_json_call(out, r.opened);
        put(out, ",\"closed\":");
        if (r.closed) append_json_call(out, *r.closed);
        else put(out, "null");
        out.push_back('}');
    }
    put(out, "]}\n");
}

void render_alive_json(const std::vector<AliveObject>& alive, std::size_t only_looked_at, fmt::memory_buffer& out) {
    put(out, "{\"event\":\"alive\",\"objects\":[");
    for (std::size_t i = 0; i < alive.size(); ++i) {
        const AliveObject& a = alive[i];
        if (i != 0) out.push_back(',');
        out.push_back('{');
        append_json_object_id(out, *a.object);
        put(out, ",\"reasons\":[");
        for (std::size_t k = 0; k < a.reasons.size(); ++k) {
            if (k != 0) out.push_back(',');
            decoder::append_json_string(out, describe(a.reasons[k], false));
        }
        put(out, "]}");
    }
    fmt::format_to(It(out), "],\"only_looked_at\":{}}}\n", only_looked_at);
}

} // namespace

Summary summarize(const FdModel& model, ObjectInspector& inspector) {
    Summary s;
    for (const pid_t pid : model.processes()) {
        ProcessFds p;
        p.pid = pid;
        for (const FdRecord& r : model.history(pid))
            if (r.object->followed()) p.fds.push_back(r);
        if (!p.fds.empty()) s.processes.push_back(std::move(p));
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
    case AliveReason::Kind::Pinned: return "pinned at " + (for_text ? text_safe(reason.path) : reason.path);
    case AliveReason::Kind::HeldByLink: return fmt::format("held by link#{}", reason.link_id);
    case AliveReason::Kind::Attached: return "attached";
    case AliveReason::Kind::OpenFd: return fmt::format("open as fd {} of pid {}", reason.fd, reason.pid);
    case AliveReason::Kind::PerfEvent:
        return fmt::format("runs on {} (open as fd {} of pid {})", reason.what, reason.fd, reason.pid);
    case AliveReason::Kind::Elsewhere: break;
    }
    return "not held by this program: pinned where it was not seen, attached, held by another process, or still being freed";
}

void render_summary(const Summary& summary, const SummaryOptions& options, fmt::memory_buffer& out) {
    for (const ProcessFds& p : summary.processes) {
        if (options.json) render_fds_json(p, out);
        else render_fds_text(p, out);
    }
    if (options.json) render_alive_json(summary.alive, summary.only_looked_at, out);
    else render_alive_text(summary.alive, summary.only_looked_at, out);
}

void render_summary(const FdModel& model, ObjectInspector& inspector, const SummaryOptions& options,
                    fmt::memory_buffer& out) {
    Summary summary = summarize(model, inspector);
    if (options.only_pid != 0)
        std::erase_if(summary.processes, [&](const ProcessFds& p) { return p.pid != options.only_pid; });
    render_summary(summary, options, out);
}

} // namespace bpfsc::model
