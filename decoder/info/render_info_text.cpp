// The info struct as text (see render_info.h): members as the attr's own
// are shown (render/members.h), with the pieces only info structs have:
// inline byte arrays in hex (tag), program tags, and the data lines for
// func_info/line_info records, a map's hash and instruction lengths.
#include "render_info.h"


#include "../render/members.h"
#include "groups.h"
#include "info_struct.h"
#include "records.h"

namespace bpfsc::decoder::info {

namespace {

using It = std::back_insert_iterator<OutBuf>;

void append_hex_digits(OutBuf& out, std::string_view bytes) {
    for (unsigned char c : bytes) fmt::format_to(It(out), "{:02x}", c);
}

std::string_view bytes_of(const Data& d) { return std::string_view(d.bytes.data(), d.bytes.size()); }

// "unreadable: EFAULT" and friends.
std::string_view error_name(int error) {
    const std::string_view name = errno_name(error);
    return name.empty() ? std::string_view("E???") : name;
}

// prog_tags=["a04f5eef06a7f555", ...]: false when there is no list to show.
bool append_tags(OutBuf& out, const FieldValue& v) {
    const Data& d = v.data;
    if (d.state != DataState::Ok && d.state != DataState::Truncated && d.bytes.empty()) return false;
    fmt::format_to(It(out), "{}=[", v.field->name);
    for (std::size_t at = 0; at + 8 <= d.bytes.size(); at += 8) {
        if (at != 0) put(out, ", ");
        out.push_back('"');
        append_hex_digits(out, bytes_of(d).substr(at, 8));
        out.push_back('"');
    }
    if (d.state == DataState::Truncated) put(out, d.bytes.empty() ? "..." : ", ...");
    out.push_back(']');
    if (d.state == DataState::Unreadable) fmt::format_to(It(out), " (unreadable: {})", error_name(d.error));
    return true;
}

void append_member(OutBuf& out, const FieldValue& v, const DecodedCall& call, TextPhase phase, bool brief) {
    const Field& f = *v.field;
    // Brief: a blob is its size (the BTF a bpf_btf_info returns).
    if (brief && f.kind == Kind::Pointer && f.content == Content::Bytes && v.entry != 0 &&
        (v.data.state == DataState::Ok || v.data.state == DataState::Truncated) && phase == TextPhase::Complete) {
        fmt::format_to(It(out), "{}=<{} bytes>", f.name, v.data.wanted);
        return;
    }
    if (f.kind == Kind::CharArray) {
        fmt::format_to(It(out), "{}=", f.name);
        if (f.content == Content::HexBytes) {
            out.push_back('"');
            append_hex_digits(out, bytes_of(v.data));
            out.push_back('"');
        } else {
            const std::string_view s = bytes_of(v.data);
            append_quoted(out, s.substr(0, s.find('\0')));
        }
        return;
    }
    if (f.kind == Kind::Pointer && f.content == Content::Tags && phase == TextPhase::Complete && append_tags(out, v))
        return;
    append_member_text(out, v, call, phase);
}

// One func_info or line_info record: {insn_off=0, type_id=3}.
void append_record(OutBuf& out, Content content, const char* at) {
    const Record r = read_record(content, at);
    out.push_back('{');
    bool first = true;
    for (std::size_t i = 0; i < r.count; ++i) {
        if (r.members[i].raw) continue;
        fmt::format_to(It(out), "{}{}={}", first ? "" : ", ", r.members[i].name, r.members[i].value);
        first = false;
    }
    out.push_back('}');
}

void append_records(OutBuf& out, const FieldValue& v) {
    const Data& d = v.data;
    fmt::format_to(It(out), "  {}: [", v.field->name);
    const std::size_t n = d.elem_size ? d.bytes.size() / d.elem_size : 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (i != 0) put(out, ", ");
        append_record(out, v.field->content, d.bytes.data() + i * d.elem_size);
    }
    if (d.state == DataState::Truncated) fmt::format_to(It(out), "{}...] ({} records)\n", n ? ", " : "", d.wanted);
    else put(out, "]\n");
}

// Xlated instructions the program reader did not take (see whole_data.h):
// their number.
void append_xlated_insns(OutBuf& out, const FieldValue& v) {
    fmt::format_to(It(out), "  {}: {} instructions ({} bytes)\n", v.field->name, v.data.wanted / 8, v.data.wanted);
}

void append_data_line(OutBuf& out, const FieldValue& v) {
    const Data& d = v.data;
    const Field& f = *v.field;
    if (v.entry == 0) return;
    switch (f.content) {
    case Content::Insns:
        if (d.wanted != 0) append_xlated_insns(out, v);
        return;
    case Content::Sized:
        if (d.wanted != 0) fmt::format_to(It(out), "  {}: {} bytes of machine code\n", f.name, d.wanted);
        return;
    case Content::FuncInfo:
    case Content::LineInfo:
        if (d.wanted != 0 && d.state != DataState::Unreadable) append_records(out, v);
        break;
    case Content::HexBytes:
        if (d.wanted == 0 || d.state == DataState::Unreadable) break;
        fmt::format_to(It(out), "  {}: ", f.name);
        append_hex_bytes(out, bytes_of(d));
        if (d.state == DataState::Truncated) fmt::format_to(It(out), " ... ({} bytes)", d.wanted);
        out.push_back('\n');
        break;
    default: return;
    }
    if (d.state == DataState::Unreadable)
        fmt::format_to(It(out), "  {}: unreadable at {:#x} after {} bytes: {}\n", f.name, v.entry, d.bytes.size(),
                       error_name(d.error));
}

} // namespace

bool append_info_text(OutBuf& out, const FieldValue& pointer, const DecodedCall& call, TextPhase phase, bool brief) {
    const InfoStruct* info = call.info;
    if (info == nullptr || info->state == InfoStruct::State::NotWritten) return false;
    const bool complete = phase == TextPhase::Complete && call.exited;
    const bool written = complete && info->state == InfoStruct::State::Written;
    if (info->state == InfoStruct::State::Unreadable) {
        fmt::format_to(It(out), "{:#x} (unreadable: {})", pointer.entry, error_name(info->read_error));
        return true;
    }
    if (!written && info->members.empty()) return false;  // no inputs: the address says it all
    out.push_back('{');
    walk_groups(
        info->members,
        [&](std::string_view name, bool first) { fmt::format_to(It(out), "{}{}={{", first ? "" : ", ", name); },
        [&] { out.push_back('}'); },
        [&](const FieldValue& v, bool first) {
            if (!first) put(out, ", ");
            append_member(out, v, call, complete ? TextPhase::Complete : TextPhase::Unfinished, brief);
        },
        [&](const FieldValue& v) { return !brief || !zero_throughout(v, call); });
    if (written && !info->tail.empty()) {
        put(out, info->members.empty() ? "extra_data=" : ", extra_data=");
        append_quoted(out, std::string_view(info->tail.data(), info->tail.size()), true);
        fmt::format_to(It(out), " /* bytes {}..{} */", info->tail_offset, info->tail_offset + info->tail.size() - 1);
    }
    out.push_back('}');
    return true;
}

bool shows_below(const DecodedCall& call, TextPhase phase) {
    const InfoStruct* info = call.info;
    if (info == nullptr || phase != TextPhase::Complete || !call.exited) return false;
    return info->state == InfoStruct::State::Written || (info->state == InfoStruct::State::Inputs && !info->members.empty());
}

void append_info_below(OutBuf& out, const DecodedCall& call, TextPhase phase) {
    const FieldValue* pointer = call.member(attr::info::info);
    if (pointer == nullptr) return;
    OutBuf whole;
    if (!append_info_text(whole, *pointer, call, phase, true)) return;
    // Break the struct between members (after ", " outside quotes) so that
    // no line is wider than kInfoWidth; a member wider than that stays whole.
    constexpr std::string_view kFirst = "  info: ", kNext = "         ";
    const std::string_view text(whole.data(), whole.size());
    std::size_t line_start = out.size();
    put(out, kFirst);
    bool quoted = false;
    std::size_t last_break = std::string_view::npos;  // in text: where the current line may be broken
    std::size_t written = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted && c == '\\') {  // an escape: the next character is not a quote
            ++i;
            continue;
        }
        if (c == '"') quoted = !quoted;
        if (!quoted && c == ',' && i + 1 < text.size() && text[i + 1] == ' ') last_break = i + 1;
        const std::size_t width = out.size() - line_start + (i + 1 - written);
        if (width > kInfoWidth && last_break != std::string_view::npos && last_break > written) {
            put(out, text.substr(written, last_break - written));  // up to the ',', its space dropped
            out.push_back('\n');
            line_start = out.size();
            put(out, kNext);
            written = last_break + 1;
            last_break = std::string_view::npos;
        }
    }
    put(out, text.substr(written));
    out.push_back('\n');
}

void append_info_data_lines(OutBuf& out, const DecodedCall& call, TextPhase phase) {
    const InfoStruct* info = call.info;
    if (info == nullptr || phase != TextPhase::Complete || !call.exited) return;
    if (info->state != InfoStruct::State::Written && info->state != InfoStruct::State::Inputs) return;
    for (const FieldValue& v : info->members) {
        if (v.field->kind != Kind::Pointer) continue;
        // Instructions read whole have their own line ("xlated program: ...").
        if (v.field->content == Content::Insns && call.program.xlated) continue;
        append_data_line(out, v);
    }
}

} // namespace bpfsc::decoder::info
