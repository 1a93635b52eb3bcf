// The end-of-trace summary as JSON, one record per part:
//   {"type":"summary","part":"fds","pid":1234,"fds":[{"fd":{"fd":3,"label":"map#15:hash:config",...},
//     "opened":{"seq":2,"call":"BPF_MAP_GET_FD_BY_ID"},"closed":{"seq":9,"call":"close"}},...]}
//   {"type":"summary","part":"alive","objects":[{"object":{"label":"map#15:hash:config",...},
//     "reasons":[{"kind":"pinned","path":"/sys/fs/bpf/config","text":"pinned at /sys/fs/bpf/config"}]}],
//     "only_looked_at":0}
// "opened" is null for an fd open before tracing and "closed" null for one
// still open; a call the tracer does not number (fork, execve, exit) has
// "seq":null.
#include <iterator>

#include "decoder/format/json_format.h"
#include "decoder/render/json.h"
#include "tracer/output/json_output.h"

namespace bpfsc::tracer {

namespace {

using It = std::back_insert_iterator<fmt::memory_buffer>;
using decoder::append_json_string;
using decoder::put;

void append_call(fmt::memory_buffer& out, const model::CallRef& c) {
    if (c.seq == 0) put(out, "{\"seq\":null,\"call\":");
    else fmt::format_to(It(out), "{{\"seq\":{},\"call\":", c.seq);
    append_json_string(out, c.what);
    out.push_back('}');
}

std::string_view reason_kind(model::AliveReason::Kind kind) {
    using K = model::AliveReason::Kind;
    switch (kind) {
    case K::Pinned: return "pinned";
    case K::HeldByLink: return "held_by_link";
    case K::Attached: return "attached";
    case K::PerfEvent: return "perf_event";
    case K::OpenFd: return "open_fd";
    case K::HeldByProcess: return "held_by_process";
    case K::UsedByProgram: return "used_by_program";
    case K::BtfOf: return "btf_of";
    case K::RunsOn: return "runs_on";
    case K::Elsewhere: break;
    }
    return "elsewhere";
}

void append_reason(fmt::memory_buffer& out, const model::AliveReason& r) {
    using K = model::AliveReason::Kind;
    fmt::format_to(It(out), "{{\"kind\":\"{}\"", reason_kind(r.kind));
    switch (r.kind) {
    case K::Pinned:
        put(out, ",\"path\":");
        append_json_string(out, r.path);
        break;
    case K::HeldByLink:
        fmt::format_to(It(out), ",\"link_id\":{}", r.link_id);
        if (!r.what.empty()) {
            put(out, ",\"attached_to\":");
            append_json_string(out, r.what);
        }
        break;
    case K::HeldByProcess:
        fmt::format_to(It(out), ",\"pid\":{},\"fd\":{},\"comm\":", r.pid, r.fd);
        append_json_string(out, r.comm);
        break;
    case K::UsedByProgram:
    case K::BtfOf:
        put(out, ",\"by\":");
        decoder::append_object_json(out, r.what);
        break;
    case K::RunsOn:
        put(out, ",\"where\":");
        append_json_string(out, r.what);
        break;
    case K::PerfEvent:
        put(out, ",\"event\":");
        decoder::append_object_json(out, r.what);
        [[fallthrough]];
    case K::OpenFd: fmt::format_to(It(out), ",\"pid\":{},\"fd\":{}", r.pid, r.fd); break;
    case K::Attached: break;
    case K::Elsewhere:
        if (!r.what.empty()) {
            put(out, ",\"searched\":");
            append_json_string(out, r.what);
        }
        break;
    }
    put(out, ",\"text\":");
    append_json_string(out, model::describe(r, false));
    out.push_back('}');
}

} // namespace

void JsonOutput::fd_table(const FdTableRecord& r) {
    auto& out = sink_.buffer();
    fmt::format_to(It(out), "{{\"type\":\"summary\",\"part\":\"fds\",\"pid\":{},\"fds\":[", r.process->pid);
    for (std::size_t i = 0; i < r.process->fds.size(); ++i) {
        const model::FdRecord& f = r.process->fds[i];
        if (i != 0) out.push_back(',');
        put(out, "{\"fd\":");
        decoder::append_fd_json(out, f.fd, f.object->cached_label());
        put(out, ",\"opened\":");
        if (f.opened.seq == 0 && f.opened.what.empty()) put(out, "null");  // open before tracing
        else append_call(out, f.opened);
        put(out, ",\"closed\":");
        if (f.closed) append_call(out, *f.closed);
        else put(out, "null");
        if (f.object->probe) put(out, ",\"probe\":true");
        out.push_back('}');
    }
    put(out, "]");
    end();
}

void JsonOutput::alive(const AliveRecord& r) {
    auto& out = sink_.buffer();
    put(out, "{\"type\":\"summary\",\"part\":\"alive\",\"objects\":[");
    for (std::size_t i = 0; i < r.objects.size(); ++i) {
        const model::AliveObject& a = r.objects[i];
        if (i != 0) out.push_back(',');
        put(out, "{\"object\":");
        decoder::append_object_json(out, a.object->cached_label());
        fmt::format_to(It(out), ",\"depth\":{},\"looked_at\":{}", a.depth, a.looked_at ? "true" : "false");
        put(out, ",\"reasons\":[");
        for (std::size_t k = 0; k < a.reasons.size(); ++k) {
            if (k != 0) out.push_back(',');
            append_reason(out, a.reasons[k]);
        }
        put(out, "]}");
    }
    fmt::format_to(It(out), "],\"only_looked_at\":{}", r.only_looked_at);
    end();
}

} // namespace bpfsc::tracer
