// The JSON renderer (see json.h).
#include "json.h"

#include <cstring>

#include "../btf/map_values.h"
#include "whole_data_render.h"
#include "../info/render_info.h"
#include "members.h"

namespace bpfsc::decoder {

namespace {

using It = std::back_insert_iterator<OutBuf>;

// Length of the valid UTF-8 sequence at s[i] (its code point in *code),
// or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i, uint32_t* code) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    std::size_t n;
    uint32_t cp;
    if (c < 0x80) {
        *code = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07; }
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    *code = cp;
    return n;
}

} // namespace

bool append_json_string(OutBuf& out, std::string_view s) {
    bool valid = true;
    out.push_back('"');
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
            case '"': put(out, "\\\""); break;
            case '\\': put(out, "\\\\"); break;
            case '\n': put(out, "\\n"); break;
            case '\t': put(out, "\\t"); break;
            case '\r': put(out, "\\r"); break;
            default:
                if (c < 0x20 || c == 0x7f) fmt::format_to(It(out), "\\u{:04x}", c);
                else out.push_back(char(c));
            }
            ++i;
            continue;
        }
        uint32_t code = 0;
        const std::size_t n = utf8_sequence(s, i, &code);
        if (n == 0) {
            put(out, "\\ufffd");
            valid = false;
            ++i;
        } else if (code == 0x85 || code == 0x2028 || code == 0x2029) {
            // NEL and the line and paragraph separators are valid JSON raw,
            // but line-oriented readers (JavaScript before ES2019, Python's
            // splitlines) end a line there: escaped, every record stays on
            // its one line.
            fmt::format_to(It(out), "\\u{:04x}", code);
            i += n;
        } else {
            out.append(s.data() + i, s.data() + i + n);
            i += n;
        }
    }
    out.push_back('"');
    return valid;
}

namespace {

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
    case Kind::Pid: fmt::format_to(It(out), "{}", signed_value(v, f.width)); return;
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
    default: fmt::format_to(It(out), "{}", v); return;
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
    fmt::format_to(It(out), "{{\"addr\":{}", v.entry);
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
            if (v.field->content == Content::U64Array) fmt::format_to(It(out), "{}", element<uint64_t>(d, i));
            else if (v.field->content == Content::FdArray) fmt::format_to(It(out), "{}", element<int32_t>(d, i));
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
        if (!d.items.empty()) {  // fd_array: what each fd is, null when unknown
            put(out, ",\"objects\":[");
            for (std::size_t i = 0; i < d.items.size(); ++i) {
                if (i != 0) out.push_back(',');
                const auto& label = d.items[i].bytes;
                if (label.empty()) put(out, "null");
                else append_json_string(out, std::string_view(label.data(), label.size()));
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
            fmt::format_to(It(out), "{{\"addr\":{}", element<uint64_t>(d, i));
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
        if (d.meaning == ValueMeaning::Fds) {  // fd-holding maps: what each fd written is
            put(out, ",\"objects\":[");
            for (std::size_t i = 0; i < d.items.size(); ++i) {
                if (i != 0) out.push_back(',');
                if (d.items[i].bytes.empty()) put(out, "null");
                else append_json_string(out, std::string_view(d.items[i].bytes.data(), d.items[i].bytes.size()));
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
        append_label_json(out, v);
    }
    if (!nested.empty()) out.push_back('}');
    if (!group.empty()) out.push_back('}');
    out.push_back('}');
}

} // namespace

void render_json(const DecodedCall& call, OutBuf& out, bool verbose) {
    put(out, "{\"syscall\":\"bpf\",\"cmd\":");
    const std::string_view name = call.command ? call.command->name : std::string_view();
    if (name.empty()) fmt::format_to(It(out), "{{\"value\":{},\"name\":null,\"unknown\":\"BPF_???\"}}", call.cmd);
    else fmt::format_to(It(out), "{{\"value\":{},\"name\":\"{}\"}}", call.cmd, name);
    fmt::format_to(It(out), ",\"attr\":{{\"addr\":{},\"state\":\"{}\"", call.attr_addr.value, state_name(call.attr_state));
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
            fmt::format_to(It(out), "{}{{\"insn\":{},\"fd\":{}", i ? "," : "", m.insn, m.fd);
            if (!m.label.empty()) {
                put(out, ",\"object\":");
                append_json_string(out, std::string_view(m.label.data(), m.label.size()));
            }
            out.push_back('}');
        }
        out.push_back(']');
    }
    fmt::format_to(It(out), "}},\"size\":{}", call.size);
    if (!call.exited) {
        put(out, ",\"finished\":false}");
        return;
    }
    if (call.ret < 0 && call.ret >= -k_max_errno) {
        const int err = int(-call.ret);
        fmt::format_to(It(out), ",\"return\":{{\"value\":-1,\"errno\":{},\"error\":", err);
        const std::string_view en = errno_name(err);
        if (en.empty()) put(out, "null");
        else fmt::format_to(It(out), "\"{}\"", en);
        put(out, ",\"message\":");
        append_json_string(out, errno_message(err));
        put(out, "}");
    } else {
        fmt::format_to(It(out), ",\"return\":{{\"value\":{}", call.ret);
        if (!call.ret_label.empty()) {
            put(out, ",\"object\":");
            append_json_string(out, std::string_view(call.ret_label.data(), call.ret_label.size()));
        }
        out.push_back('}');
    }
    WholeDataOptions w;
    w.verbose = verbose;
    append_whole_data_json(out, call, w);
    put(out, ",\"finished\":true}");
}

void append_value_json(OutBuf& out, const FieldValue& v, const DecodedCall& call) { append_value(out, v, call); }

void append_label_json(OutBuf& out, const FieldValue& v) {
    if (v.label.empty()) return;
    // A sibling key keeps the number itself plain.
    fmt::format_to(It(out), ",\"{}_{}\":", v.field->name, v.field->kind == Kind::BtfTypeId ? "type" : "object");
    append_json_string(out, std::string_view(v.label.data(), v.label.size()));
}

void append_data_state_json(OutBuf& out, const Data& d) { append_state(out, d); }

} // namespace bpfsc::decoder

