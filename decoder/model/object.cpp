// Object labels (see object.h).
#include "object.h"

#include <cctype>

#include "../xlat.h"

namespace bpfsc::model {

std::string short_type_name(ObjectKind kind, uint32_t type) {
    const decoder::Xlat* x = nullptr;
    std::string_view prefix;
    switch (kind) {
    case ObjectKind::Map: x = &decoder::xlat::bpf_map_type; prefix = "BPF_MAP_TYPE_"; break;
    case ObjectKind::Prog: x = &decoder::xlat::bpf_prog_type; prefix = "BPF_PROG_TYPE_"; break;
    case ObjectKind::Link: x = &decoder::xlat::bpf_link_type; prefix = "BPF_LINK_TYPE_"; break;
    default: return {};
    }
    std::string_view name = x->name_of(type);
    if (name.empty()) return "type" + std::to_string(type);
    if (name.starts_with(prefix)) name.remove_prefix(prefix.size());
    std::string out(name);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string Object::label() const {
    const ObjectFacts& f = facts;
    std::string id = f.id != 0 ? "#" + std::to_string(f.id) : std::string();
    switch (f.kind) {
    case ObjectKind::Map:
    case ObjectKind::Prog: {
        std::string s = (f.kind == ObjectKind::Map ? "map" : "prog") + id + ":" + short_type_name(f.kind, f.type);
        if (!f.name.empty()) s += ":" + f.name;
        return s;
    }
    case ObjectKind::Link: return "link" + id + ":" + short_type_name(f.kind, f.type);
    case ObjectKind::Btf: return "btf" + id;
    case ObjectKind::Token: return "token";
    case ObjectKind::Other: return f.what;
    }
    return {};
}

} // namespace bpfsc::model
