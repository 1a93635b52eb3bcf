// Calls the broker leaves to the tracee (see run_policy.h).
#include "tracer/seccomp/broker/run_policy.h"

#include <cstddef>

#include "decoder/uapi/bpf_attr.h"

namespace bpfsc::tracer::broker {

namespace {

uint64_t member(const decoder::AttrView& attr, std::size_t offset, std::size_t width) {
    return attr.get(uint32_t(offset), uint32_t(width));
}

} // namespace

const char* left_to_tracee(const decoder::DecodedCall& call) {
    const decoder::AttrView attr = call.entry_view();
    switch (call.cmd) {
    case uapi::BPF_MAP_CREATE: {
        using M = uapi::map_create_attr;
        const uint64_t entries = member(attr, offsetof(M, max_entries), 4);
        const uint64_t each = member(attr, offsetof(M, key_size), 4) + member(attr, offsetof(M, value_size), 4);
        // A ring buffer's max_entries is its size in bytes.
        if (entries * (each == 0 ? 1 : each) > k_max_brokered_map_bytes) return "a map too large to create quickly";
        return nullptr;
    }
    case uapi::BPF_BTF_LOAD:
        if (member(attr, offsetof(uapi::btf_load_attr, btf_size), 4) > k_max_brokered_btf_bytes)
            return "a BTF blob too large to check quickly";
        return nullptr;
    default: return nullptr;
    }
}

bool interrupted_by_signals(const decoder::DecodedCall& call) {
    return call.cmd == uapi::BPF_PROG_LOAD || call.cmd == uapi::BPF_PROG_TEST_RUN;
}

} // namespace bpfsc::tracer::broker
