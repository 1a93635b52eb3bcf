// Reading a decoded call's typed members, and naming objects (see context.h).
#include "context.h"

#include <fmt/format.h>

namespace bpfsc::notes::detail {

using decoder::DataState;
using decoder::FieldValue;
using model::ObjectKind;

std::string_view Ctx::command() const { return call.command != nullptr ? call.command->name : "bpf()"; }

uint64_t Ctx::in(const decoder::AttrMember& m) const {
    const FieldValue* v = member(m);
    return v != nullptr ? v->entry : 0;
}

uint64_t Ctx::after(const decoder::AttrMember& m) const {
    const FieldValue* v = member(m);
    if (v == nullptr) return 0;
    return v->has_exit ? v->exit : v->entry;
}

int Ctx::fd(const decoder::AttrMember& m) const {
    const FieldValue* v = member(m);
    return v != nullptr ? int(decoder::signed_value(v->entry, v->field->width)) : -1;
}

std::string Ctx::chars(const decoder::AttrMember& m) const {
    const FieldValue* v = member(m);
    return v != nullptr ? std::string(decoder::char_array(call, *v->field)) : std::string();
}

std::string Ctx::text(const decoder::AttrMember& m) const {
    const FieldValue* v = member(m);
    if (v == nullptr) return {};
    const decoder::Data& d = v->data;
    if (d.state == DataState::Null) return "NULL";
    if (d.state != DataState::Ok && d.state != DataState::Truncated) return fmt::format("{:#x}", v->entry);
    std::string s(d.bytes.data(), d.bytes.size());
    for (char& ch : s)
        if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7f) ch = '?';
    if (d.state == DataState::Truncated) s += "...";
    return s;
}

std::string Ctx::quoted(const decoder::AttrMember& m) const {
    const FieldValue* v = member(m);
    const bool read = v != nullptr && (v->data.state == DataState::Ok || v->data.state == DataState::Truncated);
    return read ? "\"" + text(m) + "\"" : text(m);
}

std::shared_ptr<model::Object> Ctx::object(int fd) const {
    return fd >= 0 ? model.object_of(pid, fd) : nullptr;
}

const model::ObjectFacts* Ctx::map_of(int fd) const {
    const std::shared_ptr<model::Object> o = object(fd);
    return o != nullptr && o->facts.kind == ObjectKind::Map ? &o->facts : nullptr;
}

std::string Ctx::name_fd(int fd) const {
    const std::shared_ptr<model::Object> o = object(fd);
    if (o == nullptr) return fmt::format("fd {}", fd);
    if (o->facts.kind != ObjectKind::Other) return o->label();
    const std::string& what = o->facts.what;
    if (what.empty() || what == "fd") return fmt::format("fd {}", fd);
    return fmt::format("fd {} ({})", fd, what);
}

std::string Ctx::now_refers(int fd) const {
    const std::string name = name_fd(fd);
    if (name.starts_with("fd ")) return fmt::format("fd {} now refers to it", fd);
    return fmt::format("fd {} now refers to {}", fd, name);
}

std::string Ctx::created(int fd, ObjectKind kind, uint32_t type, std::string_view name, uint32_t id) const {
    const std::shared_ptr<model::Object> o = object(fd);
    if (o != nullptr && o->facts.kind == kind) return o->label();
    // The model does not know it: what the call asked for.
    model::Object guess;
    guess.facts.kind = kind;
    guess.facts.type = type;
    guess.facts.name = std::string(name);
    guess.facts.id = id;
    if (type != 0 || !name.empty()) return guess.label();  // "map:hash:config"
    if (id == 0) return fmt::format("a new {}", kind_word(kind));
    const std::string label = guess.label();               // "map#15", "link#4", "btf#97"
    return label.substr(0, label.find(':'));
}

std::string_view kind_word(ObjectKind kind) {
    switch (kind) {
    case ObjectKind::Map: return "map";
    case ObjectKind::Prog: return "program";
    case ObjectKind::Btf: return "BTF object";
    case ObjectKind::Link: return "link";
    case ObjectKind::Token: return "token";
    case ObjectKind::Other: break;
    }
    return "object";
}

} // namespace bpfsc::notes::detail
