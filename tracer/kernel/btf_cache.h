// The BTF objects the trace needs, parsed once: every BTF object by its
// kernel id, fetched from the kernel (what a program loaded, the BTF of
// maps opened by id, programs' BTF, kernel modules' BTF split on vmlinux),
// and the kernel's own BTF for attach targets and kernel types. A blob a
// loader passed to BPF_BTF_LOAD is never taken for the object it made: the
// tracer read it at the call's entry, the kernel later, and another thread
// may have changed it in between; only the bytes the kernel accepted, read
// back by id, describe the object.
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

private:
    std::unordered_map<uint32_t, std::unique_ptr<decoder::BtfTypes>> by_id_;  // null: asked, not available
    std::unique_ptr<decoder::BtfTypes> vmlinux_;
    bool vmlinux_asked_ = false;
};

} // namespace bpfsc::tracer
