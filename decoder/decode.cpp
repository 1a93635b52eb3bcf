// The schema walk (see decode.h): size semantics like the kernel's, members
// at entry and exit, and pointed-to data read through Memory.
#include "decode.h"

#include "btf/btf_types.h"
#include "info/decode_info.h"
#include "info/info_struct.h"
#include "insn_maps.h"
#include "whole_data.h"
#include "uapi/bpf_attr.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

namespace bpfsc::decoder {

uint64_t AttrView::get(uint32_t offset, uint32_t width) const {
    uint64_t v = 0;
    // Little-endian host (x86-64, arm64): the low bytes come first. Bytes the
    // caller did not pass (past `size` or past what was readable) read as 0.
    for (uint32_t i = 0; i < width && i < 8; ++i) {
        const uint32_t at = offset + i;
        if (at >= size || at >= bytes.size()) break;
        v |= uint64_t(std::to_integer<uint8_t>(bytes[at])) << (8 * i);
    }
    return v;
}

bool map_values_are_fds(uint32_t t) {
    // PROG_ARRAY, PERF_EVENT_ARRAY, CGROUP_ARRAY, ARRAY_OF_MAPS, HASH_OF_MAPS,
    // SOCKMAP, XSKMAP, SOCKHASH, REUSEPORT_SOCKARRAY
    return t == 3 || t == 4 || t == 8 || t == 12 || t == 13 || t == 15 || t == 17 || t == 18 || t == 20;
}

bool map_values_are_ids(uint32_t t) { return t == 3 || t == 12 || t == 13; }

bool is_percpu_map_type(uint32_t t) {
    // BPF_MAP_TYPE_PERCPU_HASH, _PERCPU_ARRAY, _LRU_PERCPU_HASH, _PERCPU_CGROUP_STORAGE
    return t == 5 || t == 6 || t == 10 || t == 21;
}

uint64_t user_value_size(const MapShape& m, uint32_t cpus) {
    if (is_percpu_map_type(m.map_type)) return ((uint64_t(m.value_size) + 7) & ~uint64_t(7)) * cpus;
    return m.value_size;
}

namespace {

bool shown(const Field& f, const AttrView& view) {
    if (f.offset >= view.size) return false;       // not inside `size`: does not exist
    return f.when == nullptr || f.when(view);
}

bool has_content(const Field& f) { return f.kind == Kind::Pointer && f.content != Content::Opaque; }

// Whether the member holding f's count changed between entry and exit.
bool count_moved(const DecodedCall& call, const Field& f) {
    for (const FieldValue& c : call.fields)
        if (c.field->offset == f.length.count_offset && c.field->width == f.length.count_width) return c.changed();
    return false;
}

bool written_on_failure(const DecodedCall& call, const Field& f, int64_t ret) {
    switch (f.failure_policy) {
    case OnFailure::NotWritten: return false;
    case OnFailure::Written: return true;
    case OnFailure::WrittenIfCounted: return count_moved(call, f);
    case OnFailure::WrittenIfCountedOrEnd: return ret == -ENOENT || count_moved(call, f);
    }
    return false;
}

// The task whose fd a Task fd member names: the call's pid member, decoded
// before it (0 when there is none).
int32_t task_of(const DecodedCall& call) {
    for (const FieldValue& v : call.fields)
        if (v.field->kind == Kind::Pid) return int32_t(v.entry);
    return 0;
}

} // namespace

void Decoder::decode_entry(DecodedCall& call, uint32_t cmd, RemoteAddr attr, uint32_t size) {
    call.reset();
    call.cmd = cmd;
    call.command = find_command(cmd);
    call.attr_addr = attr;
    call.size = size;

    if (attr.is_null()) { call.attr_state = AttrState::Null; return; }
    if (size == 0) { call.attr_state = AttrState::SizeZero; return; }
    if (size > kPageSize) { call.attr_state = AttrState::TooBig; return; }

    const ReadResult r = memory_.read(attr, std::span(call.entry_bytes.data(), size));
    call.readable = uint32_t(r.bytes);
    if (r.bytes < size) {
        call.attr_error = r.error;
        call.attr_state = r.bytes == 0 ? AttrState::Unreadable : AttrState::Partial;
        if (r.bytes == 0) return;
    }
    if (call.command == nullptr) return;

    const AttrView view{std::span(call.entry_bytes.data(), call.readable), size};
    call.fields.reserve(call.command->fields.size());
    for (const Field& f : call.command->fields) {
        if (!shown(f, view)) continue;
        // A member we could not read whole is shown only if the kernel would
        // read it whole: the unread part is reported instead.
        if (f.end() > call.readable && call.readable < size) break;
        FieldValue& v = call.fields.emplace_back(&f, call.arena());
        v.entry = view.get(f.offset, f.width);
        v.partial = f.end() > size;
        if (f.kind == Kind::Fd && int32_t(v.entry) > 0 && resolver_ != nullptr) {
            if (f.object == Object::Task)
                resolver_->task_fd_label(task_of(call), int32_t(v.entry), v.label);
            else
                resolver_->fd_label(int32_t(v.entry), v.label);
        }
        if (f.kind == Kind::BtfTypeId && v.entry != 0) label_btf_type(call, v, view);
        if (has_content(f) && f.dir == Dir::In) read_data(call, v, view, false);
    }

    if (cmd == uapi::BPF_PROG_LOAD && call.attr_state == AttrState::Ok) {
        read_program(memory_, resolver_, call);
        find_insn_maps(memory_, resolver_, call);
    }
    if (cmd == uapi::BPF_BTF_LOAD && call.attr_state == AttrState::Ok) read_btf_blob(memory_, call);
    if (cmd == uapi::BPF_OBJ_GET_INFO_BY_FD) info::decode_info_entry(memory_, resolver_, call);

    // Non-zero bytes past the last member the kernel knows.
    const uint32_t known = call.command->known_size;
    if (call.readable > known) {
        const auto* b = call.entry_bytes.data();
        const bool any = std::any_of(b + known, b + call.readable, [](std::byte x) { return x != std::byte{0}; });
        if (any) {
            call.tail_offset = known;
            call.tail.assign(reinterpret_cast<const char*>(b + known), call.readable - known);
        }
    }
}

void Decoder::decode_exit(DecodedCall& call, int64_t ret) {
    call.exited = true;
    call.ret = ret;
    if (call.command == nullptr || call.readable == 0) return;

    // Read the attr again: the kernel writes its outputs there.
    std::array<std::byte, kPageSize> exit_bytes;  // only the bytes read are looked at
    const ReadResult r = memory_.read(call.attr_addr, std::span(exit_bytes.data(), call.readable));
    const AttrView entry_view{std::span(call.entry_bytes.data(), call.readable), call.size};
    const AttrView exit_view{std::span(exit_bytes.data(), r.bytes), call.size};

    for (FieldValue& v : call.fields) {
        const Field& f = *v.field;
        if (f.dir == Dir::In) continue;
        if (f.end() <= r.bytes || f.end() > call.size) {
            v.exit = exit_view.get(f.offset, f.width);
            v.has_exit = true;
        }
    }
    // Out data is read when the kernel wrote it: on success, and on failure
    // as the member's OnFailure says.
    for (FieldValue& v : call.fields) {
        const Field& f = *v.field;
        if (!has_content(f) || f.dir == Dir::In) continue;
        if (ret < 0 && !written_on_failure(call, f, ret)) continue;
        read_data(call, v, entry_view, true);
    }
    if (call.cmd == uapi::BPF_PROG_LOAD || call.cmd == uapi::BPF_BTF_LOAD) read_log(memory_, call);
    if (call.info != nullptr) info::decode_info_exit(memory_, resolver_, options_, call);
}

const BtfTypes* Decoder::btf_for(const Field& f, const AttrView& view) {
    if (resolver_ == nullptr) return nullptr;
    const int32_t fd = f.btf == BtfFrom::Vmlinux ? 0 : int32_t(view.get(f.btf_member_offset, 4));
    if (fd > 0) return resolver_->btf_of_fd(fd);
    if (f.btf == BtfFrom::FdMemberOrVmlinux || f.btf == BtfFrom::Vmlinux) return resolver_->vmlinux_btf();
    return nullptr;
}

void Decoder::label_btf_type(DecodedCall& call, FieldValue& v, const AttrView& view) {
    const BtfTypes* btf = btf_for(*v.field, view);
    if (btf == nullptr) return;
    if (v.field->btf != BtfFrom::Vmlinux) call.type_btf = btf;
    OutBuf name;
    btf->append_type_name(name, uint32_t(v.entry));
    v.label.assign(name.data(), name.size());
}

// The length of a pointer's data: In data from entry values; Out data from
// the smaller of the entry capacity and what the kernel reported at exit.
uint64_t Decoder::length_of(const FieldValue& v, const AttrView& entry_view, bool at_exit,
                            const DecodedCall& call) const {
    const Length& l = v.field->length;
    auto count = [&]() -> uint64_t {
        const uint64_t at_entry = entry_view.get(l.count_offset, l.count_width);
        if (!at_exit) return at_entry;
        for (const FieldValue& c : call.fields)
            if (c.field->offset == l.count_offset && c.has_exit) return std::min(at_entry, c.exit);
        return at_entry;
    };
    switch (l.from) {
    case Length::From::None: return 0;
    case Length::From::Field: return count() * l.scale;
    case Length::From::FieldTimesField: return count() * entry_view.get(l.scale_offset, 4);
    case Length::From::MapOfFd: return l.count_width ? count() : 1;
    case Length::From::Return:
        return call.exited && call.ret > 0 ? std::min<uint64_t>(uint64_t(call.ret), count()) : 0;
    }
    return 0;
}

bool Decoder::read_into(Data& d, RemoteAddr addr, uint64_t len) {
    d.bytes.resize(len);
    const ReadResult r = memory_.read(addr, std::as_writable_bytes(std::span(d.bytes.data(), len)));
    if (r.bytes < len) {
        d.bytes.resize(r.bytes);
        d.state = DataState::Unreadable;
        d.error = r.error;
        return false;
    }
    return true;
}

void Decoder::read_string(Data& d, RemoteAddr addr, uint32_t limit) {
    // Read in pieces that never cross a page, so a string ending just before
    // an unmapped page reads whole.
    d.bytes.clear();
    char chunk[256];
    uint64_t at = addr.value;
    while (d.bytes.size() <= limit) {
        const uint64_t to_page = kPageSize - (at % kPageSize);
        const std::size_t n = std::size_t(std::min<uint64_t>({to_page, sizeof chunk, limit + 1 - d.bytes.size()}));
        const ReadResult r = memory_.read(RemoteAddr{at}, std::as_writable_bytes(std::span(chunk, n)));
        const char* nul = static_cast<const char*>(std::memchr(chunk, 0, r.bytes));
        if (nul != nullptr) {
            d.bytes.append(chunk, std::size_t(nul - chunk));
            d.state = DataState::Ok;
            d.wanted = d.bytes.size();
            return;
        }
        d.bytes.append(chunk, r.bytes);
        if (r.bytes < n) {
            d.state = DataState::Unreadable;
            d.error = r.error;
            return;
        }
        at += n;
    }
    d.bytes.resize(limit);
    d.state = DataState::Truncated;
}

void Decoder::read_data(DecodedCall& call, FieldValue& v, const AttrView& entry_view, bool at_exit) {
    const Field& f = *v.field;
    Data& d = v.data;
    d.bytes.clear();
    d.items.clear();
    d.error = 0;
    const RemoteAddr addr{v.entry};
    if (addr.is_null()) { d.state = DataState::Null; return; }

    const uint32_t limit = options_.string_limit;
    if (f.length.zero_means_unknown && length_of(v, entry_view, at_exit, call) == 0) return;
    switch (f.content) {
    case Content::Opaque:
    case Content::Sized: return;
    case Content::InfoStruct:  // read by info/decode_info.cpp
    case Content::Insns:
    case Content::Tags:
    case Content::FuncInfo:
    case Content::LineInfo: return;
    case Content::String: read_string(d, addr, f.is_path ? kPathMax - 1 : limit); return;
    case Content::Text:
    case Content::Bytes:
    case Content::HexBytes: {
        d.wanted = length_of(v, entry_view, at_exit, call);
        const uint64_t n = std::min<uint64_t>(d.wanted, limit);
        d.state = n < d.wanted ? DataState::Truncated : DataState::Ok;
        // A C string that ends inside what was read is whole.
        if (read_into(d, addr, n) && f.content == Content::Text && d.bytes.find('\0') != std::pmr::string::npos)
            d.state = DataState::Ok;
        return;
    }
    case Content::U32Array:
    case Content::U64Array:
    case Content::FdArray: {
        d.elem_size = f.content == Content::U64Array ? 8 : 4;
        d.wanted = length_of(v, entry_view, at_exit, call);
        const uint64_t n = std::min<uint64_t>(d.wanted, limit);
        d.state = n < d.wanted ? DataState::Truncated : DataState::Ok;
        read_into(d, addr, n * d.elem_size);
        if (f.content == Content::FdArray && resolver_ != nullptr) {
            // Each fd carries its object, as fds do everywhere else.
            const std::size_t got = d.bytes.size() / 4;
            d.items.reserve(got);
            for (std::size_t i = 0; i < got; ++i) {
                Data& item = d.items.emplace_back(call.arena());
                const int32_t fd = element<int32_t>(d, i);
                if (fd > 0) resolver_->fd_label(fd, item.bytes);
            }
        }
        return;
    }
    case Content::StringArray: {
        d.elem_size = 8;
        d.wanted = length_of(v, entry_view, at_exit, call);
        const uint64_t n = std::min<uint64_t>(d.wanted, limit);
        d.state = n < d.wanted ? DataState::Truncated : DataState::Ok;
        if (!read_into(d, addr, n * 8)) return;
        d.items.reserve(n);
        for (uint64_t i = 0; i < n; ++i) {
            uint64_t p;
            std::memcpy(&p, d.bytes.data() + i * 8, 8);
            Data& item = d.items.emplace_back(call.arena());
            if (p == 0) item.state = DataState::Null;
            else read_string(item, RemoteAddr{p}, limit);
        }
        return;
    }
    case Content::MapKey:
    case Content::MapValue:
    case Content::MapKeys:
    case Content::MapValues: {
        if (!call.map_asked && resolver_ != nullptr) {
            call.map = resolver_->map_shape(int32_t(entry_view.get(f.length.fd_offset, 4)));
            call.map_asked = true;
        }
        const std::optional<MapShape>& map = call.map;
        if (!map) { d.state = DataState::UnknownSize; return; }
        const bool keys = f.content == Content::MapKey || f.content == Content::MapKeys;
        d.elem_size = uint32_t(keys ? map->key_size : user_value_size(*map, resolver_->possible_cpus()));
        const uint64_t count = length_of(v, entry_view, at_exit, call);
        d.wanted = count * d.elem_size;
        const uint64_t n = std::min<uint64_t>(d.wanted, options_.data_limit);
        d.state = n < d.wanted ? DataState::Truncated : DataState::Ok;
        read_into(d, addr, n);
        const bool values = !keys && d.elem_size >= 4;
        if (values && f.dir == Dir::In && map_values_are_fds(map->map_type)) {
            // Written as fds: each carries its object, as fds do everywhere.
            d.meaning = ValueMeaning::Fds;
            for (std::size_t off = 0; off + 4 <= d.bytes.size(); off += d.elem_size) {
                Data& item = d.items.emplace_back(call.arena());
                int32_t fd;
                std::memcpy(&fd, d.bytes.data() + off, 4);
                if (fd >= 0) resolver_->fd_label(fd, item.bytes);
            }
        } else if (values && f.dir != Dir::In && map_values_are_ids(map->map_type)) {
            d.meaning = ValueMeaning::Ids;
        }
        return;
    }
    }
}

} // namespace bpfsc::decoder
