// The commentary (decoder/notes/): calls built in memory and decoded as the
// tracer decodes them, a kernel that writes what the real one would, and a
// fake inspector so that every fd has a deterministic label. Each case checks
// the exact lines under the call; a sweep over every command and the common
// errors checks the lines' shape (one or two, no prefix, no newline).
#include <cerrno>
#include <functional>
#include <memory>

#include <catch2/catch.hpp>

#include "notes/notes.h"
#include "support.h"

using namespace bpfsc::test;
namespace uapi = bpfsc::uapi;
namespace model = bpfsc::model;
namespace notes = bpfsc::notes;
using model::ObjectFacts;
using model::ObjectKind;
using Lines = std::vector<std::string>;

namespace {

constexpr pid_t kPid = 4242;
constexpr uint32_t kHash = 1, kArray = 2, kKprobe = 2;

ObjectFacts map(uint32_t id, uint32_t type, std::string name, uint32_t key, uint32_t value, uint32_t max) {
    ObjectFacts f;
    f.kind = ObjectKind::Map;
    f.id = id;
    f.type = type;
    f.name = std::move(name);
    f.key_size = key;
    f.value_size = value;
    f.max_entries = max;
    return f;
}

ObjectFacts config_map() { return map(15, kHash, "config", 4, 13, 10240); }

ObjectFacts prog(uint32_t id, uint32_t type, std::string name) {
    ObjectFacts f;
    f.kind = ObjectKind::Prog;
    f.id = id;
    f.type = type;
    f.name = std::move(name);
    return f;
}

// One traced process: its fds as the inspector reports them, the model, the environment.
struct Trace {
    FakeInspector inspector;
    model::FdModel model{inspector};
    notes::Environment env;
    ObjectResolver* resolver = nullptr;  // map shapes, for calls whose data the notes read
    uint64_t seq = 0;

    // Decodes `attr` as command `cmd` at entry, lets `kernel` write its outputs, decodes at exit with `ret`,
    // records a returned fd in the model as the session does, and returns the commentary.
    template <typename A>
    Lines call(uint32_t cmd, A attr, int64_t ret, const std::function<void(A&)>& kernel = {},
               uint32_t size = sizeof(A)) {
        auto storage = std::make_unique<std::byte[]>(std::max<std::size_t>(size, sizeof(A)));
        std::memcpy(storage.get(), &attr, sizeof(A));
        return call_bytes(cmd, storage.get(), size, ret, [&](std::byte* p) {
            if (!kernel) return;
            A a;
            std::memcpy(&a, p, sizeof(A));
            kernel(a);
            std::memcpy(p, &a, sizeof(A));
        });
    }

    Lines call_bytes(uint32_t cmd, std::byte* attr, uint32_t size, int64_t ret,
                     const std::function<void(std::byte*)>& kernel) {
        SelfMemory memory;
        Decoder decoder(memory, resolver);
        auto decoded = std::make_unique<DecodedCall>();
        decoder.decode_entry(*decoded, cmd, addr_of(attr), size);
        kernel(attr);
        decoder.decode_exit(*decoded, ret);
        const Command* command = find_command(cmd);
        if (ret >= 0 && command != nullptr && command->returns == Returns::Fd)
            model.opened(kPid, int(ret), true, model::CallRef{++seq, kPid, std::string(command->name)});
        Lines out;
        notes::explain_bpf(*decoded, kPid, model, env, out);
        return out;
    }
};

uapi::get_id_attr next_id(uint32_t start) {
    uapi::get_id_attr a{};
    a.start_id = start;
    return a;
}

uapi::map_elem_attr elem(uint32_t fd, const void* key, const void* value, uint64_t flags = 0) {
    uapi::map_elem_attr a{};
    a.map_fd = fd;
    a.key = u64_of(key);
    a.value = u64_of(value);
    a.flags = flags;
    return a;
}

} // namespace

TEST_CASE("notes: walking the ids of every map", "[notes]") {
    Trace t;
    const auto writes = [](uint32_t id) { return std::function<void(uapi::get_id_attr&)>(
        [id](uapi::get_id_attr& a) { a.next_id = id; }); };
    CHECK(t.call(uapi::BPF_MAP_GET_NEXT_ID, next_id(0), 0, writes(14)) ==
          Lines{"the first map id is 14 (walking the ids of every map in the system)"});
    CHECK(t.call(uapi::BPF_MAP_GET_NEXT_ID, next_id(14), 0, writes(15)) ==
          Lines{"the next map id after 14 is 15 (walking the ids of every map in the system)"});
    CHECK(t.call(uapi::BPF_MAP_GET_NEXT_ID, next_id(19), -ENOENT) ==
          Lines{"no map id after 19: the walk over the system's maps is complete (ENOENT is the end, not a failure)"});
    CHECK(t.call(uapi::BPF_PROG_GET_NEXT_ID, next_id(3), 0, writes(7)) ==
          Lines{"the next program id after 3 is 7 (walking the ids of every program in the system)"});
    CHECK(t.call(uapi::BPF_BTF_GET_NEXT_ID, next_id(99), -ENOENT) ==
          Lines{"no BTF object id after 99: the walk over the system's BTF objects is complete (ENOENT is the end, "
                "not a failure)"});
}

TEST_CASE("notes: EFAULT with an attr the kernel writes back into", "[notes]") {
    Trace t;
    // next_id is stored on every success: an attr on a read-only page fails there.
    CHECK(t.call(uapi::BPF_MAP_GET_NEXT_ID, next_id(14), -EFAULT) ==
          Lines{"a pointer in the attr is bad (the kernel could not read or write the memory it points to), or the "
                "attr itself is read-only: the kernel writes next_id back into it"});
}

TEST_CASE("notes: opening objects by id", "[notes]") {
    Trace t;
    t.inspector.fds[{kPid, 3}] = config_map();
    uapi::get_id_attr a{};
    a.map_id = 15;
    CHECK(t.call(uapi::BPF_MAP_GET_FD_BY_ID, a, 3) ==
          Lines{"opened map 15 by id: fd 3 now refers to map#15:hash:config"});
    a.open_flags = 1u << 3;
    t.inspector.fds[{kPid, 4}] = map(19, kHash, "config", 4, 13, 10240);
    a.map_id = 19;
    CHECK(t.call(uapi::BPF_MAP_GET_FD_BY_ID, a, 4) ==
          Lines{"opened map 19 by id read-only (BPF_F_RDONLY): fd 4 now refers to map#19:hash:config"});
    a.map_id = 21;
    CHECK(t.call(uapi::BPF_MAP_GET_FD_BY_ID, a, -ENOENT) == Lines{"no map with id 21 (it may have been freed)"});

    // The model does not know the fd: the label comes from the id asked for.
    uapi::get_id_attr b{};
    b.btf_id = 97;
    CHECK(t.call(uapi::BPF_BTF_GET_FD_BY_ID, b, 5) == Lines{"opened BTF object 97 by id: fd 5 now refers to btf#97"});
}

TEST_CASE("notes: an object's own description, and info_len", "[notes]") {
    Trace t;
    t.inspector.fds[{kPid, 3}] = config_map();
    uapi::info_attr a{};
    a.bpf_fd = 3;
    a.info_len = 88;
    CHECK(t.call(uapi::BPF_OBJ_GET_INFO_BY_FD, a, 0) ==
          Lines{"read the description of map#15:hash:config (its own info: type, sizes, name), not the elements "
                "stored in it"});
    a.info_len = 104;
    const std::function<void(uapi::info_attr&)> shorter = [](uapi::info_attr& x) { x.info_len = 88; };
    CHECK(t.call(uapi::BPF_OBJ_GET_INFO_BY_FD, a, 0, shorter) ==
          Lines{"read the description of map#15:hash:config (its own info: type, sizes, name), not the elements "
                "stored in it",
                "info_len 104 => 88: this kernel's struct bpf_map_info has 88 bytes, fewer than the 104 offered; the "
                "rest was left as it was"});
    CHECK(t.call(uapi::BPF_OBJ_GET_INFO_BY_FD, a, -E2BIG) ==
          Lines{"info_len=104 is more than this kernel's struct bpf_map_info and the bytes past its end are not zero"});

    t.inspector.fds[{kPid, 6}] = prog(80, kKprobe, "hello");
    a.bpf_fd = 6;
    CHECK(t.call(uapi::BPF_OBJ_GET_INFO_BY_FD, a, 0) ==
          Lines{"read the description of prog#80:kprobe:hello (its own info: type, tag, name, ids of its maps), not "
                "its instructions"});
}

TEST_CASE("notes: walking the keys of a map", "[notes]") {
    Trace t;
    t.inspector.fds[{kPid, 3}] = config_map();
    uint32_t key = 501, next = 0;
    CHECK(t.call(uapi::BPF_MAP_GET_NEXT_KEY, elem(3, nullptr, &next), 0) ==
          Lines{"asked for the first key of map#15:hash:config: it is now in next_key (a walk over its elements "
                "begins)"});
    CHECK(t.call(uapi::BPF_MAP_GET_NEXT_KEY, elem(3, &key, &next), 0) ==
          Lines{"the key after the given one in map#15:hash:config is now in next_key"});
    CHECK(t.call(uapi::BPF_MAP_GET_NEXT_KEY, elem(3, &key, &next), -ENOENT) ==
          Lines{"no key after this one: the walk over the elements of map#15:hash:config is complete (ENOENT is the "
                "end of the map, not a failure)"});
    CHECK(t.call(uapi::BPF_MAP_GET_NEXT_KEY, elem(3, nullptr, &next), -ENOENT) ==
          Lines{"asked for the first key of map#15:hash:config: the map is empty (ENOENT)"});
}

TEST_CASE("notes: looking up, updating and deleting elements", "[notes]") {
    Trace t;
    t.inspector.fds[{kPid, 3}] = config_map();
    t.inspector.fds[{kPid, 4}] = map(16, kArray, "counts", 4, 8, 4);
    char key[4] = {}, value[13] = {};
    CHECK(t.call(uapi::BPF_MAP_LOOKUP_ELEM, elem(3, key, value), 0) ==
          Lines{"read the value stored under this key in map#15:hash:config"});
    CHECK(t.call(uapi::BPF_MAP_LOOKUP_ELEM, elem(3, key, value), -ENOENT) ==
          Lines{"no element with this key in map#15:hash:config"});
    CHECK(t.call(uapi::BPF_MAP_LOOKUP_ELEM, elem(4, key, value), -ENOENT) ==
          Lines{"the index is not below max_entries of map#16:array:counts (max_entries=4)"});

    CHECK(t.call(uapi::BPF_MAP_UPDATE_ELEM, elem(3, key, value, 0), 0) ==
          Lines{"stored the value under this key in map#15:hash:config (added or replaced: BPF_ANY)"});
    CHECK(t.call(uapi::BPF_MAP_UPDATE_ELEM, elem(3, key, value, 1), -EEXIST) ==
          Lines{"the key is already in map#15:hash:config and BPF_NOEXIST forbids replacing it"});
    CHECK(t.call(uapi::BPF_MAP_UPDATE_ELEM, elem(4, key, value, 1), -EEXIST) ==
          Lines{"every index of an array map always exists, so BPF_NOEXIST always fails on map#16:array:counts"});
    CHECK(t.call(uapi::BPF_MAP_UPDATE_ELEM, elem(3, key, value, 2), -ENOENT) ==
          Lines{"the key is not in map#15:hash:config and BPF_EXIST only replaces existing elements"});
    CHECK(t.call(uapi::BPF_MAP_UPDATE_ELEM, elem(3, key, value, 0), -E2BIG) ==
          Lines{"map#15:hash:config is full (max_entries=10240): there is no room for a new key"});
    CHECK(t.call(uapi::BPF_MAP_UPDATE_ELEM, elem(3, key, value, 3), -EINVAL) ==
          Lines{"BPF_NOEXIST and BPF_EXIST exclude each other; only one of BPF_ANY, BPF_NOEXIST, BPF_EXIST may be "
                "given"});
    // Unknown bits are the cause, not BPF_NOEXIST|BPF_EXIST (0x99 was
    // blamed on them).
    CHECK(t.call(uapi::BPF_MAP_UPDATE_ELEM, elem(3, key, value, 0x99), -EINVAL) ==
          Lines{"bits 0x98 of flags are no update flag (BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK): the kernel "
                "refuses them"});

    CHECK(t.call(uapi::BPF_MAP_DELETE_ELEM, elem(3, key, nullptr), 0) ==
          Lines{"removed the element with this key from map#15:hash:config"});
    CHECK(t.call(uapi::BPF_MAP_DELETE_ELEM, elem(4, key, nullptr), -EINVAL) ==
          Lines{"elements of an array map cannot be deleted: every index of map#16:array:counts always exists"});
}

TEST_CASE("notes: a map of fds refusing its value's fd blames the value, not the attr", "[notes]") {
    // A cgroup array updated with a regular file's fd: EBADF, which was
    // explained as "an fd in the attr is not open in this process".
    Trace t;
    t.inspector.fds[{kPid, 5}] = map(20, 8, "cg", 4, 4, 1);  // BPF_MAP_TYPE_CGROUP_ARRAY
    FakeResolver shapes;
    shapes.maps[5] = MapShape{8, 4, 4, 1, 0};
    t.resolver = &shapes;
    ObjectFacts file;
    file.what = "file:/tmp/notes";
    t.inspector.fds[{kPid, 11}] = file;
    uint32_t key = 0;
    int32_t value = 11;
    CHECK(t.call(uapi::BPF_MAP_UPDATE_ELEM, elem(5, &key, &value), -EBADF) ==
          Lines{"the value, fd 11 (file:/tmp/notes), is not a cgroup (its directory, opened): map#20:cgroup_array:cg "
                "holds only those"});
    value = 40;
    CHECK(t.call(uapi::BPF_MAP_UPDATE_ELEM, elem(5, &key, &value), -EBADF) ==
          Lines{"the value, fd 40, is not open in this process: map#20:cgroup_array:cg holds the fds of a cgroup (its "
                "directory, opened)"});
    // A bad map_fd is still the map_fd's fault.
    CHECK(t.call(uapi::BPF_MAP_UPDATE_ELEM, elem(9, &key, &value), -EBADF) ==
          Lines{"fd 9 (map_fd) is not open in this process"});
}

TEST_CASE("notes: a frozen map refuses writes from user space", "[notes]") {
    Trace t;
    t.inspector.fds[{kPid, 3}] = config_map();
    char key[4] = {}, value[13] = {};
    CHECK(t.call(uapi::BPF_MAP_FREEZE, elem(3, nullptr, nullptr), 0) ==
          Lines{"froze map#15:hash:config: user space can no longer change it (its programs still can)"});
    t.model.object_of(kPid, 3)->frozen = true;  // what the session records for the freeze
    CHECK(t.call(uapi::BPF_MAP_UPDATE_ELEM, elem(3, key, value), -EPERM) ==
          Lines{"map#15:hash:config is frozen (BPF_MAP_FREEZE): user space can no longer change it"});
    CHECK(t.call(uapi::BPF_MAP_FREEZE, elem(3, nullptr, nullptr), -EBUSY) ==
          Lines{"map#15:hash:config is already frozen, or a writable mmap() of it exists"});
}

TEST_CASE("notes: batches say how far they got", "[notes]") {
    Trace t;
    t.inspector.fds[{kPid, 3}] = config_map();
    uapi::map_batch_attr a{};
    a.map_fd = 3;
    a.count = 8;
    const std::function<void(uapi::map_batch_attr&)> three = [](uapi::map_batch_attr& x) { x.count = 3; };
    CHECK(t.call(uapi::BPF_MAP_LOOKUP_BATCH, a, 0) ==
          Lines{"read 8 elements of map#15:hash:config from the start (count 8); out_batch says where the next batch "
                "starts"});
    CHECK(t.call(uapi::BPF_MAP_LOOKUP_BATCH, a, -ENOENT, three) ==
          Lines{"read the last 3 elements of map#15:hash:config (count 8 => 3): the walk is complete (ENOENT is the "
                "end of the map, not a failure)"});
    CHECK(t.call(uapi::BPF_MAP_UPDATE_BATCH, a, -E2BIG, three) ==
          Lines{"stored 3 of 8 elements in map#15:hash:config, then it was full: no room for keys[3] (E2BIG)"});
    CHECK(t.call(uapi::BPF_MAP_UPDATE_BATCH, a, -EFAULT, three) ==
          Lines{"stored 3 of 8 elements in map#15:hash:config; keys[3] failed",
                "a pointer in the attr is bad: the kernel could not read or write the memory it points to"});
}

TEST_CASE("notes: creating a map", "[notes]") {
    Trace t;
    t.inspector.fds[{kPid, 5}] = config_map();
    uapi::map_create_attr a{};
    a.map_type = kHash;
    a.key_size = 4;
    a.value_size = 13;
    a.max_entries = 10240;
    std::strcpy(a.map_name, "config");
    CHECK(t.call(uapi::BPF_MAP_CREATE, a, 5) ==
          Lines{"created map#15:hash:config (4-byte keys, 13-byte values, up to 10240 entries): fd 5 holds a "
                "reference to it"});
    // The inspector cannot see the new fd: the label is what the call asked for.
    CHECK(t.call(uapi::BPF_MAP_CREATE, a, 6) ==
          Lines{"created map:hash:config (4-byte keys, 13-byte values, up to 10240 entries): fd 6 holds a reference "
                "to it"});
    a.map_type = kArray;
    a.key_size = 8;
    CHECK(t.call(uapi::BPF_MAP_CREATE, a, -EINVAL) == Lines{"key_size=8: an array map's key is a 4-byte index"});
    a.map_type = 0x4242;
    CHECK(t.call(uapi::BPF_MAP_CREATE, a, -EINVAL) ==
          Lines{"map_type=0x4242 is no value of Linux 6.18 or older: this kernel does not know it"});
}

TEST_CASE("notes: loading a program, and why the verifier said no", "[notes]") {
    Trace t;
    t.inspector.fds[{kPid, 6}] = prog(80, kKprobe, "hello");
    static const char license[] = "GPL";
    static char log[256] = {};
    uapi::prog_load_attr a{};
    a.prog_type = kKprobe;
    a.insn_cnt = 47;
    a.license = u64_of(license);
    std::strcpy(a.prog_name, "hello");
    CHECK(t.call(uapi::BPF_PROG_LOAD, a, 6) ==
          Lines{"the verifier accepted prog#80:kprobe:hello (47 instructions, license \"GPL\"): fd 6 holds a "
                "reference to it",
                "expected_attach_type=BPF_CGROUP_INET_INGRESS is 0, the first attach type's number: for a kprobe "
                "program it means a plain kprobe or uprobe, not kprobe_multi or uprobe_multi"});
    // An attach type the program type uses is not explained away.
    a.expected_attach_type = 42;  // BPF_TRACE_KPROBE_MULTI
    CHECK(t.call(uapi::BPF_PROG_LOAD, a, 6).size() == 1);
    a.expected_attach_type = 0;
    CHECK(t.call(uapi::BPF_PROG_LOAD, a, -EINVAL) ==
          Lines{"the verifier or the attr refused the program; no log was requested (log_level=0): load it again "
                "with a log to see why"});
    CHECK(t.call(uapi::BPF_PROG_LOAD, a, -EACCES) ==
          Lines{"the verifier rejected the program as unsafe; no log was requested (log_level=0): load it again with "
                "a log to see why"});
    a.log_level = 1;
    a.log_buf = u64_of(log);
    a.log_size = sizeof log;
    CHECK(t.call(uapi::BPF_PROG_LOAD, a, -EINVAL) ==
          Lines{"the verifier or the attr refused the program: see the verifier log in log_buf"});
    CHECK(t.call(uapi::BPF_PROG_LOAD, a, -EACCES) ==
          Lines{"the verifier rejected the program as unsafe: see the verifier log in log_buf"});
    const std::function<void(uapi::prog_load_attr&)> needs = [](uapi::prog_load_attr& x) { x.log_true_size = 4000; };
    CHECK(t.call(uapi::BPF_PROG_LOAD, a, -ENOSPC, needs) ==
          Lines{"the verifier log did not fit in log_buf (log_size=256, 4000 bytes needed): the load fails even if "
                "all else was fine"});
    a.log_size = 64;
    CHECK(t.call(uapi::BPF_PROG_LOAD, a, -EINVAL) ==
          Lines{"the log members do not fit together: log_level, log_buf and log_size (at least 128) are all set, "
                "or none"});
    a.log_size = sizeof log;
    a.insn_cnt = 2000000;
    CHECK(t.call(uapi::BPF_PROG_LOAD, a, -E2BIG) ==
          Lines{"insn_cnt=2000000: too many instructions (4096 without CAP_BPF, 1000000 with it), or the verifier "
                "gave up after 1000000 steps"});
}

TEST_CASE("notes: pinning an object", "[notes]") {
    Trace t;
    t.inspector.fds[{kPid, 3}] = config_map();
    static const char path[] = "/sys/fs/bpf/config";
    uapi::obj_attr a{};
    a.pathname = u64_of(path);
    a.bpf_fd = 3;
    CHECK(t.call(uapi::BPF_OBJ_PIN, a, 0) ==
          Lines{"pinned map#15:hash:config at /sys/fs/bpf/config: the object now outlives this process until the "
                "file is removed"});
    CHECK(t.call(uapi::BPF_OBJ_PIN, a, -EEXIST) ==
          Lines{"/sys/fs/bpf/config already exists: remove it first, or pin at another path"});
    t.inspector.fds[{kPid, 7}] = config_map();
    a.bpf_fd = 0;
    CHECK(t.call(uapi::BPF_OBJ_GET, a, 7) ==
          Lines{"opened the object pinned at /sys/fs/bpf/config: fd 7 now refers to map#15:hash:config"});
    CHECK(t.call(uapi::BPF_OBJ_GET, a, -ENOENT) == Lines{"nothing is pinned at /sys/fs/bpf/config"});
}

TEST_CASE("notes: attaching, links, queries and test runs", "[notes]") {
    Trace t;
    ObjectFacts link;
    link.kind = ObjectKind::Link;
    link.id = 4;
    link.type = 1;  // BPF_LINK_TYPE_RAW_TRACEPOINT
    ObjectFacts cgroup;
    cgroup.what = "cgroup:/sys/fs/cgroup/lab";
    ObjectFacts perf;
    perf.what = "perf_event";
    t.inspector.fds[{kPid, 6}] = prog(80, kKprobe, "hello");
    t.inspector.fds[{kPid, 7}] = link;
    t.inspector.fds[{kPid, 9}] = perf;
    t.inspector.fds[{kPid, 10}] = cgroup;

    static const char tracepoint[] = "sched_switch";
    uapi::raw_tracepoint_attr raw{};
    raw.name = u64_of(tracepoint);
    raw.prog_fd = 6;
    CHECK(t.call(uapi::BPF_RAW_TRACEPOINT_OPEN, raw, 7) ==
          Lines{"attached prog#80:kprobe:hello to raw tracepoint \"sched_switch\" through link#4:raw_tracepoint: it "
                "stays attached while fd 7 holds the link"});

    uapi::link_create_attr lc{};
    lc.prog_fd = 6;
    lc.target_fd = 9;
    lc.attach_type = uapi::BPF_PERF_EVENT;
    CHECK(t.call(uapi::BPF_LINK_CREATE, lc, 8) ==
          Lines{"attached prog#80:kprobe:hello to fd 9 (perf_event) through a new link",
                "it stays attached while fd 8 (or a pin) holds the link"});

    uapi::prog_attach_attr pa{};
    pa.target_fd = 10;
    pa.attach_bpf_fd = 6;
    pa.attach_flags = 2;  // BPF_F_ALLOW_MULTI
    CHECK(t.call(uapi::BPF_PROG_ATTACH, pa, 0) ==
          Lines{"attached prog#80:kprobe:hello to fd 10 (cgroup:/sys/fs/cgroup/lab) at BPF_CGROUP_INET_INGRESS "
                "(BPF_F_ALLOW_MULTI)",
                "no link holds it: it stays attached, even after this process exits, until BPF_PROG_DETACH"});
    // Root's EPERM from a cgroup hook is the cgroup's rule (modes mixed),
    // not a missing capability (which it was blamed on).
    CHECK(t.call(uapi::BPF_PROG_ATTACH, pa, -EPERM) ==
          Lines{"fd 10 (cgroup:/sys/fs/cgroup/lab) refuses it at BPF_CGROUP_INET_INGRESS: its programs there were "
                "attached in another mode (none, BPF_F_ALLOW_OVERRIDE or BPF_F_ALLOW_MULTI cannot be mixed on one "
                "hook), or a parent cgroup's program there allows no program below it"});

    uint32_t ids[2] = {};
    uapi::query_attr q{};
    q.target_fd = 10;
    q.prog_ids = u64_of(ids);
    q.prog_cnt = 2;
    const std::function<void(uapi::query_attr&)> five = [](uapi::query_attr& x) { x.prog_cnt = 5; };
    CHECK(t.call(uapi::BPF_PROG_QUERY, q, -ENOSPC, five) ==
          Lines{"prog_ids has room for 2 ids but 5 programs are attached (prog_cnt 2 => 5)"});

    uapi::test_attr run{};
    run.prog_fd = 6;
    run.repeat = 100;
    const std::function<void(uapi::test_attr&)> ran = [](uapi::test_attr& x) { x.retval = 2; x.duration = 35; };
    CHECK(t.call(uapi::BPF_PROG_TEST_RUN, run, 0, ran) ==
          Lines{"ran prog#80:kprobe:hello 100 times on the test input: it returned 2 (35 ns per run)"});

    static char name[64] = "do_sys_open";
    uapi::task_fd_query_attr tq{};
    tq.pid = 77;
    tq.fd = 5;
    tq.buf = u64_of(name);
    tq.buf_len = sizeof name;
    const std::function<void(uapi::task_fd_query_attr&)> found = [](uapi::task_fd_query_attr& x) {
        x.prog_id = 80;
        x.fd_type = 2;  // BPF_FD_TYPE_KPROBE
        x.buf_len = 11;
    };
    CHECK(t.call(uapi::BPF_TASK_FD_QUERY, tq, 0, found) ==
          Lines{"fd 5 of process 77 is a kprobe event for \"do_sys_open\" that runs prog#80:kprobe:hello"});
}

TEST_CASE("notes: loading BTF", "[notes]") {
    Trace t;
    ObjectFacts btf;
    btf.kind = ObjectKind::Btf;
    btf.id = 97;
    t.inspector.fds[{kPid, 3}] = btf;
    static const char blob[10] = "\x9f\xeb\x01";
    uapi::btf_load_attr a{};
    a.btf = u64_of(blob);
    a.btf_size = sizeof blob;
    CHECK(t.call(uapi::BPF_BTF_LOAD, a, 3) ==
          Lines{"loaded btf#97 (10 bytes of type information): fd 3 holds a reference to it"});
    CHECK(t.call(uapi::BPF_BTF_LOAD, a, -EINVAL) ==
          Lines{"the kernel refused the BTF blob; no log was requested (btf_log_level=0): load it again with a log to "
                "see why"});
    // The BTF checker's "Loop detected" is EEXIST: not an object that exists.
    CHECK(t.call(uapi::BPF_BTF_LOAD, a, -EEXIST) ==
          Lines{"the BTF has a loop the kernel refuses (its \"Loop detected\" is EEXIST): a type refers back to itself "
                "other than through a pointer to a struct or union"});
}

TEST_CASE("notes: EPERM says which capability, and what the sysctl does", "[notes]") {
    Trace t;
    uapi::map_create_attr a{};
    a.map_type = kHash;
    a.key_size = 4;
    a.value_size = 4;
    a.max_entries = 1;
    t.env.tracee_privileged = false;
    t.env.unprivileged_bpf_disabled = 1;
    CHECK(t.call(uapi::BPF_MAP_CREATE, a, -EPERM) ==
          Lines{"not permitted: BPF_MAP_CREATE needs CAP_BPF or CAP_SYS_ADMIN, which this process lacks",
                "kernel.unprivileged_bpf_disabled=1: bpf() is off for unprivileged processes until the next reboot"});
    t.env.unprivileged_bpf_disabled = 2;
    CHECK(t.call(uapi::BPF_MAP_CREATE, a, -EPERM)[1] ==
          "kernel.unprivileged_bpf_disabled=2: bpf() is off for unprivileged processes (root can set it back to 0)");
    t.env.unprivileged_bpf_disabled = -1;
    CHECK(t.call(uapi::BPF_MAP_CREATE, a, -EPERM) ==
          Lines{"not permitted: BPF_MAP_CREATE needs CAP_BPF or CAP_SYS_ADMIN, which this process lacks"});

    t.env.tracee_privileged = true;
    t.env.tracee_sys_admin = false;  // CAP_BPF alone
    CHECK(t.call(uapi::BPF_MAP_GET_NEXT_ID, next_id(0), -EPERM) ==
          Lines{"not permitted: BPF_MAP_GET_NEXT_ID needs CAP_SYS_ADMIN (CAP_BPF is not enough), which this process "
                "lacks (it has CAP_BPF)"});
    // With CAP_SYS_ADMIN the capability is not the cause (bpftool perf
    // show's BPF_TASK_FD_QUERY of other processes' fds, as root).
    t.env.tracee_sys_admin = true;
    CHECK(t.call(uapi::BPF_MAP_GET_NEXT_ID, next_id(0), -EPERM) ==
          Lines{"not permitted, though the process has CAP_SYS_ADMIN: a security module or kernel lockdown "
                "refused it"});
    CHECK(t.call(uapi::BPF_MAP_CREATE, a, -EPERM) ==
          Lines{"not permitted, though the process has CAP_BPF or CAP_SYS_ADMIN: a security module or kernel "
                "lockdown refused it",
                "before Linux 5.11 EPERM is also what going over RLIMIT_MEMLOCK (ulimit -l) looks like"});
}

TEST_CASE("notes: errors every command shares", "[notes]") {
    Trace t;
    char key[4] = {}, value[13] = {};
    CHECK(t.call(uapi::BPF_MAP_LOOKUP_ELEM, elem(9, key, value), -EBADF) ==
          Lines{"fd 9 (map_fd) is not open in this process"});
    t.inspector.fds[{kPid, 6}] = prog(80, kKprobe, "hello");
    CHECK(t.call(uapi::BPF_MAP_LOOKUP_ELEM, elem(6, key, value), -EINVAL) ==
          Lines{"fd 6 (map_fd) refers to prog#80:kprobe:hello, not a map"});
    uapi::obj_attr pin{};
    pin.pathname = 16;
    pin.bpf_fd = 6;
    CHECK(t.call(uapi::BPF_OBJ_PIN, pin, -EFAULT) ==
          Lines{"pathname at 0x10 is not readable memory: the kernel could not read it"});
    CHECK(t.call(uapi::BPF_MAP_LOOKUP_ELEM, elem(6, key, value), -524) ==
          Lines{"error 524 is the kernel's internal ENOTSUPP: this kernel, or this map or program type, does not "
                "support the operation"});

    uapi::iter_create_attr it{};
    it.link_fd = 7;
    it.flags = 1;
    CHECK(t.call(uapi::BPF_ITER_CREATE, it, -EINVAL) ==
          Lines{"flags=0x1: BPF_ITER_CREATE takes no flags (flags must be 0)"});

    // Non-zero bytes past the end of the command's attr.
    std::vector<std::byte> big(200);
    big[180] = std::byte{1};
    CHECK(t.call_bytes(uapi::BPF_MAP_GET_NEXT_ID, big.data(), 200, -E2BIG, [](std::byte*) {}) ==
          Lines{"the attr is bigger than this kernel knows, with non-zero bytes past its end (bytes 12..199): it "
                "refuses them"});
    CHECK(t.call_bytes(uapi::BPF_MAP_GET_NEXT_ID, big.data(), 200, -EINVAL, [](std::byte*) {}) ==
          Lines{"bytes 12..199 past the last member of BPF_MAP_GET_NEXT_ID are not zero: the kernel wants unused "
                "bytes of the attr to be 0"});
    CHECK(t.call_bytes(99, big.data(), 16, -EINVAL, [](std::byte*) {}) ==
          Lines{"command 99 is not a bpf() command of Linux 6.18 or older: this kernel does not know it either "
                "(EINVAL)"});
}

TEST_CASE("notes: every command and common result gives one or two plain lines", "[notes]") {
    const int64_t results[] = {0,       3,      -EPERM,  -EINVAL, -ENOENT, -E2BIG,      -EBADF, -EFAULT,
                               -ENOSPC, -EBUSY, -EEXIST, -EACCES, -524,    -EOPNOTSUPP, -ENOMEM};
    for (uint32_t cmd = 0; cmd < uapi::BPF_CMD_COUNT; ++cmd) {
        for (const int64_t ret : results) {
            Trace t;
            t.inspector.fds[{kPid, 3}] = config_map();
            std::vector<std::byte> attr(uapi::BPF_ATTR_SIZE_6_18);
            const Lines lines = t.call_bytes(cmd, attr.data(), uint32_t(attr.size()), ret, [](std::byte*) {});
            INFO("command " << bpfsc::decoder::xlat::bpf_cmd.name_of(cmd) << " result " << ret);
            if (ret >= 0) CHECK(!lines.empty());
            CHECK(lines.size() <= 2);
            for (const std::string& line : lines) {
                INFO(line);
                CHECK(!line.empty());
                CHECK(line.find('\n') == std::string::npos);
                CHECK(!line.starts_with("#"));
            }
        }
    }
}
