// The value tree's storage and the helpers its readers share (see decoded_call.h).
#include "decoded_call.h"

#include <algorithm>
#include <utility>

#include "btf/btf_types.h"
#include "info/info_struct.h"

namespace bpfsc::decoder {

int64_t signed_value(uint64_t v, unsigned width) {
    if (width >= 8) return int64_t(v);
    const unsigned shift = 64 - 8 * width;
    return int64_t(v << shift) >> shift;
}

std::string_view char_array(const DecodedCall& call, const Field& f) {
    const char* base = reinterpret_cast<const char*>(call.entry_bytes.data()) + f.offset;
    const uint32_t limit = std::min(call.size, call.readable);
    const std::size_t avail = limit > f.offset ? std::min<std::size_t>(f.width, limit - f.offset) : 0;
    const void* nul = std::memchr(base, 0, avail);
    return std::string_view(base, nul ? std::size_t(static_cast<const char*>(nul) - base) : avail);
}

const FieldValue* DecodedCall::member(const AttrMember& m) const {
    for (const FieldValue& v : fields)
        if (m.names(*v.field)) return &v;
    return nullptr;
}

DecodedCall::DecodedCall()
    : fields(&arena_), tail(&arena_), arena_(initial_.data(), initial_.size()) {}

// The arena is a member declared after the containers that use it, so it
// would be destroyed first, freeing storage they still point to: every
// container gives its storage up before then, as reset() does.
DecodedCall::~DecodedCall() { reset(); }

void DecodedCall::reset() {
    // Every user of the arena gives its storage up (swapped into a
    // temporary that dies at once) before the arena is released.
    std::pmr::vector<FieldValue>(&arena_).swap(fields);
    std::pmr::string(&arena_).swap(tail);
    std::pmr::string(&arena_).swap(ret_label);
    std::pmr::vector<InsnMap>(&arena_).swap(insn_maps);
    program.reset(&arena_);
    std::pmr::string(&arena_).swap(log);
    btf_blob.reset();
    type_btf = nullptr;
    btf_blob_error = 0;
    log_source = LogSource::None;
    log_load_ret = 0;
    if (info != nullptr) std::destroy_at(std::exchange(info, nullptr));
    arena_.release();
    cmd = 0;
    command = nullptr;
    attr_addr = {};
    size = 0;
    attr_state = AttrState::Ok;
    attr_error = 0;
    readable = 0;
    tail_offset = 0;
    exited = false;
    ret = 0;
    map_asked = false;
    map.reset();
}

} // namespace bpfsc::decoder
