// Commentary on the fd syscalls the model follows (close, close_range,
// dup*, fcntl) and on the two perf calls that attach programs the BCC way
// (perf_event_open, ioctl PERF_EVENT_IOC_SET_BPF):
//   close(3<map#15:hash:config>) = 0
//     # no fd of this process refers to map#15:hash:config any more
//   ioctl(7<perf_event:tracepoint:syscalls:sys_enter_execve>, PERF_EVENT_IOC_SET_BPF, 6<prog#80:tracepoint:hello>) = 0
//     # prog#80:tracepoint:hello now runs on every tracepoint:syscalls:sys_enter_execve event ...
#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "notes.h"

namespace bpfsc::notes {

namespace {

// "tracepoint:syscalls:sys_enter_execve" of "perf_event:tracepoint:...".
std::string_view event_of(std::string_view label) {
    return label.starts_with("perf_event:") ? label.substr(11) : label;
}

// The other traced processes with an fd on `object`: "pid 12" or "pids 12
// and 14" (empty: none the trace knows of).
std::string other_holders(const model::FdModel& model, pid_t pid, const model::Object& object) {
    std::vector<pid_t> holders;
    for (pid_t p : model.processes())
        if (p != pid && !model.open_fds_of(p, object).empty()) holders.push_back(p);
    if (holders.empty()) return {};
    std::sort(holders.begin(), holders.end());
    std::string s = holders.size() == 1 ? "pid " : "pids ";
    for (std::size_t i = 0; i < holders.size(); ++i) {
        if (i != 0) s += i + 1 == holders.size() ? " and " : ", ";
        s += std::to_string(holders[i]);
    }
    return s;
}

// A perf event whose last fd here went: the programs set on it stop running
// on it, unless another process holds the event too.
void perf_event_released(const model::FdModel& model, pid_t pid, const std::shared_ptr<model::Object>& event,
                         std::vector<std::string>& out) {
    if (!model.open_fds_of(pid, *event).empty()) return;  // still open here
    const std::string holders = other_holders(model, pid, *event);
    for (const auto& prog : model.objects()) {
        if (std::find(prog->perf_events.begin(), prog->perf_events.end(), event) == prog->perf_events.end()) continue;
        if (!holders.empty())
            out.push_back(fmt::format("{} still holds {}, so {} still runs on it", holders, event->cached_label(),
                                      prog->cached_label()));
        else
            out.push_back(fmt::format("{} closed: unless another process holds it, {} no longer runs on it",
                                      event->cached_label(), prog->cached_label()));
    }
}

// "map#15" for map#15:hash:config: enough to tell objects apart in a list
// (their full labels are on the lines that made or opened them).
std::string short_label(const model::Object& object) {
    const std::string& label = object.cached_label();
    if (object.facts.id == 0) return label;
    return fmt::format("{}#{}", model::parse_label(label).kind, object.facts.id);
}

// "a", "a and b", "a, b and c".
std::string listed(const std::vector<std::string>& items) {
    std::string s;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i != 0) s += i + 1 == items.size() ? " and " : ", ";
        s += items[i];
    }
    return s;
}

} // namespace

void explain_fd_syscall(const model::FdModel& model, pid_t pid, const std::vector<std::shared_ptr<model::Object>>& released,
                        int new_fd, std::vector<std::string>& out) {
    // The objects this process no longer refers to, grouped by who else
    // still has them open, so a close_range of a forked child's copies is
    // one line, not one per fd.
    std::vector<std::pair<std::string, std::vector<std::string>>> gone;  // holders, labels
    std::vector<std::string> events;  // what the perf events closed mean, after those
    for (const auto& object : released) {
        if (object->facts.kind == model::ObjectKind::Other) {
            perf_event_released(model, pid, object, events);
            continue;
        }
        const std::vector<int> still = model.open_fds_of(pid, *object);
        if (!still.empty()) {
            out.push_back(fmt::format("{} is still open here as fd {}", object->cached_label(), still.front()));
            continue;
        }
        std::string holders = other_holders(model, pid, *object);
        auto group = std::find_if(gone.begin(), gone.end(), [&](const auto& g) { return g.first == holders; });
        if (group == gone.end()) group = gone.insert(gone.end(), {std::move(holders), {}});
        group->second.push_back(object->cached_label());
    }
    // Several objects are named short: "map#15, prog#80 and btf#9".
    for (auto& [holders, labels] : gone) {
        if (labels.size() < 2) continue;
        labels.clear();
        for (const auto& object : released)
            if (object->facts.kind != model::ObjectKind::Other && model.open_fds_of(pid, *object).empty() &&
                other_holders(model, pid, *object) == holders)
                labels.push_back(short_label(*object));
    }
    for (const auto& [holders, labels] : gone) {
        std::string line = fmt::format("no fd of this process refers to {} any more", listed(labels));
        if (!holders.empty())
            line += fmt::format(" ({} still {} {} open)", holders, holders.starts_with("pids") ? "have" : "has",
                                labels.size() == 1 ? "it" : "them");
        out.push_back(std::move(line));
    }
    for (std::string& line : events) out.push_back(std::move(line));
    const model::FdRecord* born = new_fd >= 0 ? model.find(pid, new_fd) : nullptr;
    if (born != nullptr && born->object->facts.kind != model::ObjectKind::Other)
        out.push_back(fmt::format("fd {} is another reference to {}{}", new_fd, born->object->cached_label(),
                                  born->cloexec ? " (closed on exec)" : ""));
}

void explain_perf_event_open(int64_t ret, std::vector<std::string>& out) {
    switch (ret < 0 ? -ret : 0) {
    case EACCES:
    case EPERM:
        out.push_back("not allowed: perf_event_paranoid, CAP_PERFMON or CAP_SYS_ADMIN decide who may open this event");
        break;
    case ENOENT: out.push_back("no such event: the tracepoint id, probe or PMU does not exist"); break;
    case EINVAL: out.push_back("the kernel refused the attr: a field or flag it does not accept here"); break;
    default: break;
    }
}

void explain_perf_set_bpf(model::FdModel& model, pid_t pid, int event_fd, int prog_fd, int64_t ret,
                          std::vector<std::string>& out) {
    const auto event = model.object_of(pid, event_fd);
    const auto prog = model.object_of(pid, prog_fd);
    const std::string event_name = event != nullptr ? std::string(event_of(event->cached_label())) : "the event";
    const std::string prog_name = prog != nullptr ? prog->cached_label() : fmt::format("fd {}", prog_fd);
    if (ret == 0) {
        out.push_back(fmt::format("{} now runs on every {} event; the event holds it until its last fd (fd {} here) "
                                  "is closed",
                                  prog_name, event_name, event_fd));
        return;
    }
    switch (-ret) {
    case EEXIST: out.push_back(fmt::format("{} already has a program", event_name)); break;
    case EINVAL:
        out.push_back(fmt::format("{} cannot run on {}: the program type must match the event (tracepoint programs "
                                  "on tracepoints, kprobe programs on kprobes and uprobes, perf_event programs on "
                                  "hardware and software events)",
                                  prog_name, event_name));
        break;
    case EBADF: out.push_back(fmt::format("fd {} is no BPF program, or fd {} no perf event", prog_fd, event_fd)); break;
    case EPERM:
    case EACCES: out.push_back("not allowed to attach a program to this event"); break;
    default: break;
    }
}

} // namespace bpfsc::notes
