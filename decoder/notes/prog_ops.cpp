// What is done with loaded programs: BPF_PROG_ATTACH / _DETACH / _QUERY
// (attachments without a link, which outlive the process), BPF_PROG_TEST_RUN,
// BPF_TASK_FD_QUERY, BPF_PROG_BIND_MAP, BPF_PROG_STREAM_READ_BY_FD and
// BPF_ENABLE_STATS.
#include <cctype>
#include <cerrno>

#include <fmt/format.h>

#include "../format/format.h"
#include "../uapi/bpf_attr.h"
#include "../commands/attach_types.h"
#include "context.h"

namespace bpfsc::notes::detail {

namespace {

using namespace uapi;

constexpr int kENOTSUPP = 524;

std::string name_of(const decoder::Xlat& x, uint64_t v) {
    const std::string_view n = x.name_of(v);
    return n.empty() ? fmt::format("{}", v) : std::string(n);
}

// Where the programs are: an interface, or the object behind target_fd.
std::string target(const Ctx& c) {
    const bool query = c.call.cmd == BPF_PROG_QUERY;
    const decoder::AttrMember& ifindex = query ? attr::query::target_ifindex : attr::prog_attach::target_ifindex;
    if (c.member(ifindex) != nullptr) return fmt::format("interface {}", c.in(ifindex));
    return c.name_fd(c.fd(query ? attr::query::target_fd : attr::prog_attach::target_fd));
}

bool attach(Ctx& c) {
    namespace a = attr::prog_attach;
    const std::string prog = c.name_fd(c.fd(a::attach_bpf_fd));
    const std::string at = name_of(decoder::xlat::bpf_attach_type, c.in(a::attach_type));
    if (c.ok()) {
        decoder::OutBuf flags;
        const uint64_t f = c.in(a::attach_flags);
        if (f != 0) decoder::append_flags(flags, decoder::xlat::bpf_attach_flags, f);
        c.say(fmt::format("attached {} to {} at {}{}{}{}", prog, target(c), at, flags.size() ? " (" : "",
                          fmt::to_string(flags), flags.size() ? ")" : ""));
        c.say("no link holds it: it stays attached, even after this process exits, until BPF_PROG_DETACH");
        return true;
    }
    switch (c.err()) {
    case EEXIST: c.say(fmt::format("{} is already attached to {} at {}", prog, target(c), at)); return true;
    case EBUSY:
        c.say(fmt::format("{} already has a program at {} that allows no other (see BPF_F_ALLOW_MULTI, "
                          "BPF_F_ALLOW_OVERRIDE)", target(c), at));
        return true;
    case EPERM:
        // A privileged caller's EPERM from a cgroup hook is the cgroup's
        // rule, not a capability: the modes of one hook cannot be mixed,
        // and an ancestor's program may forbid programs below it.
        if (!c.env.tracee_privileged || !decoder::commands::attach_type_is_cgroup(uint32_t(c.in(a::attach_type))))
            return false;
        c.say(fmt::format("{} refuses it at {}: its programs there were attached in another mode (none, "
                          "BPF_F_ALLOW_OVERRIDE or BPF_F_ALLOW_MULTI cannot be mixed on one hook), or a parent "
                          "cgroup's program there allows no program below it",
                          target(c), at));
        return true;
    default: return false;
    }
}

bool detach(Ctx& c) {
    namespace a = attr::prog_attach;
    const int fd = c.fd(a::attach_bpf_fd);
    const std::string prog = fd > 0 ? c.name_fd(fd) : std::string("the program");
    const std::string at = name_of(decoder::xlat::bpf_attach_type, c.in(a::attach_type));
    if (c.ok()) {
        c.say(fmt::format("detached {} from {} at {}", prog, target(c), at));
        return true;
    }
    if (c.err() != ENOENT) return false;
    c.say(fmt::format("{} is not attached to {} at {}", fd > 0 ? prog : "no program", target(c), at));
    return true;
}

bool query(Ctx& c) {
    namespace a = attr::query;
    const std::string at = name_of(decoder::xlat::bpf_attach_type, c.in(a::attach_type));
    const uint64_t room = c.in(a::prog_cnt), count = c.after(a::prog_cnt);
    if (c.ok()) {
        const bool effective = c.in(a::query_flags) & 1;  // BPF_F_QUERY_EFFECTIVE
        c.say(fmt::format("{} programs are attached to {} at {}{}{}", count, target(c), at,
                          effective ? " (with inherited ones)" : "",
                          c.in(a::prog_ids) == 0 ? " (prog_ids=NULL: only counted)" : "; prog_ids lists them"));
        return true;
    }
    if (c.err() != ENOSPC) return false;
    c.say(fmt::format("prog_ids has room for {} ids but {} programs are attached (prog_cnt {} => {})", room, count,
                      room, count));
    return true;
}

bool test_run(Ctx& c) {
    namespace a = attr::test_run;
    const std::string prog = c.name_fd(c.fd(a::prog_fd));
    if (c.ok()) {
        const uint64_t repeat = c.in(a::repeat);
        c.say(fmt::format("ran {} {} on the test input: it returned {} ({} ns per run)", prog,
                          repeat > 1 ? fmt::format("{} times", repeat) : std::string("once"), c.after(a::retval),
                          c.after(a::duration)));
        return true;
    }
    switch (c.err()) {
    case ENOSPC:
        c.say(fmt::format("data_out is too small: the output has {} bytes, data_size_out offered {}",
                          c.after(a::data_size_out), c.in(a::data_size_out)));
        return true;
    case kENOTSUPP:
        c.say(fmt::format("error 524 (ENOTSUPP): the program type of {} cannot be test-run", prog));
        return true;
    default: return false;
    }
}

bool task_fd_query(Ctx& c) {
    namespace a = attr::task_fd_query;
    const uint64_t pid = c.in(a::pid), fd = c.in(a::fd);
    if (c.ok()) {
        std::string type(name_of(decoder::xlat::bpf_task_fd_type, c.after(a::fd_type)));
        if (type.starts_with("BPF_FD_TYPE_")) type.erase(0, 12);
        for (char& ch : type) ch = char(std::tolower(static_cast<unsigned char>(ch)));
        const uint64_t id = c.after(a::prog_id);
        const auto prog = c.model.object_by_id(model::ObjectKind::Prog, uint32_t(id));
        const std::string name = c.in(a::buf) != 0 ? fmt::format(" for {}", c.quoted(a::buf)) : "";
        c.say(fmt::format("fd {} of process {} is a {} event{} that runs {}", fd, pid, type, name,
                          prog != nullptr ? prog->label() : fmt::format("program id {}", id)));
        return true;
    }
    switch (c.err()) {
    case ENOENT: c.say(fmt::format("no process {}, or its fd {} has no BPF program attached", pid, fd)); return true;
    case EBADF: c.say(fmt::format("fd {} is not open in process {}", fd, pid)); return true;
    case kENOTSUPP:
        c.say(fmt::format("error 524 (ENOTSUPP): fd {} of process {} is neither a perf event nor a raw tracepoint", fd,
                          pid));
        return true;
    case ENOSPC:
        c.say(fmt::format("buf is too small for the name (buf_len {} => {})", c.in(a::buf_len), c.after(a::buf_len)));
        return true;
    default: return false;
    }
}

bool small(Ctx& c) {
    if (!c.ok()) return false;
    switch (c.call.cmd) {
    case BPF_PROG_BIND_MAP:
        c.say(fmt::format("bound {} to {}: the map now lives as long as the program, even if no instruction uses it",
                          c.name_fd(c.fd(attr::prog_bind_map::map_fd)), c.name_fd(c.fd(attr::prog_bind_map::prog_fd))));
        return true;
    case BPF_PROG_STREAM_READ_BY_FD: {
        const std::string prog = c.name_fd(c.fd(attr::prog_stream_read::prog_fd));
        const std::string stream = name_of(decoder::xlat::bpf_stream_id, c.in(attr::prog_stream_read::stream_id));
        if (c.call.ret == 0) c.say(fmt::format("the {} stream of {} is empty", stream, prog));
        else c.say(fmt::format("read {} bytes of the {} stream of {}", c.call.ret, stream, prog));
        return true;
    }
    case BPF_ENABLE_STATS:
        c.say(fmt::format("turned on {} for every program while fd {} stays open (run_time_ns, run_cnt)",
                          name_of(decoder::xlat::bpf_stats_type, c.in(attr::enable_stats::type)), c.call.ret));
        return true;
    default: return false;
    }
}

} // namespace

bool prog_ops(Ctx& c) {
    switch (c.call.cmd) {
    case BPF_PROG_ATTACH: return attach(c);
    case BPF_PROG_DETACH: return detach(c);
    case BPF_PROG_QUERY: return query(c);
    case BPF_PROG_TEST_RUN: return test_run(c);
    case BPF_TASK_FD_QUERY: return task_fd_query(c);
    default: return small(c);
    }
}

} // namespace bpfsc::notes::detail
