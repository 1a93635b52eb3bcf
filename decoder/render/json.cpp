// The JSON renderer (see json.h).
#include "json.h"

#include <cstring>

#include "../btf/map_values.h"
#include "whole_data_render.h"
#include "../info/render_info.h"
#include "members.h"
#include "../model/object.h"

namespace bpfsc::decoder {

namespace {

using It = std::back_insert_iterator<OutBuf>;

// The object label of fd item i ("" when unknown).
std::string_view item_label(const Data& d, std::size_t i) {
    return i < d.items.size() ? std::string_view(d.items[i].bytes.data(), d.items[i].bytes.size()) : std::string_view();
}

void append_hex_string(OutBuf& out, std::string_view bytes) {
    out.push_back('"');
    for (unsigned char c : bytes) fmt::format_to(It(out), "{:02x}", c);
    out.push_back('"');
}

// A string value: "text", or {"text": lossy, "hex": bytes} when not UTF-8.
void append_bytes_string(OutBuf& out, std::string_view bytes) {
    OutBuf tmp;
    if (append_json_string(tmp, bytes)) {
        out.append(tmp.data(), tmp.data() + tmp.size());
        return;
    }
    put(out, "{\"text\":");
    out.append(tmp.data(), tmp.data() + tmp.size());
    put(out, ",\"hex\":");
    append_hex_string(out, bytes);
    out.push_back('}');
}

void append_name(OutBuf& out, std::string_view name) {
    out.push_back('"');
    put(out, name);  // schema names are plain identifiers
    put(out, "\":");
}

void append_number(OutBuf& out, const Field& f, uint64_t v) {
    switch (f.kind) {
    case Kind::Sint:
    case Kind::Fd:
    case Kind::Pid: append_json_int(out, signed_value(v, f.width)); return;
    case Kind::BtfTypeId: fmt::format_to(It(out), "{}", v); return;
    case Kind::Enum: {
        const std::string_view name = f.xlat->name_of(v);
        fmt::format_to(It(out), "{{\"value\":{},\"name\":", v);
        if (name.empty()) fmt::format_to(It(out), "null,\"unknown\":\"{}\"}}", f.xlat->unknown);
        else fmt::format_to(It(out), "\"{}\"}}", name);
        return;
    }
    case Kind::Flags: {
        fmt::format_to(It(out), "{{\"value\":{},\"names\":[", v);
        bool first = true;
        for (const auto& e : f.xlat->entries) {
            const bool match = e.value == 0 ? v == 0 : (v & e.value) == e.value;
            if (!match) continue;
            if (!first) out.push_back(',');
            fmt::format_to(It(out), "\"{}\"", e.name);
            first = false;
        }
        fmt::format_to(It(out), "],\"unknown_bits\":{}}}", unknown_flag_bits(*f.xlat, v));
        return;
    }
    case Kind::KernVersion:
        fmt::format_to(It(out), "{{\"value\":{},\"major\":{},\"minor\":{},\"patch\":{}}}", v, v >> 16, (v >> 8) & 0xff,
                       v & 0xff);
        return;
    default: append_json_uint(out, v); return;
    }
}

void append_state(OutBuf& out, const Data& d) {
    switch (d.state) {
    case DataState::Truncated: fmt::format_to(It(out), ",\"truncated\":true,\"length\":{}", d.wanted); break;
    case DataState::Unreadable:
        fmt::format_to(It(out), ",\"error\":\"{}\",\"errno\":{},\"read\":{}", errno_name(d.error), d.error, d.bytes.size());
        break;
    case DataState::UnknownSize: put(out, ",\"error\":\"size unknown: not a map the tracer can see\""); break;
    default: break;
    }
}

// "typed": keys or values as the map's BTF types them; for several
// (batches), an array with null where an element does not fit its type.
void append_typed(OutBuf& out, const MapShape& map, const FieldValue& v) {
    const Data& d = v.data;
    const Content c = v.field->content;
    const bool key = c == Content::MapKey || c == Content::MapKeys;
    if (map.btf == nullptr || (key ? map.btf_key_type_id : map.btf_value_type_id) == 0 || d.elem_size == 0) return;
    const ValueFormat format{ValueStyle::Json, UINT32_MAX};
    const std::string_view all(d.bytes.data(), d.bytes.size());
    if (c == Content::MapKey || c == Content::MapValue) {
        if (all.size() != d.elem_size) return;
        const std::size_t mark = out.size();
        put(out, ",\"typed\":");
        if (!append_map_typed(out, map, key, all, format)) out.resize(mark);
        return;
    }
    put(out, ",\"typed\":[");
    for (std::size_t off = 0; off + d.elem_size <= all.size(); off += d.elem_size) {
        if (off != 0) out.push_back(',');
        if (!append_map_typed(out, map, key, all.substr(off, d.elem_size), format)) put(out, "null");
    }
    out.push_back(']');
}

void append_pointer(OutBuf& out, const FieldValue& v, const MapShape* map) {
    const Data& d = v.data;
    put(out, "{\"addr\":");
    append_json_uint(out, v.entry);
    if (d.state == DataState::NotRead || d.state == DataState::Null) {
        out.push_back('}');
        return;
    }
    switch (v.field->content) {
    case Content::String:
    case Content::Text: {
        std::string_view s(d.bytes.data(), d.bytes.size());
        if (v.field->content == Content::Text) s = s.substr(0, s.find('\0'));
        put(out, ",\"string\":");
        append_bytes_string(out, s);
        break;
    }
    case Content::Bytes:
        put(out, ",\"hex\":");
        append_hex_string(out, std::string_view(d.bytes.data(), d.bytes.size()));
        break;
    case Content::U32Array:
    case Content::U64Array:
    case Content::FdArray: {
        put(out, ",\"items\":[");
        for (std::size_t i = 0, n = d.bytes.size() / d.elem_size; i < n; ++i) {
            if (i != 0) out.push_back(',');
            if (v.field->content == Content::U64Array) append_json_uint(out, element<uint64_t>(d, i));
            else if (v.field->content == Content::FdArray) append_fd_json(out, element<int32_t>(d, i), item_label(d, i));
            else fmt::format_to(It(out), "{}", element<uint32_t>(d, i));
        }
        out.push_back(']');
        if (v.field->xlat != nullptr) {  // elements that are flags: their names too
            put(out, ",\"flags\":[");
            Field each = *v.field;
            each.kind = Kind::Flags;
            for (std::size_t i = 0, n = d.bytes.size() / d.elem_size; i < n; ++i) {
                if (i != 0) out.push_back(',');
                append_number(out, each, element<uint32_t>(d, i));
            }
            out.push_back(']');
        }
        break;
    }
    case Content::StringArray: {
        put(out, ",\"items\":[");
        for (std::size_t i = 0; i < d.items.size(); ++i) {
            if (i != 0) out.push_back(',');
            const Data& item = d.items[i];
            put(out, "{\"addr\":");
            append_json_uint(out, element<uint64_t>(d, i));
            if (item.state != DataState::Null) {
                put(out, ",\"string\":");
                append_bytes_string(out, std::string_view(item.bytes.data(), item.bytes.size()));
            }
            append_state(out, item);
            out.push_back('}');
        }
        out.push_back(']');
        break;
    }
    case Content::MapKeys:
    case Content::MapValues:
        fmt::format_to(It(out), ",\"element_size\":{}", d.elem_size);
        [[fallthrough]];
    case Content::MapKey:
    case Content::MapValue:
        if (d.meaning == ValueMeaning::Fds) {  // fd-holding maps: each value written is an fd
            put(out, ",\"fds\":[");
            for (std::size_t i = 0, off = 0; i < d.items.size(); ++i, off += d.elem_size) {
                if (i != 0) out.push_back(',');
                int32_t fd;
                std::memcpy(&fd, d.bytes.data() + off, 4);
                append_fd_json(out, fd, item_label(d, i));
            }
            out.push_back(']');
        }
        if (d.meaning == ValueMeaning::Ids) put(out, ",\"values_are\":\"ids\"");
        if (map != nullptr && d.meaning == ValueMeaning::Bytes) append_typed(out, *map, v);
        [[fallthrough]];
    default:
        put(out, ",\"hex\":");
        append_hex_string(out, std::string_view(d.bytes.data(), d.bytes.size()));
        break;
    }
    append_state(out, d);
    out.push_back('}');
}

void append_value(OutBuf& out, const FieldValue& v, const DecodedCall& call) {
    const Field& f = *v.field;
    if (f.kind == Kind::CharArray) return append_bytes_string(out, char_array(call, f));
    if (f.kind == Kind::Pointer) {
        if (f.content == Content::InfoStruct && info::append_info_json(out, v, call)) return;
        return append_pointer(out, v, call.map ? &*call.map : nullptr);
    }
    if (f.kind == Kind::Fd && !v.changed())
        return append_fd_json(out, signed_value(v.entry, f.width), std::string_view(v.label.data(), v.label.size()));
    if (f.kind == Kind::BtfTypeId && !v.changed()) {
        fmt::format_to(It(out), "{{\"value\":{},\"name\":", v.entry);
        if (v.label.empty()) put(out, "null");
        else append_json_string(out, std::string_view(v.label.data(), v.label.size()));
        out.push_back('}');
        return;
    }
    if (v.changed()) {
        put(out, "{\"before\":");
        append_number(out, f, v.entry);
        put(out, ",\"after\":");
        append_number(out, f, v.exit);
        out.push_back('}');
        return;
    }
    append_number(out, f, v.entry);
}

const char* state_name(AttrState s) {
    switch (s) {
    case AttrState::Ok: return "ok";
    case AttrState::Null: return "null";
    case AttrState::SizeZero: return "size_zero";
    case AttrState::TooBig: return "too_big";
    case AttrState::Unreadable: return "unreadable";
    case AttrState::Partial: return "partial";
    }
    return "?";
}

void append_fields(OutBuf& out, const DecodedCall& call) {
    put(out, ",\"fields\":{");
    const std::string_view group = call.command->group;
    if (!group.empty()) {
        append_name(out, group);
        out.push_back('{');
    }
    std::string_view nested;
    bool first = true;
    for (const FieldValue& v : call.fields) {
        if (v.field->group != nested) {
            if (!nested.empty()) out.push_back('}');
            if (!first) out.push_back(',');
            first = true;
            nested = v.field->group;
            if (!nested.empty()) {
                append_name(out, nested);
                out.push_back('{');
            }
        }
        if (!first) out.push_back(',');
        first = false;
        append_name(out, v.field->name);
        append_value(out, v, call);
    }
    if (!nested.empty()) out.push_back('}');
    if (!group.empty()) out.push_back('}');
    out.push_back('}');
}

} // namespace

void render_json(const DecodedCall& call, OutBuf& out, bool verbose) {
    out.push_back('{');
    append_call_json(call, out, verbose);
    out.push_back('}');
}

void append_call_json(const DecodedCall& call, OutBuf& out, bool verbose) {
    put(out, "\"syscall\":\"bpf\",\"cmd\":");
    const std::string_view name = call.command ? call.command->name : std::string_view();
    if (name.empty()) fmt::format_to(It(out), "{{\"value\":{},\"name\":null,\"unknown\":\"BPF_???\"}}", call.cmd);
    else fmt::format_to(It(out), "{{\"value\":{},\"name\":\"{}\"}}", call.cmd, name);
    put(out, ",\"attr\":{\"addr\":");
    append_json_uint(out, call.attr_addr.value);
    fmt::format_to(It(out), ",\"state\":\"{}\"", state_name(call.attr_state));
    if (call.attr_state == AttrState::Unreadable || call.attr_state == AttrState::Partial)
        fmt::format_to(It(out), ",\"readable\":{},\"error\":\"{}\"", call.readable, errno_name(call.attr_error));
    if (call.command != nullptr && (call.attr_state == AttrState::Ok || call.attr_state == AttrState::Partial))
        append_fields(out, call);
    if (!call.tail.empty()) {
        fmt::format_to(It(out), ",\"extra_data\":{{\"offset\":{},\"hex\":", call.tail_offset);
        append_hex_string(out, std::string_view(call.tail.data(), call.tail.size()));
        out.push_back('}');
    }
    if (!call.insn_maps.empty()) {
        put(out, ",\"insn_maps\":[");
        for (std::size_t i = 0; i < call.insn_maps.size(); ++i) {
            const InsnMap& m = call.insn_maps[i];
            fmt::format_to(It(out), "{}{{\"insn\":{},\"fd\":", i ? "," : "", m.insn);
            append_fd_json(out, m.fd, std::string_view(m.label.data(), m.label.size()));
            out.push_back('}');
        }
        out.push_back(']');
    }
    fmt::format_to(It(out), "}},\"size\":{}", call.size);
    if (!call.exited) {
        put(out, ",\"finished\":false");
        return;
    }
    put(out, ",\"return\":");
    append_result_json(out, call.ret, call.command != nullptr && call.command->returns == Returns::Fd,
                       std::string_view(call.ret_label.data(), call.ret_label.size()));
    WholeDataOptions w;
    w.verbose = verbose;
    append_whole_data_json(out, call, w);
    put(out, ",\"finished\":true");
}

void append_value_json(OutBuf& out, const FieldValue& v, const DecodedCall& call) { append_value(out, v, call); }

namespace {

// "label":...,"kind":...[,"id":N][,"type":...][,"name":...]
void append_object_members(OutBuf& out, std::string_view label) {
    const model::LabelParts parts = model::parse_label(label);
    put(out, "\"label\":");
    append_json_string(out, label);
    fmt::format_to(It(out), ",\"kind\":\"{}\"", parts.kind);
    if (parts.id != 0) fmt::format_to(It(out), ",\"id\":{}", parts.id);
    if (!parts.type.empty()) {
        put(out, ",\"type\":");
        append_json_string(out, parts.type);
    }
    if (!parts.name.empty()) {
        put(out, ",\"name\":");
        append_json_string(out, parts.name);
    }
}

} // namespace

void append_fd_json(OutBuf& out, int64_t fd, std::string_view label) {
    put(out, "{\"fd\":");
    append_json_int(out, fd);
    if (!label.empty()) {
        out.push_back(',');
        append_object_members(out, label);
    }
    out.push_back('}');
}

void append_object_json(OutBuf& out, std::string_view label) {
    out.push_back('{');
    append_object_members(out, label);
    out.push_back('}');
}

void append_result_json(OutBuf& out, int64_t ret, bool returns_fd, std::string_view label) {
    if (ret < 0 && ret >= -k_max_errno) {
        const int err = int(-ret);
        fmt::format_to(It(out), "{{\"value\":-1,\"errno\":{},\"error\":", err);
        const std::string_view name = errno_name(err);
        if (name.empty()) put(out, "null");
        else fmt::format_to(It(out), "\"{}\"", name);
        put(out, ",\"message\":");
        append_json_string(out, errno_message(err));
        out.push_back('}');
        return;
    }
    put(out, "{\"value\":");
    append_json_int(out, ret);
    if (returns_fd) {
        put(out, ",\"fd\":");
        append_fd_json(out, ret, label);
    }
    out.push_back('}');
}

void append_data_state_json(OutBuf& out, const Data& d) { append_state(out, d); }

} // namespace bpfsc::decoder

