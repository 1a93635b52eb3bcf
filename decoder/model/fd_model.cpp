// The fd model (see fd_model.h).
#include "fd_model.h"

#include <algorithm>

namespace bpfsc::model {

FdModel::Process& FdModel::process(pid_t pid) { return processes_[pid]; }

std::shared_ptr<Object> FdModel::intern(const ObjectFacts& facts, const CallRef& by) {
    // One Object per kernel object: BPF objects are known by kind and id.
    if (facts.kind != ObjectKind::Other && facts.id != 0) {
        for (const auto& o : objects_) {
            if (o->facts.kind == facts.kind && o->facts.id == facts.id) {
                if (o->facts.name.empty() && !facts.name.empty()) {  // learn more, never less
                    o->facts = facts;
                    o->facts_changed();
                }
                return o;
            }
        }
    }
    auto o = std::make_shared<Object>();
    o->facts = facts;
    o->created = by;
    if (facts.kind != ObjectKind::Other) objects_.push_back(o);
    return o;
}

const FdRecord* FdModel::lookup(pid_t pid, int fd) {
    Process& p = process(pid);
    const auto it = p.open.find(fd);
    if (it != p.open.end()) return &p.history[it->second];
    if (fd < 0) return nullptr;
    const std::optional<ObjectFacts> facts = inspector_.inspect(pid, fd);
    if (!facts) return nullptr;
    FdRecord r;
    r.fd = fd;
    r.object = intern(*facts, CallRef{});
    r.cloexec = false;  // unknown; what matters is that it is open now
    p.history.push_back(std::move(r));
    p.open[fd] = p.history.size() - 1;
    return &p.history.back();
}

const FdRecord* FdModel::find(pid_t pid, int fd) const {
    const auto p = processes_.find(pid);
    if (p == processes_.end()) return nullptr;
    const auto it = p->second.open.find(fd);
    return it != p->second.open.end() ? &p->second.history[it->second] : nullptr;
}

std::vector<int> FdModel::open_fds_of(pid_t pid, const Object& object) const {
    std::vector<int> out;
    const auto p = processes_.find(pid);
    if (p == processes_.end()) return out;
    for (const auto& [fd, index] : p->second.open)
        if (p->second.history[index].object.get() == &object) out.push_back(fd);
    return out;
}

std::vector<const FdRecord*> FdModel::open_in_range(pid_t pid, unsigned lo, unsigned hi) const {
    std::vector<const FdRecord*> out;
    const auto p = processes_.find(pid);
    if (p == processes_.end()) return out;
    for (auto it = p->second.open.lower_bound(int(std::min<unsigned>(lo, 0x7fffffff)));
         it != p->second.open.end() && unsigned(it->first) <= hi; ++it)
        out.push_back(&p->second.history[it->second]);
    return out;
}

std::string FdModel::label(pid_t pid, int fd) {
    const FdRecord* r = lookup(pid, fd);
    return r != nullptr ? r->object->label() : std::string();
}

const FdRecord* FdModel::opened(pid_t pid, int fd, bool cloexec, const CallRef& by) {
    Process& p = process(pid);
    if (p.open.count(fd)) closed(pid, fd, by);  // replaced unseen: the old one is gone
    const std::optional<ObjectFacts> facts = inspector_.inspect(pid, fd);
    FdRecord r;
    r.fd = fd;
    ObjectFacts f = facts.value_or(ObjectFacts{});
    if (!facts) f.what = "fd";
    r.object = intern(f, by);
    r.cloexec = cloexec;
    r.opened = by;
    p.history.push_back(std::move(r));
    p.open[fd] = p.history.size() - 1;
    return &p.history.back();
}

void FdModel::closed(pid_t pid, int fd, const CallRef& by) {
    Process& p = process(pid);
    const auto it = p.open.find(fd);
    if (it == p.open.end()) return;
    p.history[it->second].closed = by;
    p.open.erase(it);
}

void FdModel::duplicated(pid_t pid, int oldfd, int newfd, bool cloexec, const CallRef& by) {
    if (oldfd == newfd) return;  // dup2(fd, fd) changes nothing
    const FdRecord* old = lookup(pid, oldfd);
    if (old == nullptr) return;
    std::shared_ptr<Object> object = old->object;
    Process& p = process(pid);
    if (p.open.count(newfd)) closed(pid, newfd, by);
    FdRecord r;
    r.fd = newfd;
    r.object = std::move(object);
    r.cloexec = cloexec;
    r.opened = by;
    p.history.push_back(std::move(r));
    p.open[newfd] = p.history.size() - 1;
}

void FdModel::set_cloexec(pid_t pid, int fd, bool cloexec) {
    Process& p = process(pid);
    const auto it = p.open.find(fd);
    if (it != p.open.end()) p.history[it->second].cloexec = cloexec;
}

void FdModel::forked(pid_t parent, pid_t child, const CallRef& by) {
    Process& from = process(parent);
    Process& to = process(child);
    // The child may have been seen (and some of its fds learnt from the
    // kernel) before its parent's fork event: those records stay.
    for (const auto& [fd, index] : from.open) {
        if (to.open.count(fd)) continue;
        FdRecord r = from.history[index];
        r.opened = by;  // the child's copy was born with the child
        r.closed.reset();
        to.history.push_back(std::move(r));
        to.open[fd] = to.history.size() - 1;
    }
}

void FdModel::execed(pid_t pid, const CallRef& by) {
    Process& p = process(pid);
    for (auto it = p.open.begin(); it != p.open.end();) {
        if (p.history[it->second].cloexec) {
            p.history[it->second].closed = by;
            it = p.open.erase(it);
        } else {
            ++it;
        }
    }
}

void FdModel::exited(pid_t pid, const CallRef& by) {
    Process& p = process(pid);
    for (const auto& [fd, index] : p.open) p.history[index].closed = by;
    p.open.clear();
}

std::shared_ptr<Object> FdModel::object_of(pid_t pid, int fd) {
    const FdRecord* r = lookup(pid, fd);
    return r != nullptr ? r->object : nullptr;
}

std::shared_ptr<Object> FdModel::object_by_id(ObjectKind kind, uint32_t id) const {
    for (const auto& o : objects_)
        if (o->facts.kind == kind && o->facts.id == id) return o;
    return nullptr;
}

const std::vector<FdRecord>& FdModel::history(pid_t pid) const {
    static const std::vector<FdRecord> none;
    const auto it = processes_.find(pid);
    return it != processes_.end() ? it->second.history : none;
}

std::vector<pid_t> FdModel::processes() const {
    std::vector<pid_t> out;
    for (const auto& [pid, p] : processes_) out.push_back(pid);
    return out;
}

} // namespace bpfsc::model
