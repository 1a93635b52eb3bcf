// One element at a time: BPF_MAP_LOOKUP_ELEM, _UPDATE_ELEM, _DELETE_ELEM,
// _LOOKUP_AND_DELETE_ELEM, the key walk BPF_MAP_GET_NEXT_KEY (which ends
// with ENOENT: no failure) and BPF_MAP_FREEZE. What an error means depends
// on the map: arrays have every index, queues and stacks have no keys, and a
// frozen or read-only map refuses writes from user space.
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "../resolver.h"
#include "../uapi/bpf_attr.h"
#include "context.h"

namespace bpfsc::notes::detail {

namespace {

using namespace uapi;

constexpr uint64_t kNoExist = 1, kExist = 2, kLock = 4;
constexpr uint32_t kMapRdonly = 1u << 3, kMapWronly = 1u << 4;

struct Elem {
    Ctx& c;
    const model::ObjectFacts* map;  // nullptr: the model does not know the map
    std::string name;               // "map#15:hash:config"

    uint32_t type() const { return map != nullptr ? map->type : 0; }
    bool array() const { return type() == 2 || type() == 6; }    // every index in 0..max_entries-1 exists
    bool queue() const { return type() == 22 || type() == 23; }  // queue, stack: values without keys
    std::string max() const {
        return map != nullptr && map->max_entries != 0 ? fmt::format(" (max_entries={})", map->max_entries) : "";
    }
};

// EPERM of a privileged caller: the map or this fd refuses reads or writes.
bool refused(Elem& e, bool write) {
    if (e.c.env.tracee_privileged == false) return false;  // the capability message says more
    const uint32_t flags = e.map != nullptr ? e.map->map_flags : 0;
    const auto o = e.c.object(e.c.fd(attr::map_elem::map_fd));
    if (write && o != nullptr && o->frozen)
        e.c.say(fmt::format("{} is frozen (BPF_MAP_FREEZE): user space can no longer change it", e.name));
    else if (write && (flags & kMapRdonly))
        e.c.say(fmt::format("{} was created with BPF_F_RDONLY: user space can only read it", e.name));
    else if (!write && (flags & kMapWronly))
        e.c.say(fmt::format("{} was created with BPF_F_WRONLY: user space can only write it", e.name));
    else if (write)
        e.c.say(fmt::format("{} may not be changed through this fd: the map is frozen, or it or this fd is "
                            "read-only (BPF_F_RDONLY)", e.name));
    else
        e.c.say(fmt::format("{} may not be read through this fd: the map or this fd is write-only (BPF_F_WRONLY)",
                            e.name));
    return true;
}

// What the values of a map of fds must be the fds of ("" for other maps).
std::string_view value_fd_kind(uint32_t map_type) {
    switch (map_type) {
    case 3: return "a program";                       // PROG_ARRAY
    case 4: return "a perf event";                    // PERF_EVENT_ARRAY
    case 8: return "a cgroup (its directory, opened)"; // CGROUP_ARRAY
    case 12: case 13: return "a map";                 // ARRAY_OF_MAPS, HASH_OF_MAPS
    case 15: case 18: case 20: return "a socket";     // SOCKMAP, SOCKHASH, REUSEPORT_SOCKARRAY
    case 17: return "an AF_XDP socket";               // XSKMAP
    default: return "";
    }
}

// EBADF of an update of a map of fds: the value's fd, not an attr member.
bool bad_value_fd(Elem& e) {
    Ctx& c = e.c;
    const std::string_view want = value_fd_kind(e.type());
    if (want.empty()) return false;
    const decoder::FieldValue* v = c.member(attr::map_elem::value);
    int32_t fd = -1;
    if (v != nullptr && v->data.bytes.size() >= sizeof fd) std::memcpy(&fd, v->data.bytes.data(), sizeof fd);
    const auto o = fd >= 0 ? c.object(fd) : nullptr;
    if (fd < 0)
        c.say(fmt::format("the value must be the fd of {} for {}: it is not open in this process, or not one", want,
                          e.name));
    else if (o == nullptr)
        c.say(fmt::format("the value, fd {}, is not open in this process: {} holds the fds of {}", fd, e.name, want));
    else
        c.say(fmt::format("the value, {}, is not {}: {} holds only those", c.name_fd(fd), want, e.name));
    return true;
}

bool lookup(Elem& e) {
    Ctx& c = e.c;
    if (c.ok()) {
        const bool percpu = decoder::is_percpu_map_type(e.type());
        const bool locked = c.in(attr::map_elem::flags) & kLock;
        if (e.queue()) c.say(fmt::format("peeked at the next value of {} without removing it", e.name));
        else c.say(fmt::format("read the value stored under this key in {}{}{}", e.name,
                               percpu ? " (one value per possible CPU)" : "",
                               locked ? " with its spin lock held (BPF_F_LOCK)" : ""));
        return true;
    }
    switch (c.err()) {
    case ENOENT:
        if (e.queue()) c.say(fmt::format("{} is empty: there is nothing to peek at", e.name));
        else if (e.array()) c.say(fmt::format("the index is not below max_entries of {}{}", e.name, e.max()));
        else c.say(fmt::format("no element with this key in {}", e.name));
        return true;
    case EPERM: return refused(e, false);
    case EINVAL:
        if (!(c.in(attr::map_elem::flags) & kLock)) return false;
        c.say(fmt::format("BPF_F_LOCK needs a map whose value holds a struct bpf_spin_lock; {} has none", e.name));
        return true;
    default: return false;
    }
}

bool update(Elem& e) {
    Ctx& c = e.c;
    const uint64_t how = c.in(attr::map_elem::flags) & ~kLock;
    if (c.ok()) {
        if (e.queue())
            c.say(fmt::format("pushed a value onto {}", e.name));
        else if (how == kNoExist)
            c.say(fmt::format("added a new element to {} (BPF_NOEXIST: the key was not there)", e.name));
        else if (how == kExist)
            c.say(fmt::format("replaced the value of an existing element of {} (BPF_EXIST)", e.name));
        else
            c.say(fmt::format("stored the value under this key in {} (added or replaced: BPF_ANY)", e.name));
        return true;
    }
    switch (c.err()) {
    case EEXIST:
        if (how != kNoExist) return false;
        if (e.array()) c.say(fmt::format("every index of an array map always exists, so BPF_NOEXIST always fails on {}",
                                         e.name));
        else c.say(fmt::format("the key is already in {} and BPF_NOEXIST forbids replacing it", e.name));
        return true;
    case ENOENT:
        if (how != kExist) return false;
        c.say(fmt::format("the key is not in {} and BPF_EXIST only replaces existing elements", e.name));
        return true;
    case E2BIG:
        if (e.array()) c.say(fmt::format("the index is not below max_entries of {}{}", e.name, e.max()));
        else if (e.queue()) c.say(fmt::format("{} is full{}: BPF_EXIST would push out the oldest", e.name, e.max()));
        else c.say(fmt::format("{} is full{}: there is no room for a new key", e.name, e.max()));
        return true;
    case EPERM: return refused(e, true);
    case EBADF:
        // A bad map_fd is the common explanation's; a map that knows its
        // type was opened, so the fd at fault is the value's.
        return e.map != nullptr && bad_value_fd(e);
    case EINVAL:
        if (how > (kNoExist | kExist))
            c.say(fmt::format("bits {:#x} of flags are no update flag (BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK): "
                              "the kernel refuses them",
                              how & ~uint64_t(kNoExist | kExist)));
        else if (how == (kNoExist | kExist))
            c.say("BPF_NOEXIST and BPF_EXIST exclude each other; only one of BPF_ANY, BPF_NOEXIST, "
                  "BPF_EXIST may be given");
        else if (c.in(attr::map_elem::flags) & kLock)
            c.say(fmt::format("BPF_F_LOCK needs a map whose value holds a struct bpf_spin_lock; {} has none", e.name));
        else return false;
        return true;
    default: return false;
    }
}

bool erase(Elem& e, bool read) {
    Ctx& c = e.c;
    if (c.ok()) {
        if (read && e.queue()) c.say(fmt::format("popped the next value off {}", e.name));
        else c.say(fmt::format("{} the element with this key from {}", read ? "read and removed" : "removed", e.name));
        return true;
    }
    switch (c.err()) {
    case ENOENT:
        if (e.queue()) c.say(fmt::format("{} is empty: there is nothing to pop", e.name));
        else c.say(fmt::format("no element with this key in {} (nothing was deleted)", e.name));
        return true;
    case EINVAL:
        if (!e.array()) return false;
        c.say(fmt::format("elements of an array map cannot be deleted: every index of {} always exists", e.name));
        return true;
    case EPERM: return refused(e, true);
    default: return false;
    }
}

bool next_key(Elem& e) {
    Ctx& c = e.c;
    const bool first = c.in(attr::map_elem::key) == 0;
    if (c.ok()) {
        if (first) c.say(fmt::format("asked for the first key of {}: it is now in next_key (a walk over its elements "
                                     "begins)", e.name));
        else c.say(fmt::format("the key after the given one in {} is now in next_key", e.name));
        return true;
    }
    switch (c.err()) {
    case ENOENT:
        if (first) c.say(fmt::format("asked for the first key of {}: the map is empty (ENOENT)", e.name));
        else c.say(fmt::format("no key after this one: the walk over the elements of {} is complete (ENOENT is the "
                               "end of the map, not a failure)", e.name));
        return true;
    case EPERM: return refused(e, false);
    default: return false;
    }
}

bool freeze(Elem& e) {
    Ctx& c = e.c;
    if (c.ok()) {
        c.say(fmt::format("froze {}: user space can no longer change it (its programs still can)", e.name));
        return true;
    }
    switch (c.err()) {
    case EBUSY:
        c.say(fmt::format("{} is already frozen, or a writable mmap() of it exists", e.name));
        return true;
    case EPERM:
        if (!c.env.tracee_privileged) return false;
        c.say(fmt::format("freezing {} needs an fd that may write it; this one is read-only", e.name));
        return true;
    default: return false;
    }
}

} // namespace

bool map_elem(Ctx& c) {
    const int fd = c.fd(attr::map_elem::map_fd);
    Elem e{c, c.map_of(fd), c.name_fd(fd)};
    switch (c.call.cmd) {
    case BPF_MAP_LOOKUP_ELEM: return lookup(e);
    case BPF_MAP_UPDATE_ELEM: return update(e);
    case BPF_MAP_DELETE_ELEM: return erase(e, false);
    case BPF_MAP_LOOKUP_AND_DELETE_ELEM: return erase(e, true);
    case BPF_MAP_GET_NEXT_KEY: return next_key(e);
    default: return freeze(e);
    }
}

} // namespace bpfsc::notes::detail
