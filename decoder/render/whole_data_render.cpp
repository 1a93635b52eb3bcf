// Rendering of whole data (see whole_data_render.h).
#include "whole_data_render.h"

#include <algorithm>

#include "../btf/btf_types.h"
#include "../uapi/bpf_attr.h"
#include "program_render.h"
#include "json.h"

namespace bpfsc::decoder {

namespace {

using It = std::back_insert_iterator<OutBuf>;

std::string_view view_of(const std::pmr::string& s) { return std::string_view(s.data(), s.size()); }

// A line of a log or dump as is, but for bytes a terminal should not get
// (control characters, invalid text from a buggy loader): \xNN.
void append_printable(OutBuf& out, std::string_view line) {
    for (const char ch : line) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 0x20 && c < 0x7f) || c == '\t') out.push_back(ch);
        else fmt::format_to(It(out), "\\x{:02x}", c);
    }
}

// Each line of `text` indented by `indent` (blank lines stay blank; those
// at the end are dropped).
void append_indented(OutBuf& out, std::string_view text, std::string_view indent) {
    while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        put(out, indent);  // an empty line too: a blank line would end the call's block
        append_printable(out, line);
        out.push_back('\n');
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
}

std::size_t count_lines(std::string_view text) {
    if (text.empty()) return 0;
    return std::size_t(std::count(text.begin(), text.end(), '\n')) + (text.back() == '\n' ? 0 : 1);
}

// The last n lines of text.
std::string_view last_lines(std::string_view text, std::size_t n) {
    std::size_t at = text.size();
    if (at != 0 && text[at - 1] == '\n') --at;
    for (; at > 0; --at)
        if (text[at - 1] == '\n' && n-- == 1) break;
    return text.substr(at);
}

void append_btf_text(OutBuf& out, const DecodedCall& call, const WholeDataOptions& o) {
    if (call.btf_blob == nullptr) {
        if (call.btf_blob_error != 0) {
            const std::string_view name = errno_name(call.btf_blob_error);
            fmt::format_to(It(out), "  btf: not parsed ({})\n", name.empty() ? "E???" : name);
        }
        return;
    }
    put(out, "  btf: ");
    call.btf_blob->append_kind_summary(out);
    if (!o.verbose) put(out, " (-v prints them in C)");
    out.push_back('\n');
    if (!o.verbose) return;
    OutBuf c;
    call.btf_blob->append_c(c);
    append_indented(out, std::string_view(c.data(), c.size()), "    ");
}

// -v on a call naming types of a loader's BTF (BPF_MAP_CREATE's key and
// value): each type in C.
void append_named_types(OutBuf& out, const DecodedCall& call) {
    if (call.type_btf == nullptr) return;
    for (const FieldValue& v : call.fields) {
        if (v.field->kind != Kind::BtfTypeId || v.entry == 0 || v.field->btf == BtfFrom::Vmlinux) continue;
        fmt::format_to(It(out), "  {} {}:\n", v.field->name, v.entry);
        OutBuf c;
        const std::size_t before = c.size();
        call.type_btf->append_c(c, uint32_t(v.entry));
        if (c.size() == before) {  // a base type has no declaration of its own: its name
            call.type_btf->append_type_name(c, uint32_t(v.entry));
            c.push_back(';');
        }
        append_indented(out, std::string_view(c.data(), c.size()), "    ");
    }
}

void append_log_text(OutBuf& out, const DecodedCall& call, const WholeDataOptions& o) {
    if (call.log_source == LogSource::None) return;
    const std::string_view log = view_of(call.log);
    const std::string_view what = call.cmd == uapi::BPF_BTF_LOAD ? "BTF log" : "verifier log";
    const std::size_t lines = count_lines(log);
    if (call.log_source == LogSource::Loader)
        fmt::format_to(It(out), "  {} ({} line{}, in the loader's buffer):\n", what, lines, lines == 1 ? "" : "s");
    else
        fmt::format_to(It(out), "  {} (the loader asked for none; the tracer loaded the same {} again to get it, "
                                "and its load {}):\n",
                       what, call.cmd == uapi::BPF_BTF_LOAD ? "BTF" : "program",
                       call.log_load_ret < 0 ? "failed too" : "succeeded");
    // A failed load's reason is at the end; a successful one's statistics too.
    const std::size_t keep = o.verbose ? lines : (call.ret < 0 ? o.log_tail_lines : 3);
    if (lines > keep) fmt::format_to(It(out), "    ... {} earlier lines (-v shows all)\n", lines - keep);
    std::string_view shown = lines > keep ? last_lines(log, keep) : log;
    const Palette& p = *o.palette;
    if (call.ret >= 0 || p.verdict.empty()) return append_indented(out, shown, "    ");
    // A failed load's reason, in the verdict's colour: its last line, or
    // the one before the verifier's statistics ("processed 7 insns ...").
    while (!shown.empty() && shown.back() == '\n') shown.remove_suffix(1);
    if (shown.empty()) return;
    std::size_t start = shown.rfind('\n');
    start = start == std::string_view::npos ? 0 : start + 1;
    if (shown.substr(start).starts_with("processed ") && start > 0) {
        const std::size_t before = shown.rfind('\n', start - 2);
        start = before == std::string_view::npos ? 0 : before + 1;
    }
    const std::size_t end = shown.find('\n', start);
    const std::string_view verdict = shown.substr(start, end == std::string_view::npos ? end : end - start);
    append_indented(out, shown.substr(0, start), "    ");
    put(out, "    ");
    paint(out, p.verdict);
    append_printable(out, verdict);
    unpaint(out, p.verdict, p);
    out.push_back('\n');
    if (end != std::string_view::npos) append_indented(out, shown.substr(end + 1), "    ");
}

} // namespace

void append_whole_data_text(OutBuf& out, const DecodedCall& call, const WholeDataOptions& options) {
    if (call.cmd == uapi::BPF_BTF_LOAD) append_btf_text(out, call, options);
    append_program_text(out, call, options.verbose);
    if (options.verbose) append_named_types(out, call);
    append_log_text(out, call, options);
}

void append_whole_data_json(OutBuf& out, const DecodedCall& call, const WholeDataOptions& options) {
    if (call.btf_blob != nullptr) {
        fmt::format_to(It(out), ",\"btf\":{{\"types\":{},\"summary\":", call.btf_blob->type_count() - 1);
        OutBuf s;
        call.btf_blob->append_kind_summary(s);
        append_json_string(out, std::string_view(s.data(), s.size()));
        if (options.verbose) {
            OutBuf c;
            call.btf_blob->append_c(c);
            put(out, ",\"c\":");
            append_json_string(out, std::string_view(c.data(), c.size()));
        }
        out.push_back('}');
    }
    append_program_json(out, call, options.verbose);
    if (call.log_source != LogSource::None) {
        fmt::format_to(It(out), ",\"log\":{{\"source\":\"{}\"",
                       call.log_source == LogSource::Loader ? "loader" : "tracer");
        if (call.log_source == LogSource::Tracer) fmt::format_to(It(out), ",\"tracer_load_result\":{}", call.log_load_ret);
        put(out, ",\"text\":");
        append_json_string(out, view_of(call.log));
        out.push_back('}');
    }
}

} // namespace bpfsc::decoder
