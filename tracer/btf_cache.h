// The BTF objects the trace needs, parsed once: blobs loaders passed to
// BPF_BTF_LOAD (adopted when the load succeeded), BTF of objects the
// program did not load itself (fetched from the kernel by id: maps opened
// by id, programs' BTF, kernel modules' BTF split on vmlinux), and the
// kernel's own BTF for attach targets and kernel types.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "decoder/btf/btf_types.h"

namespace bpfsc::tracer {

class BtfCache {
public:
    // The BTF object with this kernel id, fetched on first use; nullptr
    // when the kernel will not give it (gone, or no privilege to ask).
    const decoder::BtfTypes* by_id(uint32_t id);
    // The running kernel's BTF (/sys/kernel/btf/vmlinux), nullptr if absent.
    const decoder::BtfTypes* vmlinux();
    // A blob the trace parsed itself, now known to be object `id`.
    void adopt(uint32_t id, std::unique_ptr<decoder::BtfTypes> btf);

private:
    std::unordered_map<uint32_t, std::unique_ptr<decoder::BtfTypes>> by_id_;  // null: asked, not available
    std::unique_ptr<decoder::BtfTypes> vmlinux_;
    bool vmlinux_asked_ = false;
};

} // namespace bpfsc::tracer
