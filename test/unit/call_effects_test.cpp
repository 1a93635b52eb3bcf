// What completed calls do to the fd model (decoder/model/call_effects.h):
// bpf() calls decoded from real attrs (a pin with a path longer than -s,
// a freeze, a link holding its program) and each fd operation (close,
// dup onto an fd, close_range, perf events) against a fake inspector.
#include <map>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "model/call_effects.h"
#include "support.h"

using namespace bpfsc::model;
using bpfsc::test::FakeInspector;
using bpfsc::test::object_facts;
using bpfsc::decoder::DecodedCall;
using bpfsc::decoder::Decoder;
using bpfsc::decoder::DecodeOptions;

namespace {

constexpr pid_t kPid = 77;

// An operation on fd (and new_fd or, for ranges, fd..last).
FdOperation op(FdOperation::Kind kind, int fd, int new_fd = -1, bool cloexec = false) {
    return bpfsc::test::fd_operation(kind, fd, new_fd, cloexec);
}
FdOperation range(FdOperation::Kind kind, int first, unsigned last) {
    FdOperation o = op(kind, first);
    o.last = last;
    return o;
}

// Decodes the call from this process's memory and completes it with `ret`.
void decode(DecodedCall& call, uint32_t cmd, const void* attr, uint32_t size, int64_t ret) {
    bpfsc::test::SelfMemory memory;
    bpfsc::test::FakeResolver resolver;
    DecodeOptions options;
    options.string_limit = 8;  // -s 8: the line cuts strings, the model must not
    Decoder decoder(memory, &resolver, options);
    decoder.decode_entry(call, cmd, bpfsc::test::addr_of(attr), size);
    decoder.decode_exit(call, ret);
}

} // namespace

TEST_CASE("bpf() effects: a returned fd is opened and labelled; a pin keeps its whole path", "[model]") {
    FakeInspector inspector;
    FdModel model{inspector};
    inspector.fds[{kPid, 5}] = object_facts(ObjectKind::Map, 15, 1);

    bpfsc::uapi::map_create_attr create{};
    create.map_type = 1;
    create.key_size = 4;
    create.value_size = 4;
    create.max_entries = 1;
    DecodedCall made;
    decode(made, bpfsc::uapi::BPF_MAP_CREATE, &create, sizeof create, 5);
    apply_bpf_call(model, kPid, 1, made);
    REQUIRE(model.find(kPid, 5) != nullptr);
    CHECK(model.find(kPid, 5)->opened.creates);
    CHECK(model.find(kPid, 5)->opened.what == "BPF_MAP_CREATE");
    CHECK(std::string(made.ret_label) == "map#15:hash");

    const std::string path = "/sys/fs/bpf/a_pin_longer_than_the_string_limit";
    bpfsc::uapi::obj_attr pin{};
    pin.pathname = bpfsc::test::u64_of(path.c_str());
    pin.bpf_fd = 5;
    DecodedCall pinned;
    decode(pinned, bpfsc::uapi::BPF_OBJ_PIN, &pin, sizeof pin, 0);
    apply_bpf_call(model, kPid, 2, pinned);
    REQUIRE(model.object_of(kPid, 5)->pinned_at.size() == 1);
    CHECK(model.object_of(kPid, 5)->pinned_at[0] == path);

    // A failed call changes nothing.
    DecodedCall failed;
    decode(failed, bpfsc::uapi::BPF_OBJ_PIN, &pin, sizeof pin, -17);
    apply_bpf_call(model, kPid, 3, failed);
    CHECK(model.object_of(kPid, 5)->pinned_at.size() == 1);

    bpfsc::uapi::map_elem_attr freeze{};
    freeze.map_fd = 5;
    DecodedCall frozen;
    decode(frozen, bpfsc::uapi::BPF_MAP_FREEZE, &freeze, sizeof freeze, 0);
    CHECK_FALSE(model.object_of(kPid, 5)->frozen);
    apply_bpf_call(model, kPid, 4, frozen);
    CHECK(model.object_of(kPid, 5)->frozen);
}

TEST_CASE("bpf() effects: a link holds its program; BPF_PROG_ATTACH marks it attached", "[model]") {
    FakeInspector inspector;
    FdModel model{inspector};
    inspector.fds[{kPid, 3}] = object_facts(ObjectKind::Prog, 80, 5);
    inspector.fds[{kPid, 4}] = object_facts(ObjectKind::Link, 9, 2);
    inspector.fds[{kPid, 6}] = object_facts(ObjectKind::Prog, 81, 8);
    REQUIRE(model.lookup(kPid, 3) != nullptr);
    REQUIRE(model.lookup(kPid, 6) != nullptr);

    bpfsc::uapi::raw_tracepoint_attr open{};
    const char name[] = "sched_switch";
    open.name = bpfsc::test::u64_of(name);
    open.prog_fd = 3;
    DecodedCall linked;
    decode(linked, bpfsc::uapi::BPF_RAW_TRACEPOINT_OPEN, &open, sizeof open, 4);
    apply_bpf_call(model, kPid, 1, linked);
    REQUIRE(model.find(kPid, 4) != nullptr);
    CHECK(model.find(kPid, 4)->opened.creates);
    CHECK(model.object_of(kPid, 3)->held_by_links == std::vector<uint32_t>{9});

    bpfsc::uapi::prog_attach_attr attach{};
    attach.target_fd = 0;
    attach.attach_bpf_fd = 6;
    attach.attach_type = 0;  // BPF_CGROUP_INET_INGRESS
    DecodedCall attached;
    decode(attached, bpfsc::uapi::BPF_PROG_ATTACH, &attach, sizeof attach, 0);
    apply_bpf_call(model, kPid, 2, attached);
    CHECK(model.object_of(kPid, 6)->attached);
    DecodedCall detached;
    decode(detached, bpfsc::uapi::BPF_PROG_DETACH, &attach, sizeof attach, 0);
    apply_bpf_call(model, kPid, 3, detached);
    CHECK_FALSE(model.object_of(kPid, 6)->attached);
}

TEST_CASE("fd operations: close and close_range release, dup2 onto an fd replaces it", "[model]") {
    using K = FdOperation::Kind;
    FakeInspector inspector;
    FdModel model{inspector};
    inspector.fds[{kPid, 3}] = object_facts(ObjectKind::Map, 15, 1);
    inspector.fds[{kPid, 4}] = object_facts(ObjectKind::Prog, 80, 5);
    model.opened(kPid, 3, true, CallRef{1, kPid, "BPF_MAP_CREATE", true});
    model.opened(kPid, 4, true, CallRef{2, kPid, "BPF_PROG_LOAD", true});

    // dup2(3, 4): fd 4 now refers to the map, the program's fd is gone.
    FdOutcome onto = apply_fd_operation(model, kPid, op(K::DuplicateOnto, 3, 4),
                                        CallRef{3, kPid, "dup2"});
    CHECK(onto.new_fd == 4);
    CHECK(model.find(kPid, 4)->object == model.find(kPid, 3)->object);
    CHECK_FALSE(model.find(kPid, 4)->cloexec);

    // dup2(3, 3) changes nothing but returns the fd.
    FdOutcome same = apply_fd_operation(model, kPid, op(K::DuplicateOnto, 3, 3),
                                        CallRef{4, kPid, "dup2"});
    CHECK(same.new_fd == 3);
    CHECK(model.find(kPid, 3)->opened.seq == 1);

    // F_DUPFD_CLOEXEC makes a close-on-exec copy; F_SETFD clears the flag.
    apply_fd_operation(model, kPid, op(K::Duplicate, 3, 10, true),
                       CallRef{5, kPid, "fcntl"});
    CHECK(model.find(kPid, 10)->cloexec);
    apply_fd_operation(model, kPid, op(K::SetCloexec, 10, -1, false), CallRef{6, kPid, "fcntl"});
    CHECK_FALSE(model.find(kPid, 10)->cloexec);

    FdOutcome closed = apply_fd_operation(model, kPid, op(K::Close, 3), CallRef{7, kPid, "close"});
    REQUIRE(closed.released.size() == 1);
    CHECK(closed.released[0]->facts.id == 15);
    CHECK(model.find(kPid, 3) == nullptr);
    CHECK(closed.new_fd == -1);

    // CLOSE_RANGE_CLOEXEC marks, close_range closes.
    apply_fd_operation(model, kPid, range(K::CloexecRange, 4, 20), CallRef{8, kPid, "close_range"});
    CHECK(model.find(kPid, 4)->cloexec);
    CHECK(model.find(kPid, 10)->cloexec);
    FdOutcome all = apply_fd_operation(model, kPid, range(K::CloseRange, 0, ~0u),
                                         CallRef{9, kPid, "close_range"});
    CHECK(all.released.size() == 2);
    CHECK(model.find(kPid, 4) == nullptr);
    CHECK(model.find(kPid, 10) == nullptr);
}

TEST_CASE("fd operations: a perf event is named, and holds the program set on it", "[model]") {
    using K = FdOperation::Kind;
    FakeInspector inspector;
    FdModel model{inspector};
    bpfsc::test::open_prog_and_perf_event(inspector, model, kPid, "perf_event:tracepoint:syscalls:x");
    REQUIRE(model.find(kPid, 7) != nullptr);
    CHECK(model.find(kPid, 7)->object->cached_label() == "perf_event:tracepoint:syscalls:x");
    CHECK(model.find(kPid, 7)->object->followed());

    FdOperation set_bpf = op(K::ProgOnEvent, 7);
    set_bpf.prog_fd = 3;
    apply_fd_operation(model, kPid, set_bpf, CallRef{3, kPid, "ioctl"});
    REQUIRE(model.object_of(kPid, 3)->perf_events.size() == 1);
    CHECK(model.object_of(kPid, 3)->perf_events[0] == model.find(kPid, 7)->object);
}
