// The BTF cache (see btf_cache.h).
#include "tracer/kernel/btf_cache.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer {

namespace {

// Whether BTF object `id` is a kernel module's (split on vmlinux): its
// types then refer to vmlinux's by id.
bool is_module_btf(uint32_t id) {
    const UniqueFd fd(bpf_btf_get_fd_by_id(id));
    if (!fd) return false;
    char name[64] = {};
    bpf_btf_info info{};
    info.name = reinterpret_cast<uintptr_t>(name);
    info.name_len = sizeof name;
    uint32_t len = sizeof info;
    const bool ok = bpf_obj_get_info_by_fd(fd.get(), &info, &len) == 0;
    return ok && info.kernel_btf && std::string_view(name, strnlen(name, sizeof name)) != "vmlinux";
}

} // namespace

const decoder::BtfTypes* BtfCache::vmlinux() {
    if (!vmlinux_asked_) {
        vmlinux_asked_ = true;
        if (struct btf* b = btf__load_vmlinux_btf()) vmlinux_ = std::make_unique<decoder::BtfTypes>(b);
    }
    return vmlinux_.get();
}

const decoder::BtfTypes* BtfCache::by_id(uint32_t id) {
    if (id == 0) return nullptr;
    const auto it = by_id_.find(id);
    if (it != by_id_.end()) return it->second.get();
    std::unique_ptr<decoder::BtfTypes>& slot = by_id_[id];
    struct btf* b = nullptr;
    if (is_module_btf(id)) {
        if (const decoder::BtfTypes* base = vmlinux())
            b = btf__load_from_kernel_by_id_split(id, const_cast<struct btf*>(base->raw()));
    } else {
        b = btf__load_from_kernel_by_id(id);
    }
    if (b != nullptr) slot = std::make_unique<decoder::BtfTypes>(b);
    return slot.get();
}

} // namespace bpfsc::tracer
