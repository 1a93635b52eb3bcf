// The info struct reader (see decode_info.h and info_struct.h).
#include "decode_info.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "info_struct.h"
#include "../whole_data.h"
#include "../btf/btf_types.h"

namespace bpfsc::decoder::info {

namespace {

using A = uapi::info_attr;

const FieldValue* attr_member(const DecodedCall& call, uint16_t offset) {
    for (const FieldValue& v : call.fields)
        if (v.field->offset == offset) return &v;
    return nullptr;
}

template <typename F>
void for_each_row(const InfoLayout& layout, F&& f) {
    for (const Field& row : layout.head) f(row);
    for (const Field& row : layout.body) f(row);
}

bool exists(const Field& f, const AttrView& view) { return f.offset < view.size && (f.when == nullptr || f.when(view)); }

// What the kernel reads: capacities, counts and buffer addresses.
bool is_input(const Field& f) { return f.kind == Kind::Pointer || f.dir != Dir::Out; }

AttrView view_of(std::span<const std::byte> bytes, uint32_t length) { return AttrView{bytes, length}; }

// The caller's inputs, the non-zero ones: what an unfinished call shows.
void add_inputs(InfoStruct& info, const AttrView& entry, std::pmr::memory_resource* arena) {
    for_each_row(*info.layout, [&](const Field& f) {
        if (!exists(f, entry) || !is_input(f)) return;
        const uint64_t value = entry.get(f.offset, f.width);
        if (value == 0) return;
        FieldValue& v = info.members.emplace_back(&f, arena);
        v.entry = value;
    });
}

} // namespace

uint32_t element_size(const Field& f, const AttrView& view) {
    switch (f.content) {
    case Content::U32Array: return 4;
    case Content::U64Array:
    case Content::Tags: return 8;
    case Content::FuncInfo:
    case Content::LineInfo: {
        // The kernel only accepts its own record size; anything else (a
        // failed call's leftovers) is read as the 6.18 record.
        const uint32_t ours = f.content == Content::FuncInfo ? sizeof(uapi::func_info_rec) : sizeof(uapi::line_info_rec);
        const uint32_t given = uint32_t(view.get(f.length.scale_offset, 4));
        return given >= ours && given <= 64 ? given : ours;
    }
    default: return 1;
    }
}

namespace {

// Reads the data the kernel copied to a pointer member: `count` elements
// (bytes for names and blobs), at most `limit` of them.
void read_pointed(Decoder& reader, FieldValue& v, uint64_t count, uint32_t elem_size, uint32_t limit) {
    Data& d = v.data;
    d.bytes.clear();
    d.error = 0;
    if (v.entry == 0) { d.state = DataState::Null; return; }
    d.elem_size = elem_size;
    d.wanted = count;
    if (v.field->content == Content::Insns || v.field->content == Content::Sized) {
        // Instructions and machine code: the length only here. Xlated
        // instructions are read whole by read_xlated_program (whole_data.h),
        // for the disassembler.
        d.state = DataState::NotRead;
        return;
    }
    const uint64_t n = std::min<uint64_t>(count, limit);
    d.state = n < count ? DataState::Truncated : DataState::Ok;
    // A name that ends inside what was read is whole.
    if (reader.read_into(d, RemoteAddr{v.entry}, n * elem_size) && v.field->content == Content::Text &&
        d.bytes.find('\0') != std::pmr::string::npos)
        d.state = DataState::Ok;
}

// Elements the kernel wrote: the caller's capacity, and once the struct is
// written back, no more than the count it reports.
uint64_t written_count(const Field& f, const AttrView& entry, const AttrView* exit) {
    const Length& l = f.length;
    const uint64_t offered = entry.get(l.count_offset, l.count_width);
    return exit != nullptr ? std::min(offered, exit->get(l.count_offset, l.count_width)) : offered;
}

void read_outputs(Decoder& reader, InfoStruct& info, const AttrView& entry, const AttrView* exit) {
    for (FieldValue& v : info.members) {
        const Field& f = *v.field;
        if (f.kind != Kind::Pointer) continue;
        const AttrView& sizes = exit != nullptr ? *exit : entry;
        read_pointed(reader, v, written_count(f, entry, exit), element_size(f, sizes), reader.options().string_limit);
    }
}

// One member of the struct the kernel wrote.
void add_written(InfoStruct& info, const Field& f, const AttrView& entry, const AttrView& exit,
                 std::span<const std::byte> exit_bytes, std::pmr::memory_resource* arena) {
    FieldValue& v = info.members.emplace_back(&f, arena);
    const uint64_t before = entry.get(f.offset, f.width);
    const uint64_t after = exit.get(f.offset, f.width);
    v.partial = f.end() > exit.size;
    if (f.kind == Kind::Pointer || f.dir == Dir::In) {
        v.entry = before;        // an address or a size the kernel read
    } else if (f.dir == Dir::Out) {
        v.entry = after;         // only the kernel's value means anything
    } else {
        v.entry = before;
        v.exit = after;
        v.has_exit = true;
    }
    if (f.kind == Kind::CharArray) {
        const std::size_t end = std::min<std::size_t>(f.end(), exit_bytes.size());
        const auto* from = reinterpret_cast<const char*>(exit_bytes.data());
        if (end > f.offset) v.data.bytes.assign(from + f.offset, end - f.offset);
        v.data.state = DataState::Ok;
    }
}

// BTF type ids named in the BTF object the struct gives by id (a map's key
// and value types, a program's attach target): `btf_key_type_id=8<__u32>`.
void name_btf_types(InfoStruct& info, const AttrView& exit, ObjectResolver& resolver) {
    for (FieldValue& v : info.members) {
        const Field& f = *v.field;
        if (f.kind != Kind::BtfTypeId || v.entry == 0) continue;
        const bool has_id = f.btf_member_offset + 4u <= exit.size;
        const uint32_t id = has_id ? uint32_t(exit.get(f.btf_member_offset, 4)) : 0;
        const BtfTypes* btf = nullptr;
        if (id != 0) btf = resolver.btf_by_id(id);
        else if (f.btf == BtfFrom::IdMemberOrVmlinux) btf = resolver.vmlinux_btf();
        if (btf == nullptr) continue;
        OutBuf name;
        btf->append_type_name(name, uint32_t(v.entry));
        v.label.assign(name.data(), name.size());
    }
}

// Non-zero bytes past the layout: a newer kernel's members.
void find_tail(InfoStruct& info, std::span<const std::byte> exit_bytes) {
    const uint32_t from = info.layout->size;
    if (exit_bytes.size() <= from) return;
    const auto rest = exit_bytes.subspan(from);
    if (std::all_of(rest.begin(), rest.end(), [](std::byte b) { return b == std::byte{0}; })) return;
    info.tail_offset = from;
    info.tail.assign(reinterpret_cast<const char*>(rest.data()), rest.size());
}

} // namespace

void decode_info_entry(Memory& memory, ObjectResolver* resolver, DecodedCall& call) {
    const FieldValue* fd = attr_member(call, BPFSC_OFF(A, bpf_fd));
    const FieldValue* len = attr_member(call, BPFSC_OFF(A, info_len));
    const FieldValue* ptr = attr_member(call, BPFSC_OFF(A, info));
    if (fd == nullptr || len == nullptr || ptr == nullptr || resolver == nullptr) return;
    const FdObject object = resolver->fd_object(int32_t(fd->entry));
    const InfoLayout* layout = find_info_layout(object.kind, object.link_type);
    if (layout == nullptr) return;  // not an object with an info struct: the address is shown

    std::pmr::polymorphic_allocator<InfoStruct> alloc(call.arena());
    InfoStruct& info = *alloc.new_object<InfoStruct>(call.arena());
    call.info = &info;
    info.layout = layout;
    info.object = object;
    info.members.reserve(layout->head.size() + layout->body.size());  // one piece of the arena, no regrowth
    info.entry_length = uint32_t(len->entry);
    if (ptr->entry == 0) return;

    const uint32_t want = std::min(info.entry_length, InfoStruct::kMaxBytes);
    const ReadResult r = memory.read(RemoteAddr{ptr->entry}, std::span(info.entry_bytes.data(), want));
    info.entry_read = uint32_t(r.bytes);
    if (r.bytes < want) {
        info.state = InfoStruct::State::Unreadable;
        info.read_error = r.error;
        return;
    }
    add_inputs(info, view_of(std::span(info.entry_bytes.data(), info.entry_read), info.entry_length), call.arena());
}

void decode_info_exit(Memory& memory, ObjectResolver* resolver, const DecodeOptions& options, DecodedCall& call) {
    InfoStruct& info = *call.info;
    const FieldValue* len = attr_member(call, BPFSC_OFF(A, info_len));
    const FieldValue* ptr = attr_member(call, BPFSC_OFF(A, info));
    if (len == nullptr || ptr == nullptr) return;
    // ENOSPC is a name buffer too short: the cut name is written (and for
    // BTF objects the struct too). Any other failure wrote nothing.
    const bool struct_written = call.ret == 0 || (call.ret == -ENOSPC && info.layout->written_on_enospc);
    const bool names_written = call.ret == 0 || call.ret == -ENOSPC;
    if (!names_written || ptr->entry == 0) {
        info.state = InfoStruct::State::NotWritten;
        info.members.clear();
        return;
    }
    Decoder reader(memory, nullptr, options);
    const AttrView entry = view_of(std::span(info.entry_bytes.data(), info.entry_read), info.entry_length);
    if (!struct_written) {  // the inputs stay as they were; the names are read
        info.state = InfoStruct::State::Inputs;
        read_outputs(reader, info, entry, nullptr);
        return;
    }

    const uint32_t written = len->has_exit ? uint32_t(len->exit) : uint32_t(len->entry);
    info.length = std::min(info.entry_length, written);
    std::array<std::byte, InfoStruct::kMaxBytes> bytes;
    const uint32_t want = std::min(info.length, InfoStruct::kMaxBytes);
    const ReadResult r = memory.read(RemoteAddr{ptr->entry}, std::span(bytes.data(), want));
    info.members.clear();
    if (r.bytes < want) {
        info.state = InfoStruct::State::Unreadable;
        info.read_error = r.error;
        return;
    }
    const std::span<const std::byte> exit_bytes(bytes.data(), want);
    const AttrView exit = view_of(exit_bytes, info.length);
    // A link is laid out by the type the kernel wrote.
    if (info.object.kind == Object::Link && info.length >= 4) info.layout = link_info_layout(uint32_t(exit.get(0, 4)));
    info.members.reserve(info.layout->head.size() + info.layout->body.size());
    info.state = InfoStruct::State::Written;
    for_each_row(*info.layout, [&](const Field& f) {
        if (exists(f, exit)) add_written(info, f, entry, exit, exit_bytes, call.arena());
    });
    read_outputs(reader, info, entry, &exit);
    if (resolver != nullptr) name_btf_types(info, exit, *resolver);
    if (info.object.kind == Object::Prog) read_xlated_program(memory, resolver, call, entry, exit);
    find_tail(info, exit_bytes);
}

} // namespace bpfsc::decoder::info
