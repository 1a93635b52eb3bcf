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

LabelParts parse_label(std::string_view label) {
    LabelParts p;
    const auto head = [&](std::string_view kind) {
        if (!label.starts_with(kind)) return false;
        const std::string_view rest = label.substr(kind.size());
        return rest.empty() || rest[0] == '#' || rest[0] == ':';
    };
    for (const std::string_view kind : {"map", "prog", "link", "btf", "token"}) {
        if (!head(kind)) continue;
        p.kind = kind;
        std::string_view rest = label.substr(kind.size());
        if (rest.starts_with('#')) {
            rest.remove_prefix(1);
            std::size_t digits = 0;
            uint64_t id = 0;
            while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9' && id <= UINT32_MAX)
                id = id * 10 + uint64_t(rest[digits++] - '0');
            p.id = id <= UINT32_MAX ? uint32_t(id) : 0;
            rest.remove_prefix(digits);
        }
        if (rest.starts_with(':')) {
            rest.remove_prefix(1);
            const std::size_t colon = rest.find(':');
            p.type = rest.substr(0, colon);
            if (colon != std::string_view::npos) p.name = rest.substr(colon + 1);
        }
        return p;
    }
    for (const std::string_view kind : {"perf_event", "cgroup"}) {
        if (!label.starts_with(kind) || (label.size() > kind.size() && label[kind.size()] != ':')) continue;
        p.kind = kind;
        if (label.size() > kind.size()) p.name = label.substr(kind.size() + 1);
        return p;
    }
    p.kind = "file";
    p.name = label;
    return p;
}

} // namespace bpfsc::model
