// The JSON rendering of the header, calls, syscalls, process events and
// messages (see json_output.h; the summary parts are in json_summary.cpp).
#include "tracer/output/json_output.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "decoder/disasm/helper_names.h"
#include "decoder/format/json_format.h"
#include "decoder/render/json.h"
#include "decoder/xlat.h"

namespace bpfsc::tracer {

namespace {

using It = std::back_insert_iterator<fmt::memory_buffer>;
using decoder::append_json_string;
using decoder::put;

// Seconds with nanoseconds: 1.000042117.
void append_seconds(fmt::memory_buffer& out, int64_t ns) {
    if (ns < 0) ns = 0;
    fmt::format_to(It(out), "{}.{:09}", ns / 1000000000, ns % 1000000000);
}

// "2026-12-03T18:19:10.123456789Z"
void append_utc(fmt::memory_buffer& out, int64_t realtime_ns) {
    const time_t seconds = time_t(realtime_ns / 1000000000);
    tm utc{};
    gmtime_r(&seconds, &utc);
    fmt::format_to(It(out), "\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z\"", utc.tm_year + 1900, utc.tm_mon + 1,
                   utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, realtime_ns % 1000000000);
}

std::string_view end_name(CallEnd end) {
    switch (end) {
    case CallEnd::ThreadExited: return "exited";
    case CallEnd::ExecKilled: return "execve";
    case CallEnd::ResultUnknown: return "result_unknown";
    case CallEnd::None: break;
    }
    return "none";
}

std::string_view process_event_name(ProcessRecord::Kind kind) {
    switch (kind) {
    case ProcessRecord::Kind::Fork: return "fork";
    case ProcessRecord::Kind::Thread: return "thread";
    case ProcessRecord::Kind::Exec: return "exec";
    case ProcessRecord::Kind::Exit: return "exit";
    case ProcessRecord::Kind::Attach: return "attach";
    case ProcessRecord::Kind::Detach: return "detach";
    }
    return "exit";
}

// {"value":5,"name":"BPF_PROG_TYPE_TRACEPOINT"}, without a name the kernel lacks.
void append_named(fmt::memory_buffer& out, uint64_t value, std::string_view name) {
    fmt::format_to(It(out), "{{\"value\":{}", value);
    if (!name.empty()) {
        put(out, ",\"name\":");
        append_json_string(out, name);
    }
    out.push_back('}');
}

// ,"probe":{"by":"libbpf","feature":"btf_float","answer":"yes",...,"text":"..."}
void append_probe(fmt::memory_buffer& out, const probes::Probe& p) {
    fmt::format_to(It(out), ",\"probe\":{{\"by\":\"{}\",\"feature\":\"{}\",\"answer\":\"{}\"", probes::prober_name(p.by),
                   probes::feature_key(p.feature), probes::answer_key(p.answer));
    using probes::Feature;
    if (p.feature == Feature::ProgType || p.feature == Feature::Helper) {
        put(out, ",\"prog_type\":");
        append_named(out, p.subject, decoder::xlat::bpf_prog_type.name_of(p.subject));
    }
    if (p.feature == Feature::MapType) {
        put(out, ",\"map_type\":");
        append_named(out, p.subject, decoder::xlat::bpf_map_type.name_of(p.subject));
    }
    if (p.feature == Feature::Helper) {
        put(out, ",\"helper\":");
        append_named(out, p.helper, decoder::disasm::helper_name(p.helper));
    }
    if (!p.reason.empty()) {
        put(out, ",\"reason\":");
        append_json_string(out, p.reason);
    }
    put(out, ",\"text\":");
    append_json_string(out, probes::describe(p));
    out.push_back('}');
}

void append_fd(fmt::memory_buffer& out, const FdRef& fd) {
    decoder::append_fd_json(out, fd.fd, fd.object != nullptr ? std::string_view(fd.object->cached_label()) : "");
}

void append_arg(fmt::memory_buffer& out, const SyscallArg& a) {
    using K = SyscallArg::Kind;
    switch (a.kind) {
    case K::Fd: append_fd(out, a.fd); return;
    case K::Signed:
    case K::Unsigned:
    case K::Hex: {
        // A number, or {"value":N,"meaning":...} when it says more than that.
        const bool meaning = !a.comment.empty();
        if (meaning) put(out, "{\"value\":");
        if (a.kind == K::Signed) decoder::append_json_int(out, int64_t(a.value));
        else decoder::append_json_uint(out, a.value);
        if (meaning) {
            put(out, ",\"meaning\":");
            append_json_string(out, a.comment);
            out.push_back('}');
        }
        return;
    }
    case K::Enum:
        put(out, "{\"value\":");
        decoder::append_json_uint(out, a.value);
        put(out, ",\"name\":");
        if (a.symbol.empty()) put(out, "null");
        else append_json_string(out, a.symbol);
        if (!a.comment.empty()) {
            put(out, ",\"meaning\":");
            append_json_string(out, a.comment);
        }
        out.push_back('}');
        return;
    case K::Flags:
        put(out, "{\"value\":");
        decoder::append_json_uint(out, a.value);
        put(out, ",\"names\":[");
        for (std::size_t i = 0; i < a.flags.size(); ++i) {
            if (i != 0) out.push_back(',');
            append_json_string(out, a.flags[i]);
        }
        put(out, "],\"unknown_bits\":");
        decoder::append_json_uint(out, a.unknown_bits);
        out.push_back('}');
        return;
    case K::String: append_json_string(out, a.text); return;
    case K::Struct:
        put(out, "{\"addr\":");
        decoder::append_json_uint(out, a.value);
        put(out, ",\"readable\":");
        put(out, a.members.empty() ? "false" : "true");
        for (const SyscallArg& m : a.members) {
            fmt::format_to(It(out), ",\"{}\":", m.name);
            append_arg(out, m);
        }
        out.push_back('}');
        return;
    }
}

} // namespace

void JsonOutput::begin(std::string_view type, Timestamp when) {
    fmt::format_to(It(sink_.buffer()), "{{\"type\":\"{}\",\"ts\":", type);
    append_seconds(sink_.buffer(), when.known() ? when.ns - start_.ns : 0);
}

void JsonOutput::caller(const Caller& c, uint64_t seq) {
    fmt::format_to(It(sink_.buffer()), ",\"pid\":{},\"tid\":{}", c.pid, c.tid);
    if (seq != 0) fmt::format_to(It(sink_.buffer()), ",\"seq\":{}", seq);
}

void JsonOutput::duration(Timestamp entered, Timestamp exited) {
    if (!entered.known() || !exited.known()) return;
    put(sink_.buffer(), ",\"duration\":");
    append_seconds(sink_.buffer(), exited.ns - entered.ns);
}

void JsonOutput::notes(std::span<const std::string> lines) {
    auto& out = sink_.buffer();
    put(out, ",\"notes\":[");
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i != 0) out.push_back(',');
        append_json_string(out, lines[i]);
    }
    out.push_back(']');
}

void JsonOutput::end() {
    put(sink_.buffer(), "}\n");
    sink_.end_record();
}

void JsonOutput::header(const HeaderRecord& r) {
    start_ = r.start;
    auto& out = sink_.buffer();
    fmt::format_to(It(out), "{{\"type\":\"header\",\"schema_version\":\"{}\",\"tool\":\"bpftrace-syscalls\",\"version\":",
                   kJsonSchemaVersion);
    append_json_string(out, r.tool_version);
    put(out, ",\"kernel\":");
    append_json_string(out, r.kernel_release);
    put(out, ",\"backend\":");
    append_json_string(out, r.backend);
    if (!r.backend_reason.empty()) {
        put(out, ",\"backend_reason\":");
        append_json_string(out, r.backend_reason);
    }
    put(out, ",\"command\":[");
    for (std::size_t i = 0; i < r.command.size(); ++i) {
        if (i != 0) out.push_back(',');
        append_json_string(out, r.command[i]);
    }
    fmt::format_to(It(out), "],\"pid\":{},\"attached\":{},\"clock\":\"CLOCK_MONOTONIC\",\"start_time\":", r.pid,
                   r.command.empty() ? "true" : "false");
    append_utc(out, r.start_realtime_ns);
    end();
}

void JsonOutput::call(const CallRecord& r) {
    // One record per call: a call shown <unfinished ...> in the text is
    // printed here once, when it completes (its ts is its entry).
    if (r.state == CallState::InProgress) return;
    begin("call", r.entered);
    caller(r.caller, r.seq);
    auto& out = sink_.buffer();
    out.push_back(',');
    decoder::append_call_json(*r.call, out, options_.verbose);
    if (r.state == CallState::Abandoned) fmt::format_to(It(out), ",\"end\":\"{}\"", end_name(r.end));
    if (r.state == CallState::Complete) {
        duration(r.entered, r.exited);
        notes(r.notes);
        if (r.probe != nullptr) append_probe(out, *r.probe);
    }
    end();
}

void JsonOutput::syscall(const SyscallRecord& r) {
    begin("syscall", r.entered);
    caller(r.caller, r.seq);
    auto& out = sink_.buffer();
    fmt::format_to(It(out), ",\"syscall\":\"{}\",\"args\":{{", syscall_name(r.syscall));
    for (std::size_t i = 0; i < r.args.size(); ++i) {
        fmt::format_to(It(out), "{}\"{}\":", i != 0 ? "," : "", r.args[i].name);
        append_arg(out, r.args[i]);
    }
    put(out, "},\"return\":");
    decoder::append_result_json(out, r.ret, r.returned.fd >= 0,
                                r.returned.object != nullptr ? std::string_view(r.returned.object->cached_label()) : "");
    duration(r.entered, r.exited);
    notes(r.notes);
    if (r.probe != nullptr) append_probe(out, *r.probe);
    end();
}

void JsonOutput::process(const ProcessRecord& r) {
    begin("process", r.when);
    auto& out = sink_.buffer();
    fmt::format_to(It(out), ",\"event\":\"{}\",\"pid\":{}", process_event_name(r.kind), r.caller.pid);
    switch (r.kind) {
    case ProcessRecord::Kind::Fork:
    case ProcessRecord::Kind::Thread:
        fmt::format_to(It(out), ",\"tid\":{},\"parent\":{}", r.caller.tid, r.parent);
        break;
    case ProcessRecord::Kind::Exec: fmt::format_to(It(out), ",\"tid\":{}", r.caller.tid); break;
    case ProcessRecord::Kind::Exit:
        if (WIFSIGNALED(r.status)) {
            const int sig = WTERMSIG(r.status);
            const char* abbrev = sigabbrev_np(sig);
            fmt::format_to(It(out), ",\"signal\":{{\"value\":{},\"name\":", sig);
            if (abbrev != nullptr) fmt::format_to(It(out), "\"SIG{}\"", abbrev);
            else put(out, "null");
            fmt::format_to(It(out), "}},\"core_dumped\":{}", WCOREDUMP(r.status) ? "true" : "false");
        } else {
            fmt::format_to(It(out), ",\"exit_code\":{}", WEXITSTATUS(r.status));
        }
        break;
    case ProcessRecord::Kind::Attach:
    case ProcessRecord::Kind::Detach: break;
    }
    end();
}

void JsonOutput::message(const MessageRecord& r) {
    begin("message", r.when);
    auto& out = sink_.buffer();
    fmt::format_to(It(out), ",\"level\":\"{}\",\"text\":", r.level == MessageRecord::Level::Warning ? "warning" : "info");
    append_json_string(out, r.text);
    end();
}

} // namespace bpfsc::tracer
