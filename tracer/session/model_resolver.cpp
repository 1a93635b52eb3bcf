// The model-backed resolver (see model_resolver.h).
#include "tracer/session/model_resolver.h"

#include "tracer/os/proc_status.h"

namespace bpfsc::tracer {

std::optional<decoder::MapShape> ModelResolver::map_shape(int32_t fd) {
    const model::FdRecord* r = model_.lookup(pid_, fd);
    if (r == nullptr || r->object->facts.kind != model::ObjectKind::Map) return std::nullopt;
    const model::ObjectFacts& f = r->object->facts;
    if (f.id == 0) return fdinfo_.map_shape(fd);  // the kernel would not tell us more before
    decoder::MapShape shape{f.type, f.key_size, f.value_size, f.max_entries, f.map_flags};
    if (f.btf_key_type_id != 0 || f.btf_value_type_id != 0) {
        shape.btf = btf_.by_id(f.btf_id);
        shape.btf_key_type_id = f.btf_key_type_id;
        shape.btf_value_type_id = f.btf_value_type_id;
    }
    return shape;
}

const decoder::BtfTypes* ModelResolver::btf_of_fd(int32_t fd) {
    const model::FdRecord* r = model_.lookup(pid_, fd);
    if (r == nullptr) return nullptr;
    const model::ObjectFacts& f = r->object->facts;
    switch (f.kind) {
    case model::ObjectKind::Btf: return btf_.by_id(f.id);
    case model::ObjectKind::Map:
    case model::ObjectKind::Prog: return btf_.by_id(f.btf_id);
    default: return nullptr;
    }
}

const decoder::KernelSymbols* ModelResolver::kernel_symbols() {
    if (!ksyms_asked_) {
        ksyms_asked_ = true;
        ksyms_ = decoder::KernelSymbols::load();
    }
    return ksyms_.get();
}

void ModelResolver::label_of(pid_t process, int32_t fd, std::pmr::string& out) {
    const model::FdRecord* r = model_.lookup(process, fd);
    if (r == nullptr) return;
    const std::string& label = r->object->cached_label();
    out.assign(label.data(), label.size());
}

void ModelResolver::fd_label(int32_t fd, std::pmr::string& out) { label_of(pid_, fd, out); }

void ModelResolver::task_fd_label(int32_t pid, int32_t fd, std::pmr::string& out) {
    // A task's fds are its process's: traced or not, the model knows only
    // the traced ones.
    if (pid <= 0) return;
    if (const std::optional<pid_t> process = thread_group_of(pid)) label_of(*process, fd, out);
}

decoder::FdObject ModelResolver::fd_object(int32_t fd) {
    const model::FdRecord* r = model_.lookup(pid_, fd);
    if (r == nullptr) return {};
    const model::ObjectFacts& f = r->object->facts;
    switch (f.kind) {
    case model::ObjectKind::Map: return {decoder::Object::Map, 0};
    case model::ObjectKind::Prog: return {decoder::Object::Prog, 0};
    case model::ObjectKind::Btf: return {decoder::Object::Btf, 0};
    case model::ObjectKind::Link: return {decoder::Object::Link, f.type};
    case model::ObjectKind::Token: return {decoder::Object::Token, 0};
    case model::ObjectKind::Other: return {};
    }
    return {};
}

} // namespace bpfsc::tracer
