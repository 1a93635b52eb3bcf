// The end-of-trace tables as text:
//   --- fds of pid 1234 ---
//     fd 3  map#15:hash:config   opened by #2 BPF_MAP_GET_FD_BY_ID   closed by #9 close
//     fd 4  map#19:hash:config   opened by #5 BPF_MAP_CREATE         closed by #12 execve (close-on-exec)
//     fd 5  prog#80:tracepoint:hello   opened before tracing   closed at exit
//   --- fds of pid 1240: 7 fds inherited by fork (3-9), all closed by #17 close_range ---
//   --- objects alive after the trace ---
//     link#4:perf_event   fd 8 of pid 1234 (loader)
//       prog#80:tracepoint:hello   runs on the tracepoint sys_enter_execve (fd 7 of pid 1234, loader)
//         map#15:hash:config   pinned at /sys/fs/bpf/config
// (a tree: what holds an object stands above it, and the reason that
// names it is not repeated)
// ("still open" when the trace ended before the fd closed; "  none" when no
// object outlives the trace; a child that only inherited fds and closed
// them all at once gets one line, its whole table with -v). Columns of an fd table are aligned. Names and
// paths that are not plain printable ASCII are quoted as strace quotes.
#include <algorithm>
#include <iterator>

#include "decoder/format/format.h"
#include "tracer/output/text_output.h"

namespace bpfsc::tracer {

namespace {

using It = std::back_insert_iterator<fmt::memory_buffer>;
using decoder::put;
using decoder::text_safe;

bool is_exit(const model::CallRef& c) { return c.what == "exit"; }
bool is_exec(const model::CallRef& c) { return c.what.starts_with("execve"); }

// "#2 BPF_MAP_GET_FD_BY_ID", "#2" without a name, the name alone without a
// seq (the tracer numbers only bpf() and fd calls: "fork", "execve", "exit").
std::string call_text(const model::CallRef& c) {
    if (c.seq == 0) return text_safe(c.what);
    if (c.what.empty()) return fmt::format("#{}", c.seq);
    return fmt::format("#{} {}", c.seq, text_safe(c.what));
}

// Open before tracing (or arrived unseen): what lookup() records, no call at
// all. Events the tracer numbers 0 but names ("fork") are calls.
bool before_tracing(const model::CallRef& c) { return c.seq == 0 && c.what.empty(); }

std::string opened_text(const model::CallRef& c) {
    if (before_tracing(c)) return "opened before tracing";
    return "opened by " + call_text(c);
}

std::string closed_text(const std::optional<model::CallRef>& c) {
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

bool inherited(const model::FdRecord& r) { return r.opened.seq == 0 && r.opened.what == "fork"; }

bool same_call(const std::optional<model::CallRef>& a, const std::optional<model::CallRef>& b) {
    return a && b && a->seq == b->seq && a->what == b->what;
}

// "3-9", "3, 5, 7-9": the fds of a table, in order.
std::string fd_ranges(const model::ProcessFds& p) {
    std::vector<int> fds;
    for (const model::FdRecord& r : p.fds) fds.push_back(r.fd);
    std::sort(fds.begin(), fds.end());
    fds.erase(std::unique(fds.begin(), fds.end()), fds.end());
    std::string s;
    for (std::size_t i = 0; i < fds.size();) {
        std::size_t j = i;
        while (j + 1 < fds.size() && fds[j + 1] == fds[j] + 1) ++j;
        if (!s.empty()) s += ", ";
        s += j == i ? fmt::format("{}", fds[i]) : fmt::format("{}-{}", fds[i], fds[j]);
        i = j + 1;
    }
    return s;
}

// A child that only inherited its parent's fds and closed them all at once
// (a close_range before exec, close-on-exec, its exit): one line, since
// its parent's table already names every object.
bool render_inherited(const model::ProcessFds& p, fmt::memory_buffer& out) {
    if (p.fds.empty()) return false;
    for (const model::FdRecord& r : p.fds)
        if (!inherited(r) || !same_call(r.closed, p.fds.front().closed)) return false;
    const std::size_t n = p.fds.size();
    fmt::format_to(It(out), "--- fds of pid {}: {} fd{} inherited by fork ({}), all {} ---\n", p.pid, n,
                   n == 1 ? "" : "s", fd_ranges(p), closed_text(p.fds.front().closed));
    return true;
}

void render_fds(const model::ProcessFds& p, bool verbose, fmt::memory_buffer& out) {
    if (!verbose && render_inherited(p, out)) return;
    struct Row {
        std::string fd, object, opened, closed;
    };
    std::vector<Row> rows;
    std::size_t w_fd = 0, w_object = 0, w_opened = 0;
    for (const model::FdRecord& r : p.fds) {
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
    if (p.probe_fds != 0)
        fmt::format_to(It(out), "  (not listed: {} fd{} of feature probes, each closed at once; -v lists them)\n",
                       p.probe_fds, p.probe_fds == 1 ? "" : "s");
}

// Whether `r` names the object the line stands under in the tree (the
// link holding a program, the program using a map or BTF): the indentation
// says it already.
bool names_parent(const model::AliveReason& r, const model::Object* parent) {
    if (parent == nullptr) return false;
    using K = model::AliveReason::Kind;
    switch (r.kind) {
    case K::HeldByLink: return parent->facts.kind == model::ObjectKind::Link && parent->facts.id == r.link_id;
    case K::UsedByProgram:
    case K::BtfOf: return r.what == parent->cached_label();
    default: return false;
    }
}

// "map#15" of "map#15:hash:config", to name several in one reason.
std::string_view short_label(std::string_view label) { return label.substr(0, label.find(':')); }

void render_alive(std::span<const model::AliveObject> alive, std::size_t only_looked_at, fmt::memory_buffer& out) {
    put(out, "--- objects alive after the trace ---\n");
    if (alive.empty()) put(out, "  none\n");
    // A tree: a link, the program it holds, the maps and BTF the program uses.
    std::vector<const model::Object*> above;  // the object at each depth of the current branch
    for (const model::AliveObject& a : alive) {
        above.resize(a.depth);
        const model::Object* parent = a.depth == 0 ? nullptr : above[a.depth - 1];
        above.push_back(a.object.get());
        for (std::size_t i = 0; i <= a.depth; ++i) put(out, "  ");
        put(out, text_safe(a.object->label()));
        put(out, "   ");
        if (a.looked_at) put(out, "only looked at; ");
        std::vector<std::string_view> btf_of;  // the other maps and programs a BTF describes, said once
        bool first = true, parent_btf = false;
        for (const model::AliveReason& r : a.reasons) {
            if (names_parent(r, parent) && a.reasons.size() > 1) {
                parent_btf |= r.kind == model::AliveReason::Kind::BtfOf;
                continue;
            }
            if (r.kind == model::AliveReason::Kind::BtfOf) {
                btf_of.push_back(r.what);
                continue;
            }
            if (!first) put(out, ", ");
            first = false;
            put(out, model::describe(r, true));
        }
        if (!btf_of.empty()) {
            if (!first) put(out, ", ");
            put(out, parent_btf ? "also the BTF of " : "the BTF of ");
            for (std::size_t i = 0; i < btf_of.size(); ++i) {
                if (i != 0) put(out, i + 1 == btf_of.size() ? " and " : ", ");
                put(out, btf_of.size() > 1 ? short_label(btf_of[i]) : btf_of[i]);
            }
        }
        out.push_back('\n');
    }
    if (only_looked_at != 0)
        fmt::format_to(It(out), "  (not listed: {} object{} the program did not create and only looked at)\n",
                       only_looked_at, only_looked_at == 1 ? "" : "s");
}

} // namespace

void TextOutput::fd_table(const FdTableRecord& r) {
    end_probe_run();
    if (options_.quiet) return;
    render_fds(*r.process, options_.verbose, sink_.buffer());
    sink_.end_record();
}

void TextOutput::alive(const AliveRecord& r) {
    end_probe_run();
    if (options_.quiet) return;
    render_alive(r.objects, r.only_looked_at, sink_.buffer());
    sink_.end_record();
}

} // namespace bpfsc::tracer
