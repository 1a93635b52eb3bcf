// The entry point of the commentary (see notes.h): picks the family that
// knows the command, and explains what is left of a failure generically.
#include "notes.h"

#include <fmt/format.h>

#include "../uapi/bpf_attr.h"
#include "context.h"

namespace bpfsc::notes {

namespace {

using namespace uapi;

bool family(detail::Ctx& c) {
    switch (c.call.cmd) {
    case BPF_PROG_GET_NEXT_ID: case BPF_MAP_GET_NEXT_ID: case BPF_BTF_GET_NEXT_ID: case BPF_LINK_GET_NEXT_ID:
    case BPF_PROG_GET_FD_BY_ID: case BPF_MAP_GET_FD_BY_ID: case BPF_BTF_GET_FD_BY_ID: case BPF_LINK_GET_FD_BY_ID:
    case BPF_OBJ_GET_INFO_BY_FD:
        return detail::ids(c);
    case BPF_MAP_LOOKUP_ELEM: case BPF_MAP_UPDATE_ELEM: case BPF_MAP_DELETE_ELEM: case BPF_MAP_GET_NEXT_KEY:
    case BPF_MAP_LOOKUP_AND_DELETE_ELEM: case BPF_MAP_FREEZE:
        return detail::map_elem(c);
    case BPF_MAP_LOOKUP_BATCH: case BPF_MAP_LOOKUP_AND_DELETE_BATCH: case BPF_MAP_UPDATE_BATCH:
    case BPF_MAP_DELETE_BATCH:
        return detail::map_batch(c);
    case BPF_MAP_CREATE: case BPF_PROG_LOAD: case BPF_BTF_LOAD:
        return detail::loads(c);
    case BPF_OBJ_PIN: case BPF_OBJ_GET: case BPF_TOKEN_CREATE:
        return detail::pins(c);
    case BPF_LINK_CREATE: case BPF_LINK_UPDATE: case BPF_LINK_DETACH: case BPF_RAW_TRACEPOINT_OPEN:
    case BPF_ITER_CREATE:
        return detail::links(c);
    default:
        return detail::prog_ops(c);
    }
}

} // namespace

void explain_bpf(const decoder::DecodedCall& call, pid_t pid, model::FdModel& model, const Environment& env,
                 std::vector<std::string>& out) {
    if (!call.exited) return;
    detail::Ctx c{call, pid, model, env, out};
    const std::size_t start = out.size();
    if (call.command == nullptr) {
        c.say(fmt::format("command {} is not a bpf() command of Linux 6.18 or older{}", call.cmd,
                          c.err() == EINVAL ? ": this kernel does not know it either (EINVAL)" : ""));
        return;
    }
    // An attr that could not be read whole leaves nothing for a family to explain.
    const bool whole = call.attr_state == decoder::AttrState::Ok;
    if ((whole && family(c)) || c.ok()) return;
    const std::size_t used = out.size() - start;
    detail::explain_error(c, used < 2 ? 2 - used : 0);
}

} // namespace bpfsc::notes
