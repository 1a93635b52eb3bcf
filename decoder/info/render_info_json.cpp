// The info struct as JSON (see render_info.h):
//   "info":{"addr":N,"struct":"bpf_prog_info","fields":{"type":{"value":1,"name":...},"id":80,...}}
// members as the attr's own (render/members.h), nested groups as nested
// objects, tags as hex strings, func/line records as objects, instruction
// buffers as their length.
#include "render_info.h"


#include "../render/json.h"
#include "../render/members.h"
#include "groups.h"
#include "info_struct.h"
#include "records.h"

namespace bpfsc::decoder::info {

namespace {

using It = std::back_insert_iterator<OutBuf>;

void append_hex_string(OutBuf& out, std::string_view bytes) {
    out.push_back('"');
    for (unsigned char c : bytes) fmt::format_to(It(out), "{:02x}", c);
    out.push_back('"');
}

std::string_view bytes_of(const Data& d) { return std::string_view(d.bytes.data(), d.bytes.size()); }

// One func_info or line_info record: {"insn_off":0,"type_id":3}.
void append_record(OutBuf& out, Content content, const char* at) {
    const Record r = read_record(content, at);
    out.push_back('{');
    for (std::size_t i = 0; i < r.count; ++i)
        fmt::format_to(It(out), "{}\"{}\":{}", i ? "," : "", r.members[i].name, r.members[i].value);
    out.push_back('}');
}

// Pointers whose data only info structs have; false for the rest.
bool append_own_pointer(OutBuf& out, const FieldValue& v) {
    const Data& d = v.data;
    const Content c = v.field->content;
    if (c != Content::Tags && c != Content::FuncInfo && c != Content::LineInfo && c != Content::Insns &&
        c != Content::Sized)
        return false;
    put(out, "{\"addr\":");
    append_json_uint(out, v.entry);
    if (v.entry == 0) {
        out.push_back('}');
        return true;
    }
    if (c == Content::Insns || c == Content::Sized) {
        fmt::format_to(It(out), ",\"length\":{}}}", d.wanted);
        return true;
    }
    put(out, c == Content::Tags ? ",\"items\":[" : ",\"records\":[");
    const std::size_t each = d.elem_size ? d.elem_size : 1;
    for (std::size_t at = 0, i = 0; at + each <= d.bytes.size(); at += each, ++i) {
        if (i != 0) out.push_back(',');
        if (c == Content::Tags) append_hex_string(out, bytes_of(d).substr(at, each));
        else append_record(out, c, d.bytes.data() + at);
    }
    out.push_back(']');
    append_data_state_json(out, d);
    out.push_back('}');
    return true;
}

void append_member(OutBuf& out, const FieldValue& v, const DecodedCall& call) {
    const Field& f = *v.field;
    fmt::format_to(It(out), "\"{}\":", f.name);
    if (f.kind == Kind::CharArray) {
        const std::string_view s = bytes_of(v.data);
        if (f.content == Content::HexBytes) append_hex_string(out, s);
        else append_json_string(out, s.substr(0, s.find('\0')));
        return;
    }
    if (f.kind == Kind::Pointer && append_own_pointer(out, v)) return;
    append_value_json(out, v, call);
}

} // namespace

bool append_info_json(OutBuf& out, const FieldValue& pointer, const DecodedCall& call) {
    const InfoStruct* info = call.info;
    if (info == nullptr || info->state == InfoStruct::State::NotWritten) return false;
    const bool written = call.exited && info->state == InfoStruct::State::Written;
    put(out, "{\"addr\":");
    append_json_uint(out, pointer.entry);
    fmt::format_to(It(out), ",\"struct\":\"{}\"", info->layout->struct_name);
    if (info->state == InfoStruct::State::Unreadable) {
        fmt::format_to(It(out), ",\"error\":\"{}\",\"errno\":{}}}", errno_name(info->read_error), info->read_error);
        return true;
    }
    fmt::format_to(It(out), ",\"written\":{},\"fields\":{{", written);
    walk_groups(
        info->members,
        [&](std::string_view name, bool first) { fmt::format_to(It(out), "{}\"{}\":{{", first ? "" : ",", name); },
        [&] { out.push_back('}'); },
        [&](const FieldValue& v, bool first) {
            if (!first) out.push_back(',');
            append_member(out, v, call);
        });
    out.push_back('}');
    if (written && !info->tail.empty()) {
        fmt::format_to(It(out), ",\"extra_data\":{{\"offset\":{},\"hex\":", info->tail_offset);
        append_hex_string(out, std::string_view(info->tail.data(), info->tail.size()));
        out.push_back('}');
    }
    out.push_back('}');
    return true;
}

} // namespace bpfsc::decoder::info
