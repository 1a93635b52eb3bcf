// Internal to the commentary: what each family's explainer sees of one call
// (the call, the process, the fd model, the environment and the output),
// small helpers to read typed members and to name objects, and the
// explainers, one per command family (one .cpp each).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "notes.h"

namespace bpfsc::notes::detail {

namespace attr = decoder::attr;

struct Ctx {
    const decoder::DecodedCall& call;
    pid_t pid;
    model::FdModel& model;
    const Environment& env;
    std::vector<std::string>& out;

    bool ok() const { return call.ret >= 0; }
    int err() const { return call.ret < 0 ? int(-call.ret) : 0; }
    std::string_view command() const;
    void say(std::string line) const { out.push_back(std::move(line)); }

    // Member m (decoder/attr_member.h), nullptr if the call's table does not show it.
    const decoder::FieldValue* member(const decoder::AttrMember& m) const { return call.member(m); }
    // Its value at entry; after the call (what the kernel wrote, else the entry value); 0 if absent.
    uint64_t in(const decoder::AttrMember& m) const;
    uint64_t after(const decoder::AttrMember& m) const;
    // An fd member as a signed number, -1 if absent.
    int fd(const decoder::AttrMember& m) const;
    // An inline char[] member ("config"), "" if absent.
    std::string chars(const decoder::AttrMember& m) const;
    // The string a pointer member points to, or its address when it was not read.
    std::string text(const decoder::AttrMember& m) const;
    // The same in double quotes when it was read ("GPL"), else the address or NULL.
    std::string quoted(const decoder::AttrMember& m) const;

    // The object behind an fd of this process, nullptr if it is not open.
    std::shared_ptr<model::Object> object(int fd) const;
    // The facts of the map behind fd, nullptr if it is no map the model knows.
    const model::ObjectFacts* map_of(int fd) const;
    // "map#15:hash:config" for a BPF object, "fd 5 (socket)" for another file, "fd 9" when unknown.
    std::string name_fd(int fd) const;
    // "fd 4 now refers to map#15:hash:config" ("... to it" when the model does not know).
    std::string now_refers(int fd) const;
    // The label of an fd the call returned, or one built from what the call asked for.
    std::string created(int fd, model::ObjectKind kind, uint32_t type, std::string_view name, uint32_t id = 0) const;
};

// "map", "program", "BTF object", "link", "token".
std::string_view kind_word(model::ObjectKind kind);

// The meaning of a failed call whatever the command; adds at most `room` lines.
void explain_error(Ctx& c, std::size_t room);
// What in the attr EINVAL points at (non-zero bytes past the layout, an fd of
// the wrong kind, an unknown type or flag), "" if nothing stands out.
std::string einval_hint(const Ctx& c);

// The families: each returns true when it explained the call's result
// (success or error) itself; false leaves the error to explain_error.
bool ids(Ctx& c);         // *_GET_NEXT_ID, *_GET_FD_BY_ID, BPF_OBJ_GET_INFO_BY_FD
bool map_elem(Ctx& c);    // element commands, BPF_MAP_GET_NEXT_KEY, BPF_MAP_FREEZE
bool map_batch(Ctx& c);   // the four batch commands
bool loads(Ctx& c);       // BPF_MAP_CREATE, BPF_PROG_LOAD, BPF_BTF_LOAD
bool pins(Ctx& c);        // BPF_OBJ_PIN, BPF_OBJ_GET, BPF_TOKEN_CREATE
bool links(Ctx& c);       // BPF_LINK_*, BPF_RAW_TRACEPOINT_OPEN, BPF_ITER_CREATE
bool prog_ops(Ctx& c);    // attach/detach/query, test run, task fd query, bind map, stream read, stats

} // namespace bpfsc::notes::detail
