// The model's side of each completed call (see call_effects.h).
#include "call_effects.h"

#include <algorithm>

#include "../attr_member.h"
#include "../uapi/bpf_attr.h"

namespace bpfsc::model {

namespace attr = decoder::attr;

bool creates_object(uint32_t cmd) {
    switch (cmd) {
    case uapi::BPF_MAP_CREATE:
    case uapi::BPF_PROG_LOAD:
    case uapi::BPF_BTF_LOAD:
    case uapi::BPF_LINK_CREATE:
    case uapi::BPF_RAW_TRACEPOINT_OPEN:
    case uapi::BPF_ITER_CREATE:
    case uapi::BPF_TOKEN_CREATE: return true;
    default: return false;
    }
}

namespace {

// The fd a member holds, -1 when the call's table does not show it.
int fd_in(const decoder::DecodedCall& call, const decoder::AttrMember& m) {
    const decoder::FieldValue* v = call.member(m);
    return v != nullptr ? int(int32_t(v->entry)) : -1;
}

// A pin's path as the call read it: whole, since paths are read up to
// PATH_MAX whatever -s says; "" when it could not be read.
std::string pin_path(const decoder::DecodedCall& call) {
    const decoder::FieldValue* v = call.member(attr::obj::pathname);
    if (v == nullptr || v->data.state != decoder::DataState::Ok) return {};
    return std::string(v->data.bytes.data(), v->data.bytes.size());
}

} // namespace

void apply_bpf_call(FdModel& model, pid_t pid, uint64_t seq, decoder::DecodedCall& call) {
    if (call.command == nullptr || call.ret < 0) return;
    if (call.command->returns == decoder::Returns::Fd) {
        // bpf() makes every fd it returns close-on-exec.
        CallRef by{seq, pid, std::string(call.command->name), creates_object(call.cmd)};
        if (const FdRecord* r = model.opened(pid, int(call.ret), true, by); r != nullptr) {
            const std::string& label = r->object->cached_label();
            call.ret_label.assign(label.data(), label.size());
        }
    }
    switch (call.cmd) {
    case uapi::BPF_OBJ_PIN:
        if (auto object = model.object_of(pid, fd_in(call, attr::obj::bpf_fd))) {
            std::string where = pin_path(call);
            object->pinned_at.push_back(where.empty() ? std::string("a path") : std::move(where));
        }
        break;
    case uapi::BPF_OBJ_GET:
        // Opened from a pin: the object is pinned there (perhaps by someone else).
        if (auto object = model.object_of(pid, int(call.ret))) {
            std::string where = pin_path(call);
            if (!where.empty() &&
                std::find(object->pinned_at.begin(), object->pinned_at.end(), where) == object->pinned_at.end())
                object->pinned_at.push_back(std::move(where));
        }
        break;
    case uapi::BPF_MAP_FREEZE:
        if (auto object = model.object_of(pid, fd_in(call, attr::map_elem::map_fd))) object->frozen = true;
        break;
    case uapi::BPF_PROG_ATTACH:
    case uapi::BPF_PROG_DETACH:
        if (auto object = model.object_of(pid, fd_in(call, attr::prog_attach::attach_bpf_fd)))
            object->attached = call.cmd == uapi::BPF_PROG_ATTACH;
        break;
    case uapi::BPF_LINK_CREATE:
    case uapi::BPF_RAW_TRACEPOINT_OPEN: {
        const int prog_fd = fd_in(call, call.cmd == uapi::BPF_LINK_CREATE ? attr::link_create::prog_fd
                                                                          : attr::raw_tracepoint::prog_fd);
        auto link = model.object_of(pid, int(call.ret));
        auto prog = model.object_of(pid, prog_fd);
        if (link && prog && link->facts.id != 0) prog->held_by_links.push_back(link->facts.id);
        break;
    }
    default: break;
    }
}

FdOutcome apply_fd_operation(FdModel& model, pid_t pid, const FdOperation& op, const CallRef& by) {
    using K = FdOperation::Kind;
    FdOutcome out;
    switch (op.kind) {
    case K::Close:
        if (const FdRecord* r = model.find(pid, op.fd)) out.released.push_back(r->object);
        model.closed(pid, op.fd, by);
        break;
    case K::Duplicate:
        out.new_fd = op.new_fd;
        model.duplicated(pid, op.fd, op.new_fd, op.cloexec, by);
        break;
    case K::DuplicateOnto:
        out.new_fd = op.new_fd;
        if (op.new_fd == op.fd) break;  // dup2(fd, fd) changes nothing
        if (model.find(pid, op.fd) != nullptr) model.duplicated(pid, op.fd, op.new_fd, op.cloexec, by);
        else model.closed(pid, op.new_fd, by);
        break;
    case K::SetCloexec: model.set_cloexec(pid, op.fd, op.cloexec); break;
    case K::CloseRange:
        for (const FdRecord* r : model.open_in_range(pid, unsigned(op.fd), op.last)) {
            out.released.push_back(r->object);
            model.closed(pid, r->fd, by);
        }
        break;
    case K::CloexecRange:
        for (const FdRecord* r : model.open_in_range(pid, unsigned(op.fd), op.last)) model.set_cloexec(pid, r->fd, true);
        break;
    case K::PerfEventOpened:
        out.new_fd = op.new_fd;
        model.opened(pid, op.new_fd, op.cloexec, by);
        if (const auto event = model.object_of(pid, op.new_fd); event != nullptr) {
            event->facts.what = op.what;
            event->facts_changed();
        }
        break;
    case K::ProgOnEvent: {
        const auto event = model.object_of(pid, op.fd);
        const auto prog = model.object_of(pid, op.prog_fd);
        if (prog != nullptr && event != nullptr && prog->facts.kind == ObjectKind::Prog)
            prog->perf_events.push_back(event);
        break;
    }
    }
    return out;
}

} // namespace bpfsc::model
