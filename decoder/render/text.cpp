// The text renderer (see text.h).
#include "text.h"

#include <cstring>

#include "../btf/btf_types.h"
#include "palette.h"
#include "../btf/map_values.h"
#include "whole_data_render.h"
#include "../info/render_info.h"
#include "members.h"

namespace bpfsc::decoder {

namespace {

using It = std::back_insert_iterator<OutBuf>;

void append_addr(OutBuf& out, uint64_t addr) {
    if (addr == 0) put(out, "NULL");
    else fmt::format_to(It(out), "{:#x}", addr);
}

void append_read_error(OutBuf& out, const Data& d) {
    const std::string_view name = errno_name(d.error);
    if (d.bytes.empty()) fmt::format_to(It(out), " (unreadable: {})", name.empty() ? "E???" : name);
    else fmt::format_to(It(out), " (unreadable after {} bytes: {})", d.bytes.size(), name.empty() ? "E???" : name);
}

// "0x1f", and "0" for zero, as C's %#x (and strace) print them.
void append_hex(OutBuf& out, uint64_t v) {
    if (v == 0) out.push_back('0');
    else fmt::format_to(It(out), "{:#x}", v);
}

// A number as the member's kind says.
void append_number(OutBuf& out, const Field& f, uint64_t v) {
    switch (f.kind) {
    case Kind::Uint:
    case Kind::Id:
    case Kind::Ifindex:
    case Kind::BtfTypeId:
        fmt::format_to(It(out), "{}", v);
        return;
    case Kind::Sint:
    case Kind::Fd:
    case Kind::Pid:
        fmt::format_to(It(out), "{}", signed_value(v, f.width));
        return;
    case Kind::Hex: append_hex(out, v); return;
    case Kind::Enum: append_enum(out, *f.xlat, v); return;
    case Kind::Flags: append_flags(out, *f.xlat, v); return;
    case Kind::KernVersion:
        fmt::format_to(It(out), "KERNEL_VERSION({}, {}, {})", v >> 16, (v >> 8) & 0xff, v & 0xff);
        return;
    case Kind::CharArray:
    case Kind::Pointer: append_addr(out, v); return;
    }
}

// Data shown inline, as strace shows it: strings and arrays.
bool inline_content(Content c) {
    return c == Content::String || c == Content::Text || c == Content::Bytes || c == Content::U32Array || c == Content::U64Array ||
           c == Content::FdArray || c == Content::StringArray;
}

void append_inline_data(OutBuf& out, const FieldValue& v) {
    const Data& d = v.data;
    if (d.state == DataState::Null) { put(out, "NULL"); return; }
    if (d.state == DataState::NotRead || d.state == DataState::UnknownSize) { append_addr(out, v.entry); return; }
    if (d.state == DataState::Unreadable && d.bytes.empty()) {
        append_addr(out, v.entry);
        append_read_error(out, d);
        return;
    }
    switch (v.field->content) {
    case Content::String:
    case Content::Text:
    case Content::Bytes: {
        std::string_view s(d.bytes.data(), d.bytes.size());
        if (v.field->content == Content::Text) {  // a buffer holding a C string
            const auto nul = s.find('\0');
            if (nul != std::string_view::npos) s = s.substr(0, nul);
        }
        append_quoted(out, s);
        break;
    }
    case Content::U32Array:
    case Content::U64Array:
    case Content::FdArray: {
        out.push_back('[');
        const std::size_t n = d.bytes.size() / d.elem_size;
        for (std::size_t i = 0; i < n; ++i) {
            if (i != 0) put(out, ", ");
            if (v.field->content == Content::U64Array) append_hex(out, element<uint64_t>(d, i));
            else if (v.field->content == Content::FdArray) {
                fmt::format_to(It(out), "{}", element<int32_t>(d, i));
                if (i < d.items.size() && !d.items[i].bytes.empty())
                    fmt::format_to(It(out), "<{}>", std::string_view(d.items[i].bytes.data(), d.items[i].bytes.size()));
            }
            else if (v.field->xlat != nullptr) append_flags(out, *v.field->xlat, element<uint32_t>(d, i));
            else fmt::format_to(It(out), "{}", element<uint32_t>(d, i));
        }
        if (d.state == DataState::Truncated) put(out, n ? ", ..." : "...");
        out.push_back(']');
        break;
    }
    case Content::StringArray: {
        out.push_back('[');
        for (std::size_t i = 0; i < d.items.size(); ++i) {
            if (i != 0) put(out, ", ");
            const Data& item = d.items[i];
            if (item.state == DataState::Null) { put(out, "NULL"); continue; }
            if (item.state == DataState::Unreadable && item.bytes.empty()) {
                append_hex(out, element<uint64_t>(d, i));
                append_read_error(out, item);
                continue;
            }
            append_quoted(out, std::string_view(item.bytes.data(), item.bytes.size()));
            if (item.state == DataState::Truncated) put(out, "...");
            if (item.state == DataState::Unreadable) append_read_error(out, item);
        }
        if (d.state == DataState::Truncated) put(out, d.items.empty() ? "..." : ", ...");
        out.push_back(']');
        break;
    }
    default: append_addr(out, v.entry); return;
    }
    if (d.state == DataState::Truncated &&
        (v.field->content == Content::String || v.field->content == Content::Text ||
         v.field->content == Content::Bytes))
        put(out, "...");
    if (d.state == DataState::Unreadable) append_read_error(out, d);
}

// Zero (NULL, "") before and after the call.
bool unchanged_zero(const FieldValue& v, const DecodedCall& call) {
    const Field& f = *v.field;
    if (v.changed()) return false;
    if (f.kind != Kind::CharArray) return v.entry == 0;
    // An info struct's names are in its data; the attr's in the attr.
    std::string_view s = v.data.bytes.empty() ? char_array(call, f) : std::string_view(v.data.bytes.data(), v.data.bytes.size());
    return s.substr(0, s.find('\0')).empty();
}

// Brief lines: a blob by what it is, `btf=<2752 bytes, 47 types>`, and
// counted data by its count, `insns=<68 insns>`. False where the data is
// not there to summarise (NULL, unreadable, not read).
bool append_summary(OutBuf& out, const FieldValue& v, const DecodedCall& call) {
    const Field& f = *v.field;
    const Data& d = v.data;
    if (v.entry == 0) return false;
    if (f.content == Content::Bytes && (d.state == DataState::Ok || d.state == DataState::Truncated)) {
        fmt::format_to(It(out), "<{} bytes", d.wanted);
        if (call.btf_blob != nullptr && call.btf_blob->type_count() > 0) {
            const uint32_t types = call.btf_blob->type_count() - 1;
            fmt::format_to(It(out), ", {} type{}", types, types == 1 ? "" : "s");
        }
        out.push_back('>');
        return true;
    }
    if (f.content != Content::Sized || f.unit.empty()) return false;
    const Length& l = f.length;
    if (l.from != Length::From::Field && l.from != Length::From::FieldTimesField) return false;
    const uint64_t count = call.entry_view().get(l.count_offset, l.count_width);
    fmt::format_to(It(out), "<{} {}{}>", count, f.unit, count == 1 ? "" : "s");
    return true;
}

// How members are written: brief or whole, in which colours.
struct MemberStyle {
    bool brief = false;
    const Palette* palette = &Palette::none();
    bool info_below = false;  // an info struct is shown on data lines below the call, not inline
};

void append_label(OutBuf& out, std::string_view label, const Palette& p) {
    out.push_back('<');
    paint(out, p.label);
    put(out, label);
    unpaint(out, p.label, p);
    out.push_back('>');
}

void append_member(OutBuf& out, const FieldValue& v, const DecodedCall& call, TextPhase phase, const MemberStyle& style) {
    const bool brief = style.brief;
    const Field& f = *v.field;
    put(out, f.name);
    out.push_back('=');
    if (brief && f.kind == Kind::Pointer && append_summary(out, v, call)) return;
    if (f.kind == Kind::CharArray) {
        append_quoted(out, char_array(call, f));
        return;
    }
    if (f.kind == Kind::Pointer) {
        if (f.content == Content::InfoStruct && !style.info_below && info::append_info_text(out, v, call, phase, brief))
            return;
        const bool out_data = f.dir != Dir::In;
        if (inline_content(f.content) && !(out_data && phase == TextPhase::Unfinished)) append_inline_data(out, v);
        else append_addr(out, v.entry);
        return;
    }
    append_number(out, f, v.entry);
    if (!v.label.empty()) append_label(out, std::string_view(v.label.data(), v.label.size()), *style.palette);
    if (phase == TextPhase::Complete && v.changed()) {
        put(out, " => ");
        append_number(out, f, v.exit);
    }
}

void append_attr(OutBuf& out, const DecodedCall& call, TextPhase phase, const MemberStyle& style) {
    const bool brief = style.brief;
    switch (call.attr_state) {
    case AttrState::Null: put(out, "NULL"); return;
    case AttrState::SizeZero:
    case AttrState::TooBig: append_addr(out, call.attr_addr.value); return;
    case AttrState::Unreadable: {
        append_addr(out, call.attr_addr.value);
        const std::string_view name = errno_name(call.attr_error);
        fmt::format_to(It(out), " (unreadable: {})", name.empty() ? "E???" : name);
        return;
    }
    case AttrState::Ok:
    case AttrState::Partial: break;
    }
    if (call.command == nullptr) {  // a command this kernel does not have
        append_addr(out, call.attr_addr.value);
        return;
    }
    out.push_back('{');
    const std::string_view group = call.command->group;
    if (!group.empty()) {
        put(out, group);
        put(out, "={");
    }
    // A nested struct is opened at its first member shown, so one whose
    // members all say nothing is left out whole.
    std::string_view open_nested;
    bool first = true;
    for (const FieldValue& v : call.fields) {
        if (brief && (says_nothing(v, call) || told_by_summary(v, call))) continue;
        if (v.field->group != open_nested) {
            if (!open_nested.empty()) out.push_back('}');
            if (!first) put(out, ", ");
            first = true;
            open_nested = v.field->group;
            if (!open_nested.empty()) {
                put(out, open_nested);
                put(out, "={");
            }
        }
        if (!first) put(out, ", ");
        first = false;
        append_member(out, v, call, phase, style);
    }
    if (!open_nested.empty()) out.push_back('}');
    if (!group.empty()) out.push_back('}');
    if (call.attr_state == AttrState::Partial) {
        const std::string_view name = errno_name(call.attr_error);
        fmt::format_to(It(out), "{}... /* unreadable from byte {}: {} */", call.fields.empty() ? "" : ", ", call.readable,
                       name.empty() ? "E???" : name);
    }
    if (!call.tail.empty()) {
        if (!call.fields.empty() || !group.empty()) put(out, ", ");
        put(out, "extra_data=");
        append_quoted(out, std::string_view(call.tail.data(), call.tail.size()), true);
        fmt::format_to(It(out), " /* bytes {}..{} */", call.tail_offset, call.tail_offset + call.tail.size() - 1);
    }
    out.push_back('}');
}

void append_return(OutBuf& out, const DecodedCall& call, const Palette& p) {
    if (call.ret < 0) {
        paint(out, p.error);
        append_error_return(out, call.ret);
        unpaint(out, p.error, p);
    } else {
        fmt::format_to(It(out), "{}", call.ret);
    }
    if (call.ret >= 0 && !call.ret_label.empty())
        append_label(out, std::string_view(call.ret_label.data(), call.ret_label.size()), p);
}

bool is_map_content(Content c) {
    return c == Content::MapKey || c == Content::MapValue || c == Content::MapKeys || c == Content::MapValues;
}

// One key or value: typed by the map's BTF when it has one ("{pid=1,
// message="Hi"}"), per CPU for per-CPU maps, for fd-holding maps
// "fd 5<prog#...>" / "id 80" with the bytes after it, else hex bytes.
void append_value_bytes(OutBuf& out, const DecodedCall& call, const FieldValue& v, std::size_t off, std::size_t len,
                        std::size_t index) {
    const Data& d = v.data;
    if (is_map_content(v.field->content) && call.map && d.meaning == ValueMeaning::Bytes) {
        const bool key = v.field->content == Content::MapKey || v.field->content == Content::MapKeys;
        const std::string_view bytes(d.bytes.data() + off, len);
        if (len == d.elem_size && append_map_typed(out, *call.map, key, bytes, ValueFormat{})) return;
        const uint32_t slot = key ? 0 : percpu_slot(*call.map);
        if (slot != 0 && len == d.elem_size && len % slot == 0) {
            for (std::size_t cpu = 0; cpu * slot < len; ++cpu) {
                fmt::format_to(It(out), "{}cpu{}=", cpu ? ", " : "", cpu);
                append_hex_bytes(out, bytes.substr(cpu * slot, call.map->value_size));
            }
            return;
        }
    }
    if (d.meaning != ValueMeaning::Bytes && len >= 4) {
        int32_t v;
        std::memcpy(&v, d.bytes.data() + off, 4);
        if (d.meaning == ValueMeaning::Fds) {
            fmt::format_to(It(out), "fd {}", v);
            if (index < d.items.size() && !d.items[index].bytes.empty())
                fmt::format_to(It(out), "<{}>", std::string_view(d.items[index].bytes.data(), d.items[index].bytes.size()));
        } else {
            fmt::format_to(It(out), "id {}", uint32_t(v));
        }
        put(out, " (");
        append_hex_bytes(out, std::string_view(d.bytes.data() + off, len));
        out.push_back(')');
        return;
    }
    append_hex_bytes(out, std::string_view(d.bytes.data() + off, len));
}

// The indented lines under the call: data whose bytes do not go inline.
void append_data_lines(OutBuf& out, const DecodedCall& call, TextPhase phase) {
    for (const FieldValue& v : call.fields) {
        const Field& f = *v.field;
        if (f.kind != Kind::Pointer || inline_content(f.content)) continue;
        if (f.content == Content::Opaque || f.content == Content::Sized) continue;
        if (f.dir != Dir::In && phase == TextPhase::Unfinished) continue;
        const Data& d = v.data;
        if (d.state == DataState::NotRead || d.state == DataState::Null) continue;
        const std::string_view label = f.name;
        if (d.state == DataState::UnknownSize) {
            fmt::format_to(It(out), "  {}: size unknown: fd {} is not a map the tracer can see\n", label,
                           int32_t(call.entry_view().get(f.length.fd_offset, 4)));
            continue;
        }
        const bool many = f.content == Content::MapKeys || f.content == Content::MapValues;
        const std::size_t each = many ? std::max<uint32_t>(d.elem_size, 1) : d.bytes.size();
        if (many) {
            for (std::size_t off = 0, i = 0; off < d.bytes.size(); off += each, ++i) {
                fmt::format_to(It(out), "  {}[{}]: ", label, i);
                append_value_bytes(out, call, v, off, std::min(each, d.bytes.size() - off), i);
                out.push_back('\n');
            }
        } else if (!d.bytes.empty() || d.state == DataState::Truncated) {
            fmt::format_to(It(out), "  {}: ", label);
            append_value_bytes(out, call, v, 0, d.bytes.size(), 0);
            if (d.state == DataState::Truncated) fmt::format_to(It(out), "{}... ({} bytes)", d.bytes.empty() ? "" : " ", d.wanted);
            out.push_back('\n');
        }
        if (many && d.state == DataState::Truncated) fmt::format_to(It(out), "  {}: ... ({} bytes in all)\n", label, d.wanted);
        if (d.state == DataState::Unreadable) {
            const std::string_view name = errno_name(d.error);
            fmt::format_to(It(out), "  {}: unreadable at {:#x} after {} bytes: {}\n", label, v.entry, d.bytes.size(),
                           name.empty() ? "E???" : name);
        }
    }
}

// Maps the instructions of a program load refer to.
void append_insn_maps(OutBuf& out, const DecodedCall& call) {
    if (call.insn_maps.empty()) return;
    put(out, "  maps in the instructions:");
    for (const InsnMap& m : call.insn_maps) {
        fmt::format_to(It(out), " {}", m.fd);
        if (!m.label.empty()) fmt::format_to(It(out), "<{}>", std::string_view(m.label.data(), m.label.size()));
        fmt::format_to(It(out), " (insn {})", m.insn);
    }
    out.push_back('\n');
}

} // namespace

void render_text(const DecodedCall& call, TextPhase phase, const TextOptions& options, OutBuf& out) {
    put(out, "bpf(");
    const Palette& palette = *options.palette;
    paint(out, palette.command);
    if (call.command != nullptr) put(out, call.command->name);
    else append_enum(out, xlat::bpf_cmd, call.cmd);
    unpaint(out, palette.command, palette);
    put(out, ", ");
    // Brief lines with data lines show an info struct below the call, wrapped.
    const bool info_below = !options.all_members && options.data_lines && info::shows_below(call, phase);
    append_attr(out, call, phase, MemberStyle{!options.all_members, &palette, info_below});
    fmt::format_to(It(out), ", {}", call.size);
    if (phase == TextPhase::Unfinished || !call.exited) {
        put(out, " <unfinished ...>");
        if (!options.ended.empty()) fmt::format_to(It(out), " = ? <{}>", options.ended);
        out.push_back('\n');
    } else {
        put(out, ") = ");
        append_return(out, call, palette);
        put(out, options.after_result);
        out.push_back('\n');
    }
    if (options.data_lines) {
        append_data_lines(out, call, phase);
        append_insn_maps(out, call);
        if (options.whole_data && phase == TextPhase::Complete && call.exited) {
            WholeDataOptions w;
            w.verbose = options.verbose;
            w.palette = &palette;
            append_whole_data_text(out, call, w);
        }
        if (info_below) info::append_info_below(out, call, phase);
        info::append_info_data_lines(out, call, phase);
    }
}

void append_member_text(OutBuf& out, const FieldValue& v, const DecodedCall& call, TextPhase phase) {
    append_member(out, v, call, phase, MemberStyle{});
}

bool zero_throughout(const FieldValue& v, const DecodedCall& call) {
    const Field& f = *v.field;
    // Attach type 0 is BPF_CGROUP_INET_INGRESS, fd 0 is stdin.
    if ((f.kind == Kind::Enum || f.kind == Kind::Fd) && !f.zero_is_none) return false;
    return unchanged_zero(v, call);
}

bool says_nothing(const FieldValue& v, const DecodedCall& call) {
    const Field& f = *v.field;
    if (!unchanged_zero(v, call)) return false;
    if (f.kind == Kind::Flags || f.zero_is_none) return true;
    // Zero is what a caller that knew no newer member passed: the old meaning.
    return !f.since.empty() && call.command != nullptr && f.since != call.command->since;
}

bool told_by_summary(const FieldValue& v, const DecodedCall& call) {
    if (v.changed()) return false;
    const uint16_t at = v.field->offset;
    for (const FieldValue& array : call.fields) {
        const Field& f = *array.field;
        if (f.content != Content::Sized || f.unit.empty() || array.entry == 0) continue;
        const Length& l = f.length;
        if (l.from != Length::From::Field && l.from != Length::From::FieldTimesField) continue;
        // The count only: a record size is not in the summary (and an odd one matters).
        if (l.count_offset == at) return true;
    }
    return false;
}

} // namespace bpfsc::decoder
