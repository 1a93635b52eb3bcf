// What an error means whatever the command: permissions (with the system's
// kernel.unprivileged_bpf_disabled), an attr too big for the kernel, bad fds
// and pointers, and the errnos every command shares. Families explain the
// errors whose meaning depends on the command before this is asked.
#include <cerrno>

#include <fmt/format.h>

#include "../format/format.h"
#include "../uapi/bpf_attr.h"
#include "context.h"

namespace bpfsc::notes::detail {

namespace {

using decoder::AttrState;
using decoder::FieldValue;
using decoder::Kind;
using decoder::Object;
using namespace uapi;

constexpr int kENOTSUPP = 524;  // the kernel's own "not supported", unknown to libc

// What EPERM asks of the caller.
std::string_view needed(uint32_t cmd) {
    switch (cmd) {
    case BPF_PROG_GET_NEXT_ID: case BPF_MAP_GET_NEXT_ID: case BPF_BTF_GET_NEXT_ID: case BPF_LINK_GET_NEXT_ID:
    case BPF_PROG_GET_FD_BY_ID: case BPF_MAP_GET_FD_BY_ID: case BPF_BTF_GET_FD_BY_ID: case BPF_LINK_GET_FD_BY_ID:
    case BPF_ENABLE_STATS: case BPF_TASK_FD_QUERY:
        return "CAP_SYS_ADMIN (CAP_BPF is not enough)";
    case BPF_PROG_LOAD:
        return "CAP_BPF (with CAP_PERFMON for tracing, CAP_NET_ADMIN for networking) or CAP_SYS_ADMIN";
    case BPF_PROG_ATTACH: case BPF_PROG_DETACH: case BPF_PROG_QUERY: case BPF_LINK_CREATE:
    case BPF_RAW_TRACEPOINT_OPEN:
        return "the hook's capability (CAP_NET_ADMIN, CAP_PERFMON) or CAP_SYS_ADMIN";
    default:
        return "CAP_BPF or CAP_SYS_ADMIN";
    }
}

void eperm(Ctx& c, std::size_t room) {
    const uint32_t cmd = c.call.cmd;
    const bool admin_only = needed(cmd).starts_with("CAP_SYS_ADMIN");
    const bool creates = cmd == BPF_MAP_CREATE || cmd == BPF_PROG_LOAD || cmd == BPF_BTF_LOAD;
    if (!c.env.tracee_privileged)
        c.say(fmt::format("not permitted: {} needs {}, which this process lacks", c.command(), needed(cmd)));
    else if (admin_only && !c.env.tracee_sys_admin)
        c.say(fmt::format("not permitted: {} needs {}, which this process lacks (it has CAP_BPF)", c.command(),
                          needed(cmd)));
    else if (cmd == BPF_TASK_FD_QUERY)
        c.say("not permitted, though the process has CAP_SYS_ADMIN: not for lack of a capability (the task queried, "
              "a security module or kernel lockdown refused it)");
    else if (admin_only)
        c.say("not permitted, though the process has CAP_SYS_ADMIN: a security module or kernel lockdown refused it");
    else if (needed(cmd).starts_with("CAP_BPF or"))
        c.say("not permitted, though the process has CAP_BPF or CAP_SYS_ADMIN: a security module or kernel lockdown "
              "refused it");
    else
        c.say(fmt::format("not permitted, though the process has CAP_BPF or CAP_SYS_ADMIN: {} may need more, or a "
                          "security module refused it", cmd == BPF_PROG_LOAD ? "the program type" : "the hook"));
    if (room < 2) return;
    const int sysctl = c.env.unprivileged_bpf_disabled;
    if (!c.env.tracee_privileged && sysctl == 0)
        c.say("kernel.unprivileged_bpf_disabled=0 lets unprivileged processes use bpf(), but only for socket "
              "filter programs and some map types");
    else if (!c.env.tracee_privileged && sysctl == 1)
        c.say("kernel.unprivileged_bpf_disabled=1: bpf() is off for unprivileged processes until the next reboot");
    else if (!c.env.tracee_privileged && sysctl >= 2)
        c.say(fmt::format("kernel.unprivileged_bpf_disabled={}: bpf() is off for unprivileged processes "
                          "(root can set it back to 0)", sysctl));
    else if (c.env.tracee_privileged && creates)
        c.say("before Linux 5.11 EPERM is also what going over RLIMIT_MEMLOCK (ulimit -l) looks like");
}

// "6.14" as a number that orders releases.
int release(std::string_view since) {
    int major = 0, minor = 0;
    std::size_t i = 0;
    for (; i < since.size() && since[i] != '.'; ++i) major = major * 10 + (since[i] - '0');
    for (++i; i < since.size(); ++i) minor = minor * 10 + (since[i] - '0');
    return major * 1000 + minor;
}

std::string e2big(const Ctx& c) {
    const decoder::DecodedCall& call = c.call;
    if (call.attr_state == AttrState::TooBig)
        return fmt::format("size {} is more than a page: the kernel refuses an attr that large", call.size);
    if (!call.tail.empty())
        return fmt::format("the attr is bigger than this kernel knows, with non-zero bytes past its end "
                           "(bytes {}..{}): it refuses them",
                           call.tail_offset, call.tail_offset + call.tail.size() - 1);
    const FieldValue* newest = nullptr;
    for (const FieldValue& v : call.fields)
        if (v.entry != 0 && !v.field->since.empty() &&
            (newest == nullptr || release(v.field->since) > release(newest->field->since)))
            newest = &v;
    // Members of the first 4.x releases are set by every caller: only a later one is worth naming.
    if (newest != nullptr && release(newest->field->since) >= release("5.0"))
        return fmt::format("too big: non-zero bytes past this kernel's union bpf_attr (newest member set: {}, "
                           "from {}), or a size over a limit", newest->field->name, newest->field->since);
    return "too big: a count or size in the attr is over the kernel's limit";
}

// An fd member that names the wrong kind of object, as the model sees it.
std::string wrong_kind(const Ctx& c) {
    for (const FieldValue& v : c.call.fields) {
        const decoder::Field& f = *v.field;
        if (f.kind != Kind::Fd) continue;
        model::ObjectKind want;
        switch (f.object) {
        case Object::Map: want = model::ObjectKind::Map; break;
        case Object::Prog: want = model::ObjectKind::Prog; break;
        case Object::Link: want = model::ObjectKind::Link; break;
        default: continue;
        }
        const int fd = int(decoder::signed_value(v.entry, f.width));
        if (fd <= 0) continue;
        const auto o = c.object(fd);
        if (o == nullptr || o->facts.kind == want) continue;
        const std::string& what = o->facts.what;
        const std::string is = o->facts.kind != model::ObjectKind::Other ? o->label()
                               : what.empty() || what == "fd"        ? std::string("another kind of file")
                                                                     : what;
        return fmt::format("fd {} ({}) refers to {}, not a {}", fd, f.name, is, kind_word(want));
    }
    return {};
}

} // namespace

std::string einval_hint(const Ctx& c) {
    const decoder::DecodedCall& call = c.call;
    if (!call.tail.empty())
        return fmt::format("bytes {}..{} past the last member of {} are not zero: the kernel wants unused bytes "
                           "of the attr to be 0", call.tail_offset, call.tail_offset + call.tail.size() - 1,
                           c.command());
    if (std::string s = wrong_kind(c); !s.empty()) return s;
    for (const FieldValue& v : call.fields) {
        const decoder::Field& f = *v.field;
        if (f.dir == decoder::Dir::Out) continue;  // the kernel's to write, not to check
        if (f.kind == Kind::Flags && f.xlat == &decoder::xlat::bpf_no_flags && v.entry != 0)
            return fmt::format("{}={:#x}: {} takes no flags ({} must be 0)", f.name, v.entry, c.command(), f.name);
        if (f.kind == Kind::Enum && f.xlat->name_of(v.entry).empty())
            return fmt::format("{}={:#x} is no value of Linux 6.18 or older: this kernel does not know it", f.name,
                               v.entry);
        if (f.kind == Kind::Flags && decoder::unknown_flag_bits(*f.xlat, v.entry) != 0)
            return fmt::format("{} has bits no kernel up to 6.18 defines ({:#x})", f.name,
                               decoder::unknown_flag_bits(*f.xlat, v.entry));
    }
    return {};
}

namespace {

std::string einval(const Ctx& c) {
    std::string hint = einval_hint(c);
    if (!hint.empty()) return hint;
    return "invalid argument: a type, flag or size the kernel does not accept here, or a member this command "
           "needs to be 0";
}

std::string ebadf(Ctx& c) {
    for (const FieldValue& v : c.call.fields) {
        const decoder::Field& f = *v.field;
        if (f.kind != Kind::Fd || f.object == Object::Task) continue;
        const int fd = int(decoder::signed_value(v.entry, f.width));
        if (fd > 0 && c.object(fd) == nullptr)
            return fmt::format("fd {} ({}) is not open in this process", fd, f.name);
    }
    return "an fd in the attr is not open in this process";
}

constexpr const char* k_bad_pointer =
    "a pointer in the attr is bad: the kernel could not read or write the memory it points to";

std::string efault(const Ctx& c) {
    const decoder::DecodedCall& call = c.call;
    if (call.attr_state == AttrState::Null) return "the attr pointer is NULL";
    if (call.attr_state == AttrState::Unreadable || call.attr_state == AttrState::Partial)
        return fmt::format("the attr at {:#x} (size {}) is not all readable memory", call.attr_addr.value,
                           call.size);
    for (const FieldValue& v : call.fields)
        if (v.data.state == decoder::DataState::Unreadable && v.field->dir == decoder::Dir::In)
            return fmt::format("{} at {:#x} is not readable memory: the kernel could not read it", v.field->name,
                               v.entry);
    // The kernel stores some members back into the attr on success: a
    // read-only attr fails there. An output it changed says the attr was
    // writable.
    for (const FieldValue& v : call.fields)
        if (v.field->dir != decoder::Dir::In && v.changed()) return k_bad_pointer;
    for (const FieldValue& v : call.fields)
        if (v.field->always_written && v.field->end() <= call.size)
            return fmt::format("a pointer in the attr is bad (the kernel could not read or write the memory it "
                               "points to), or the attr itself is read-only: the kernel writes {} back into it",
                               v.field->name);
    return k_bad_pointer;
}

} // namespace

void explain_error(Ctx& c, std::size_t room) {
    if (room == 0) return;
    switch (c.err()) {
    case EPERM: eperm(c, room); return;
    case E2BIG: c.say(e2big(c)); return;
    case EINVAL: c.say(einval(c)); return;
    case EBADF: c.say(ebadf(c)); return;
    case EFAULT: c.say(efault(c)); return;
    case ENOENT: c.say("not found: an id, key, path or name in the attr does not exist"); return;
    case ENOSPC: c.say("an output buffer in the attr is too small for what the kernel had to write"); return;
    case EBUSY: c.say("busy: the object or hook is in use (already attached, frozen, or held elsewhere)"); return;
    case EEXIST:
        // The BTF checker's "Loop detected" is EEXIST.
        if (c.call.cmd == uapi::BPF_BTF_LOAD) {
            c.say("the BTF has a loop the kernel refuses (its \"Loop detected\" is EEXIST): a type refers back to "
                  "itself other than through a pointer to a struct or union");
            return;
        }
        c.say("it already exists");
        return;
    case EACCES: c.say("access denied: file permissions, a security module or a verifier check refused it"); return;
    case kENOTSUPP:
        c.say("error 524 is the kernel's internal ENOTSUPP: this kernel, or this map or program type, does not "
              "support the operation");
        return;
    case EOPNOTSUPP:
        c.say("not supported: this kernel, or this map or program type, does not support the operation");
        return;
    case ENOMEM: c.say("the kernel could not allocate memory for it (or a memory cgroup limit was reached)"); return;
    case ENOSYS:
        c.say("bpf() is not available: a kernel without CONFIG_BPF_SYSCALL, or a seccomp filter refused it");
        return;
    case ESRCH: c.say("no such process"); return;
    case EINTR: c.say("interrupted by a signal before it completed"); return;
    case EAGAIN: c.say("temporarily unavailable: the call can be retried"); return;
    default: return;
    }
}

} // namespace bpfsc::notes::detail
