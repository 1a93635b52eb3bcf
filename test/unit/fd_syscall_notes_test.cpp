// The commentary of the fd syscalls and perf calls (notes/fd_syscalls.cpp),
// on a model updated as the tracer updates it (model/call_effects.h): what
// a close leaves, what a dup makes, what a program set on a perf event
// means and when it stops running there.
#include <cerrno>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "model/call_effects.h"
#include "notes/notes.h"
#include "support.h"

using namespace bpfsc::model;
using bpfsc::test::FakeInspector;

namespace {

constexpr pid_t kPid = 77;

FdOperation op(FdOperation::Kind kind, int fd, int new_fd = -1, bool cloexec = false) {
    return bpfsc::test::fd_operation(kind, fd, new_fd, cloexec);
}

// The notes of a call that did `o`, as the tracer makes them.
std::vector<std::string> after(FdModel& model, const FdOperation& o, int64_t ret) {
    const FdOutcome outcome = apply_fd_operation(model, kPid, o, CallRef{9, kPid, "fd syscall"});
    std::vector<std::string> notes;
    bpfsc::notes::explain_fd_syscall(model, kPid, outcome.released, ret >= 0 ? outcome.new_fd : -1, notes);
    return notes;
}

} // namespace

TEST_CASE("fd notes: a dup is another reference; a close says whether one is left", "[notes]") {
    using K = FdOperation::Kind;
    FakeInspector inspector;
    FdModel model{inspector};
    inspector.fds[{kPid, 3}] = bpfsc::test::object_facts(ObjectKind::Map, 15, 1);
    model.opened(kPid, 3, false, CallRef{1, kPid, "BPF_MAP_CREATE", true});
    const std::string map = model.find(kPid, 3)->object->cached_label();

    CHECK(after(model, op(K::Duplicate, 3, 10, true), 10) ==
          std::vector<std::string>{"fd 10 is another reference to " + map + " (closed on exec)"});
    CHECK(after(model, op(K::Close, 3), 0) == std::vector<std::string>{map + " is still open here as fd 10"});
    CHECK(after(model, op(K::Close, 10), 0) ==
          std::vector<std::string>{"no fd of this process refers to " + map + " any more"});
}

TEST_CASE("fd notes: a program set on a perf event runs there until the event's last fd closes", "[notes]") {
    using K = FdOperation::Kind;
    FakeInspector inspector;
    FdModel model{inspector};
    bpfsc::test::open_prog_and_perf_event(inspector, model, kPid, "perf_event:tracepoint:syscalls:sys_enter_execve");
    CHECK(model.find(kPid, 7)->object->facts.kind == ObjectKind::Other);  // so no "another reference" note
    const std::string prog = model.find(kPid, 3)->object->cached_label();

    FdOperation set_bpf = op(K::ProgOnEvent, 7);
    set_bpf.prog_fd = 3;
    apply_fd_operation(model, kPid, set_bpf, CallRef{2, kPid, "ioctl"});
    std::vector<std::string> notes;
    bpfsc::notes::explain_perf_set_bpf(model, kPid, 7, 3, 0, notes);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0] == prog + " now runs on every tracepoint:syscalls:sys_enter_execve event; the event holds it "
                             "until its last fd (fd 7 here) is closed");
    notes.clear();
    bpfsc::notes::explain_perf_set_bpf(model, kPid, 7, 3, -EEXIST, notes);
    CHECK(notes == std::vector<std::string>{"tracepoint:syscalls:sys_enter_execve already has a program"});

    const std::vector<std::string> closed = after(model, op(K::Close, 7), 0);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0] == "perf_event:tracepoint:syscalls:sys_enter_execve closed: unless another process holds it, " +
                           prog + " no longer runs on it");

    notes.clear();
    bpfsc::notes::explain_perf_event_open(-ENOENT, notes);
    CHECK(notes == std::vector<std::string>{"no such event: the tracepoint id, probe or PMU does not exist"});
    notes.clear();
    bpfsc::notes::explain_perf_event_open(5, notes);
    CHECK(notes.empty());
}

TEST_CASE("fd notes: a forked child closing its copies is one line naming who still holds them", "[notes]") {
    using K = FdOperation::Kind;
    FakeInspector inspector;
    FdModel model{inspector};
    constexpr pid_t kChild = 78;
    inspector.fds[{kPid, 3}] = bpfsc::test::object_facts(ObjectKind::Map, 15, 1);
    inspector.fds[{kPid, 4}] = bpfsc::test::object_facts(ObjectKind::Prog, 80, 1);
    inspector.fds[{kPid, 5}] = bpfsc::test::object_facts(ObjectKind::Btf, 9);
    model.opened(kPid, 3, false, CallRef{1, kPid, "BPF_MAP_CREATE", true});
    model.opened(kPid, 4, false, CallRef{2, kPid, "BPF_PROG_LOAD", true});
    model.opened(kPid, 5, false, CallRef{3, kPid, "BPF_BTF_LOAD", true});
    const std::string map = model.find(kPid, 3)->object->cached_label();
    const std::string prog = model.find(kPid, 4)->object->cached_label();
    const std::string btf = model.find(kPid, 5)->object->cached_label();
    model.forked(kPid, kChild, CallRef{0, kChild, "fork"});

    FdOperation range = op(K::CloseRange, 3);
    range.last = 11;
    const FdOutcome outcome = apply_fd_operation(model, kChild, range, CallRef{4, kChild, "close_range"});
    std::vector<std::string> notes;
    bpfsc::notes::explain_fd_syscall(model, kChild, outcome.released, -1, notes);
    // Several objects are named by kind and id alone.
    CHECK(notes == std::vector<std::string>{"no fd of this process refers to map#15, prog#80 and btf#9 any more (pid 77 "
                                            "still has them open)"});

    // The parent's own close of the last fd: nobody else has it.
    notes.clear();
    const FdOutcome last = apply_fd_operation(model, kPid, op(K::Close, 3), CallRef{5, kPid, "close"});
    bpfsc::notes::explain_fd_syscall(model, kPid, last.released, -1, notes);
    CHECK(notes == std::vector<std::string>{"no fd of this process refers to " + map + " any more"});
}
