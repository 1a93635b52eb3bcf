// The batch commands (5.6): many elements of one map per call. `count` is
// in/out: the elements offered, then the elements done, so a failure says
// how far the batch got. A lookup walk ends with ENOENT after its last
// elements, which is no failure.
#include <cerrno>

#include <fmt/format.h>

#include "../uapi/bpf_attr.h"
#include "context.h"

namespace bpfsc::notes::detail {

namespace {

using namespace uapi;

std::string counted(uint64_t offered, uint64_t done) {
    return offered == done ? fmt::format("count {}", offered) : fmt::format("count {} => {}", offered, done);
}

bool lookup(Ctx& c, const std::string& name, uint64_t offered, uint64_t done) {
    const std::string_view verb = c.call.cmd == BPF_MAP_LOOKUP_BATCH ? "read" : "read and removed";
    if (c.ok()) {
        c.say(fmt::format("{} {} elements of {} from {} ({}); out_batch says where the next batch starts", verb, done,
                          name, c.in(attr::map_batch::in_batch) == 0 ? "the start" : "where the last batch ended",
                          counted(offered, done)));
        return true;
    }
    switch (c.err()) {
    case ENOENT:
        if (done == 0) c.say(fmt::format("no elements left in {}: the walk is complete (ENOENT is the end of the map, "
                                         "not a failure)", name));
        else c.say(fmt::format("{} the last {} elements of {} ({}): the walk is complete (ENOENT is the end of the "
                               "map, not a failure)", verb, done, name, counted(offered, done)));
        return true;
    case ENOSPC:
        c.say(fmt::format("count={} is too small for one bucket of {}: retry with a larger count", offered, name));
        return true;
    default: return false;
    }
}

bool change(Ctx& c, const std::string& name, uint64_t offered, uint64_t done) {
    const bool update = c.call.cmd == BPF_MAP_UPDATE_BATCH;
    const std::string_view verb = update ? "stored" : "removed";
    const std::string_view where = update ? "in" : "from";
    if (c.ok()) {
        c.say(fmt::format("{} {} elements {} {} ({})", verb, done, where, name, counted(offered, done)));
        return true;
    }
    // How far it got, when the kernel wrote count back; the error's meaning follows.
    const decoder::FieldValue* count = c.member(attr::map_batch::count);
    if (count == nullptr || !count->changed()) return false;
    if (!update && c.err() == ENOENT) {
        c.say(fmt::format("removed {} of {} elements from {}, then keys[{}] was not in it (ENOENT)", done, offered,
                          name, done));
        return true;
    }
    if (update && c.err() == E2BIG) {
        c.say(fmt::format("stored {} of {} elements in {}, then it was full: no room for keys[{}] (E2BIG)", done,
                          offered, name, done));
        return true;
    }
    c.say(fmt::format("{} {} of {} elements {} {}; keys[{}] failed", verb, done, offered, where, name, done));
    return false;
}

} // namespace

bool map_batch(Ctx& c) {
    const std::string name = c.name_fd(c.fd(attr::map_batch::map_fd));
    const uint64_t offered = c.in(attr::map_batch::count);
    const uint64_t done = c.after(attr::map_batch::count);
    if (c.call.cmd == BPF_MAP_LOOKUP_BATCH || c.call.cmd == BPF_MAP_LOOKUP_AND_DELETE_BATCH)
        return lookup(c, name, offered, done);
    return change(c, name, offered, done);
}

} // namespace bpfsc::notes::detail
