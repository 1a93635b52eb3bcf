// The text rendering of calls, syscalls, process events and messages (see
// text_output.h; the summary tables are in text_summary.cpp).
#include "tracer/output/text_output.h"

#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "decoder/format/format.h"
#include "decoder/render/text.h"

namespace bpfsc::tracer {

namespace {

using It = std::back_insert_iterator<fmt::memory_buffer>;
using decoder::put;

std::string_view end_text(CallEnd end) {
    switch (end) {
    case CallEnd::ThreadExited: return "exited";
    case CallEnd::ExecKilled: return "thread gone: execve";
    case CallEnd::ResultUnknown: return "result unknown";
    case CallEnd::None: break;
    }
    return {};
}

// "SIGKILL"; a number the C library has no name for as "SIG42".
std::string signal_name(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return abbrev != nullptr ? std::string("SIG") + abbrev : "SIG" + std::to_string(sig);
}

using decoder::Palette;
using decoder::paint;
using decoder::unpaint;

void append_label(fmt::memory_buffer& out, const model::Object& object, const Palette& p) {
    out.push_back('<');
    paint(out, p.label);
    put(out, object.cached_label());
    unpaint(out, p.label, p);
    out.push_back('>');
}

void append_fd(fmt::memory_buffer& out, const FdRef& fd, const Palette& p) {
    fmt::format_to(It(out), "{}", fd.fd);
    if (fd.object != nullptr) append_label(out, *fd.object, p);
}

const Palette& palette_for(const Options& options, const Sink& sink) {
    switch (options.color) {
    case Color::Always: return Palette::ansi();
    case Color::Never: return Palette::none();
    case Color::Auto: break;
    }
    return sink.terminal() && options.format == Format::Text ? Palette::ansi() : Palette::none();
}

void append_flag_names(fmt::memory_buffer& out, const SyscallArg& a) {
    if (a.flags.empty() && a.unknown_bits == 0) return put(out, "0");
    for (std::size_t i = 0; i < a.flags.size(); ++i) {
        if (i != 0) out.push_back('|');
        put(out, a.flags[i]);
    }
    if (a.unknown_bits != 0) fmt::format_to(It(out), "{}{:#x}", a.flags.empty() ? "" : "|", a.unknown_bits);
}

void append_arg(fmt::memory_buffer& out, const SyscallArg& a, const Palette& p) {
    using K = SyscallArg::Kind;
    switch (a.kind) {
    case K::Fd: append_fd(out, a.fd, p); break;
    case K::Signed: fmt::format_to(It(out), "{}", int64_t(a.value)); break;
    case K::Unsigned: fmt::format_to(It(out), "{}", a.value); break;
    case K::Hex: fmt::format_to(It(out), "{:#x}", a.value); break;
    case K::Enum:
        if (!a.symbol.empty()) put(out, a.symbol);
        else fmt::format_to(It(out), "{}", a.value);
        break;
    case K::Flags: append_flag_names(out, a); break;
    case K::String: decoder::append_quoted(out, a.text); break;
    case K::Struct:
        if (a.members.empty()) {
            fmt::format_to(It(out), "{:#x}", a.value);
            break;
        }
        out.push_back('{');
        for (std::size_t i = 0; i < a.members.size(); ++i) {
            if (i != 0) put(out, ", ");
            put(out, a.members[i].name);
            out.push_back('=');
            append_arg(out, a.members[i], p);
        }
        out.push_back('}');
        break;
    }
    if (!a.comment.empty()) fmt::format_to(It(out), " /* {} */", a.comment);
}

} // namespace

TextOutput::TextOutput(Sink& sink, const Options& options, bool one_process)
    : sink_(sink), options_(options), one_process_(one_process), palette_(palette_for(options, sink)) {}

void TextOutput::header(const HeaderRecord& r) {
    // Nothing to print (strace prints no header): the clock's origin.
    start_ = r.start;
    start_realtime_ns_ = r.start_realtime_ns;
}

void TextOutput::prefix(const Caller& caller, Timestamp when, uint64_t seq) {
    auto& out = sink_.buffer();
    // Once a second task has been seen, every line says whose it is, so a
    // child's lines never read as the parent's after the parent is gone.
    if (caller.traced_tasks > 1) several_tasks_ = true;
    if (one_process_ ? caller.tid != caller.pid : several_tasks_) fmt::format_to(It(out), "[pid {}] ", caller.tid);
    if (options_.time_of_day != TimeOfDay::None) {
        const int64_t real = start_realtime_ns_ + (when.ns - start_.ns);
        const time_t seconds = time_t(real / 1000000000);
        const long micros = long(real % 1000000000 / 1000);
        if (options_.time_of_day == TimeOfDay::Epoch) {
            fmt::format_to(It(out), "{}.{:06} ", int64_t(seconds), micros);
        } else {
            tm local{};
            localtime_r(&seconds, &local);
            fmt::format_to(It(out), "{:02}:{:02}:{:02}", local.tm_hour, local.tm_min, local.tm_sec);
            if (options_.time_of_day == TimeOfDay::Microseconds) fmt::format_to(It(out), ".{:06}", micros);
            out.push_back(' ');
        }
    }
    if (options_.relative_time) {
        // The first line is at 0, as strace's.
        const int64_t delta = previous_.known() ? when.ns - previous_.ns : 0;
        const int64_t magnitude = delta < 0 ? -delta : delta;
        const std::string_view sign = delta < 0 ? "-" : "";
        if (options_.time_of_day != TimeOfDay::None)
            fmt::format_to(It(out), "(+{}{:6}.{:06}) ", sign, magnitude / 1000000000, magnitude % 1000000000 / 1000);
        else
            fmt::format_to(It(out), "{}{:6}.{:06} ", sign, magnitude / 1000000000, magnitude % 1000000000 / 1000);
        previous_ = when;
    }
    if (options_.numbers && seq != 0) fmt::format_to(It(out), "#{} ", seq);
}

void TextOutput::notes(std::span<const std::string> lines) {
    if (options_.quiet) return;
    auto& out = sink_.buffer();
    for (const std::string& line : lines) {
        put(out, "  ");
        paint(out, palette_.note);
        put(out, "# ");
        put(out, line);
        unpaint(out, palette_.note, palette_);
        out.push_back('\n');
    }
}

void TextOutput::duration(Timestamp entered, Timestamp exited) {
    after_result_.clear();
    if (!options_.call_durations) return;
    const int64_t ns = entered.known() && exited.known() && exited.ns > entered.ns ? exited.ns - entered.ns : 0;
    after_result_ = fmt::format(" <{}.{:06}>", ns / 1000000000, ns % 1000000000 / 1000);
}

void TextOutput::end_probe_run() {
    if (probe_run_.empty()) return;
    auto& out = sink_.buffer();
    prefix(probe_run_.caller(), probe_run_.first_time(), 0);
    if (options_.numbers && probe_run_.first_seq() != 0) {
        fmt::format_to(It(out), "#{}", probe_run_.first_seq());
        if (probe_run_.last_seq() != probe_run_.first_seq()) fmt::format_to(It(out), "-#{}", probe_run_.last_seq());
        out.push_back(' ');
    }
    paint(out, palette_.note);
    put(out, "# ");
    probe_run_.append_text(out);
    unpaint(out, palette_.note, palette_);
    out.push_back('\n');
    probe_run_.clear();
    sink_.end_record();
}

void TextOutput::call(const CallRecord& r) {
    if (r.probe != nullptr && r.state == CallState::Complete && collapses_probes()) {
        if (!probe_run_.continues(r.caller)) end_probe_run();
        probe_run_.add(r.caller, r.entered, r.seq, *r.probe);
        return;
    }
    end_probe_run();
    auto& out = sink_.buffer();
    // A resumed call's line is printed when it returned, as strace's is.
    prefix(r.caller, r.resumed ? r.exited : r.entered, r.seq);
    if (r.resumed) put(out, "<... bpf resumed> ");
    decoder::TextOptions text;
    text.data_lines = !options_.quiet;
    text.whole_data = !options_.quiet;
    text.verbose = options_.verbose;
    text.all_members = options_.all_members || options_.verbose;
    text.ended = end_text(r.end);
    text.palette = &palette_;
    if (r.state == CallState::Complete) {
        duration(r.entered, r.exited);
        text.after_result = after_result_;
    }
    decoder::render_text(*r.call, r.state == CallState::Complete ? decoder::TextPhase::Complete
                                                                 : decoder::TextPhase::Unfinished,
                         text, out);
    if (r.state == CallState::Complete) notes(r.notes);
    sink_.end_record();
}

void TextOutput::syscall(const SyscallRecord& r) {
    if (r.probe != nullptr && collapses_probes() && !probe_run_.empty() && probe_run_.continues(r.caller)) {
        probe_run_.add(r.caller, r.entered, r.seq, *r.probe);
        return;
    }
    end_probe_run();
    auto& out = sink_.buffer();
    prefix(r.caller, r.entered, r.seq);
    paint(out, palette_.command);
    put(out, syscall_name(r.syscall));
    unpaint(out, palette_.command, palette_);
    out.push_back('(');
    for (std::size_t i = 0; i < r.args.size(); ++i) {
        if (i != 0) put(out, ", ");
        append_arg(out, r.args[i], palette_);
    }
    put(out, ") = ");
    if (r.ret < 0) {
        paint(out, palette_.error);
        decoder::append_error_return(out, r.ret);
        unpaint(out, palette_.error, palette_);
    } else {
        fmt::format_to(It(out), "{}", r.ret);
    }
    if (r.ret >= 0 && r.returned.object != nullptr) append_label(out, *r.returned.object, palette_);
    duration(r.entered, r.exited);
    put(out, after_result_);
    out.push_back('\n');
    notes(r.notes);
    sink_.end_record();
}

void TextOutput::process(const ProcessRecord& r) {
    // strace's lines: a process's end; the rest is in JSON alone. A helper
    // process that made no traced call (a compiler BCC runs, a shell) ends
    // silently unless -v.
    end_probe_run();
    if (r.kind != ProcessRecord::Kind::Exit) return;
    if (!r.made_traced_calls && !r.is_command && !options_.verbose) return;
    auto& out = sink_.buffer();
    prefix(r.caller, r.when, 0);
    if (WIFSIGNALED(r.status))
        fmt::format_to(It(out), "+++ killed by {}{} +++\n", signal_name(WTERMSIG(r.status)),
                       WCOREDUMP(r.status) ? " (core dumped)" : "");
    else
        fmt::format_to(It(out), "+++ exited with {} +++\n", WEXITSTATUS(r.status));
    sink_.end_record();
}

void TextOutput::message(const MessageRecord& r) {
    end_probe_run();
    fmt::format_to(It(sink_.buffer()), "bpftrace-syscalls: {}\n", r.text);
    sink_.end_record();
}

} // namespace bpfsc::tracer
