// Creating objects from a description: BPF_MAP_CREATE, BPF_PROG_LOAD (the
// verifier's verdict, and where its log went) and BPF_BTF_LOAD. A success
// names the new object and the fd that now holds a reference to it.
#include <cerrno>

#include <fmt/format.h>

#include "../uapi/bpf_attr.h"
#include "context.h"

namespace bpfsc::notes::detail {

namespace {

using model::ObjectKind;
using namespace uapi;

bool array_like(uint64_t t) { return t == 2 || t == 3 || t == 4 || t == 6 || t == 8 || t == 12; }
bool keyless(uint64_t t) { return t == 22 || t == 23; }            // queue, stack
bool ring(uint64_t t) { return t == 27 || t == 31; }               // ringbuf, user_ringbuf

bool map_create(Ctx& c) {
    namespace a = attr::map_create;
    const uint64_t type = c.in(a::map_type), key = c.in(a::key_size), value = c.in(a::value_size);
    const uint64_t max = c.in(a::max_entries);
    if (c.ok()) {
        const int fd = int(c.call.ret);
        const std::string label = c.created(fd, ObjectKind::Map, uint32_t(type), c.chars(a::map_name));
        const std::string shape = ring(type)      ? fmt::format("a {}-byte ring buffer", max)
                                  : keyless(type) ? fmt::format("{}-byte values, up to {} of them", value, max)
                                                  : fmt::format("{}-byte keys, {}-byte values, up to {} {}", key,
                                                                value, max, max == 1 ? "entry" : "entries");
        c.say(fmt::format("created {} ({}): fd {} holds a reference to it", label, shape, fd));
        return true;
    }
    if (c.err() == E2BIG && c.call.tail.empty()) {
        c.say(fmt::format("key_size={} or value_size={} is over this map type's limit (hash map keys: at most 512 "
                          "bytes)", key, value));
        return true;
    }
    if (c.err() != EINVAL || !einval_hint(c).empty()) return false;
    if (array_like(type) && key != 4) c.say(fmt::format("key_size={}: an array map's key is a 4-byte index", key));
    else if (keyless(type) && key != 0) c.say(fmt::format("key_size={}: queue and stack maps have no keys", key));
    else if (ring(type)) c.say("a ring buffer needs key_size=0, value_size=0 and max_entries a power of 2 that is a "
                               "multiple of the page size");
    else if (max == 0) c.say("max_entries=0: a map needs room for at least one element");
    else if (value == 0) c.say("value_size=0: this map type needs values");
    else if (key == 0 && !keyless(type)) c.say("key_size=0: this map type needs keys");
    else return false;
    return true;
}

// Where a verifier or BTF log went: the members of one command.
struct Log {
    const decoder::AttrMember &level, &buf, &size, &true_size;
    std::string_view what;  // "verifier log", "BTF log"
};

// EINVAL and EACCES of a load: the verdict, and whether a log says why.
void verdict(Ctx& c, const Log& log, std::string_view subject) {
    if (c.in(log.level) == 0 && c.call.log_source == decoder::LogSource::Tracer)
        c.say(fmt::format("{}; no log was requested ({}=0): the {} above is the tracer's own load of the same input",
                          subject, log.level.name, log.what));
    else if (c.in(log.level) == 0)
        c.say(fmt::format("{}; no log was requested ({}=0): load it again with a log to see why", subject,
                          log.level.name));
    else
        c.say(fmt::format("{}: see the {} in {}", subject, log.what, log.buf.name));
}

bool log_error(Ctx& c, const Log& log, std::string_view subject) {
    const uint64_t level = c.in(log.level), buf = c.in(log.buf), size = c.in(log.size);
    switch (c.err()) {
    case EINVAL:
        if ((level != 0 || buf != 0 || size != 0) && (level == 0 || buf == 0 || size < 128)) {
            c.say(fmt::format("the log members do not fit together: {}, {} and {} (at least 128) are all set, or "
                              "none", log.level.name, log.buf.name, log.size.name));
            return true;
        }
        verdict(c, log, subject);
        if (std::string hint = einval_hint(c); !hint.empty()) c.say(hint);
        return true;
    case ENOSPC: {
        const decoder::FieldValue* t = c.member(log.true_size);
        const std::string needs = t != nullptr && t->changed() ? fmt::format(", {} bytes needed", t->exit) : "";
        c.say(fmt::format("the {} did not fit in {} ({}={}{}): the load fails even if all else was fine", log.what,
                          log.buf.name, log.size.name, size, needs));
        return true;
    }
    default: return false;
    }
}

// expected_attach_type 0 prints as BPF_CGROUP_INET_INGRESS, the attach
// type numbered 0, as strace prints it: what 0 means for program types that
// have no attach type, or whose plain kind is 0 ("" for the others).
std::string_view zero_attach_type(uint64_t prog_type) {
    switch (prog_type) {
    case 1: return "socket filters have no attach type, so it means none";
    case 2: return "for a kprobe program it means a plain kprobe or uprobe, not kprobe_multi or uprobe_multi";
    case 3:
    case 4: return "tc programs have no attach type, so it means none";
    case 5: return "tracepoint programs have no attach type, so it means none";
    case 6: return "for an XDP program it means one for an interface, not one run from a devmap or cpumap";
    case 7: return "perf_event programs have no attach type, so it means none";
    case 17: return "raw tracepoint programs have no attach type, so it means none";
    default: return "";
    }
}

bool prog_load(Ctx& c) {
    namespace a = attr::prog_load;
    const uint64_t insns = c.in(a::insn_cnt);
    if (c.ok()) {
        const int fd = int(c.call.ret);
        const std::string label = c.created(fd, ObjectKind::Prog, uint32_t(c.in(a::prog_type)), c.chars(a::prog_name));
        c.say(fmt::format("the verifier accepted {} ({} instructions, license {}): fd {} holds a reference to it",
                          label, insns, c.quoted(a::license), fd));
        const std::string_view zero = zero_attach_type(c.in(a::prog_type));
        if (c.env.every_member_shown && c.member(a::expected_attach_type) != nullptr && c.in(a::expected_attach_type) == 0 &&
            !zero.empty())
            c.say(fmt::format("expected_attach_type=BPF_CGROUP_INET_INGRESS is 0, the first attach type's "
                              "number: {}", zero));
        return true;
    }
    const Log log{a::log_level, a::log_buf, a::log_size, a::log_true_size, "verifier log"};
    if (c.err() == EACCES) {
        verdict(c, log, "the verifier rejected the program as unsafe");
        return true;
    }
    if (c.err() == E2BIG && c.call.tail.empty()) {
        if (insns == 0) c.say("insn_cnt=0: a program needs at least one instruction");
        else c.say(fmt::format("insn_cnt={}: too many instructions (4096 without CAP_BPF, 1000000 with it), or the "
                               "verifier gave up after 1000000 steps", insns));
        return true;
    }
    return log_error(c, log, "the verifier or the attr refused the program");
}

bool btf_load(Ctx& c) {
    if (c.ok()) {
        const int fd = int(c.call.ret);
        c.say(fmt::format("loaded {} ({} bytes of type information): fd {} holds a reference to it",
                          c.created(fd, ObjectKind::Btf, 0, ""), c.in(attr::btf_load::btf_size), fd));
        return true;
    }
    if (c.err() == E2BIG && c.call.tail.empty()) {
        c.say(fmt::format("btf_size={} is over the kernel's limit for a BTF blob", c.in(attr::btf_load::btf_size)));
        return true;
    }
    const Log log{attr::btf_load::btf_log_level, attr::btf_load::btf_log_buf, attr::btf_load::btf_log_size,
                  attr::btf_load::btf_log_true_size, "BTF log"};
    return log_error(c, log, "the kernel refused the BTF blob");
}

} // namespace

bool loads(Ctx& c) {
    switch (c.call.cmd) {
    case BPF_MAP_CREATE: return map_create(c);
    case BPF_PROG_LOAD: return prog_load(c);
    default: return btf_load(c);
    }
}

} // namespace bpfsc::notes::detail
