// The replica's part for BPF_OBJ_GET_INFO_BY_FD (see replica.h): the info
// struct's nested buffers (map ids, instructions, func and line info,
// names, a link's arrays) copied, the struct pointed at the copies while
// the kernel fills them, and the tracee's own addresses put back after.
#include <algorithm>
#include <cstring>

#include "decoder/info/decode_info.h"
#include "decoder/info/info_struct.h"
#include "tracer/seccomp/broker/replica.h"
#include "tracer/seccomp/broker/replica_internal.h"

namespace bpfsc::tracer::broker {

using decoder::Content;
using decoder::Field;
using decoder::Kind;
using decoder::Length;

namespace {

// Bytes of a nested buffer the kernel may write: the caller's count times
// the element's size (decode_info.h), records at least as large as the
// caller said and as the kernel's own (it copies its record size, whatever
// the caller said).
uint64_t nested_size(const Field& f, const decoder::AttrView& info) {
    const Length& l = f.length;
    const uint64_t count = count_of(info, l);
    switch (l.from) {
    case Length::From::Field: return count * l.scale * decoder::info::element_size(f, info);
    case Length::From::FieldTimesField:
        return count * std::max<uint64_t>(info.get(l.scale_offset, 4), decoder::info::element_size(f, info));
    default: return ~uint64_t(0);
    }
}

} // namespace

bool Replica::prepare_info_struct(std::size_t info_buffer, TraceeAccess& tracee) {
    // The layout the decoder chose for the object bpf_fd is (a link's by
    // its type): the kernel reads the struct the same way.
    const decoder::InfoStruct* decoded = call_->info;
    if (decoded == nullptr || decoded->layout == nullptr)
        return refuse("an info buffer asking for nested arrays of an object this tracer cannot place");
    const decoder::info::InfoLayout& layout = *decoded->layout;
    const std::size_t size = buffers_[info_buffer].size;
    // Every non-zero byte is a member of the layout.
    covered_.assign(size, false);
    for (const std::span<const Field> rows : {layout.head, layout.body})
        for (const Field& row : rows)
            for (uint32_t i = row.offset; i < row.end() && i < size; ++i) covered_[i] = true;
    for (std::size_t i = 0; i < size; ++i)
        if (!covered_[i] && buffers_[info_buffer].local[i] != std::byte{0})
            return refuse("an info buffer byte no member of its struct explains");
    // Each nested buffer asked for: copied, and the struct pointed at the
    // copy. Union members of one place (a perf event link's names) count once.
    auto nested = [&](const Field& row) {
        if (row.kind != Kind::Pointer || row.offset + 8u > size) return true;
        for (const NestedPointer& n : nested_)
            if (n.offset == row.offset) return true;
        const decoder::AttrView view{std::span<const std::byte>(buffers_[info_buffer].local.data(), size),
                                     uint32_t(size)};
        const uint64_t remote = view.get(row.offset, 8);
        if (remote == 0) return true;
        const uint64_t bytes = nested_size(row, view);
        if (bytes > k_max_buffer) return refuse("a nested info buffer larger than the broker copies");
        // Buffers that overlap each other or the struct are written in an
        // order only the kernel knows.
        auto overlaps = [&](uint64_t at, uint64_t length) { return remote < at + length && at < remote + bytes; };
        if (bytes != 0 && overlaps(buffers_[info_buffer].remote, size)) return refuse("a nested info buffer inside the struct");
        for (const NestedPointer& n : nested_)
            if (bytes != 0 && overlaps(n.tracee, n.size)) return refuse("nested info buffers that overlap");
        Buffer& b = add_buffer(row, remote, std::size_t(bytes), true, false);  // may move buffers_
        if (!copy_in(tracee, b)) return refuse("a nested info buffer the tracee cannot read whole");
        const uint64_t local = reinterpret_cast<uintptr_t>(b.local.data());
        nested_.push_back({row.offset, remote, local, bytes});
        std::memcpy(buffers_[info_buffer].local.data() + row.offset, &local, 8);
        return true;
    };
    for (const std::span<const Field> rows : {layout.head, layout.body})
        for (const Field& row : rows)
            if (!nested(row)) return false;
    info_buffer_ = info_buffer;
    return true;
}

void Replica::restore_nested_pointers() {
    // The kernel copies the struct back as it read it, with the copies'
    // addresses: the tracee's go back (a pointer the kernel cleared, as
    // xlated_prog_insns without bpf_dump_raw_ok, stays cleared).
    Buffer& info = buffers_[info_buffer_];
    for (const NestedPointer& n : nested_) {
        uint64_t now;
        std::memcpy(&now, info.local.data() + n.offset, 8);
        if (now == n.local) std::memcpy(info.local.data() + n.offset, &n.tracee, 8);
    }
}

} // namespace bpfsc::tracer::broker
