// Map keys and values typed by BTF. A BTF object is built with libbpf's
// writer, loaded into the kernel, and used to create real maps (a hash map
// like the lab's "config" map, a map of a struct with every kind of member,
// a per-CPU array); their elements round trip through update and lookup,
// one at a time and in batches, and must read back typed in text and JSON.
// Also: the formatter alone on hand-made bytes (bitfields, enums, char
// arrays with and without NUL, unprintable text, size mismatches), type
// names on BPF_MAP_CREATE, and the fallback to hex without BTF.
#include <bpf/btf.h>
#include <linux/btf.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include <catch2/catch.hpp>

#include "btf/btf_types.h"
#include "btf/value_format.h"
#include "kernel_objects.h"
#include "support.h"

using namespace bpfsc::test;
using bpfsc::uapi::map_batch_attr;
using bpfsc::uapi::map_create_attr;
using bpfsc::uapi::map_elem_attr;

namespace {

constexpr uint32_t kHash = 1, kPercpuArray = 6;

// The types the tests use, with their ids.
struct TestBtf {
    std::unique_ptr<BtfTypes> types;  // parsed back from the raw blob, as the tracer does
    int fd = -1;                      // loaded into the kernel (or -errno)
    int t_int = 0, t_uint = 0, t_char = 0, t_msg = 0, t_sample = 0, t_state = 0, t_union = 0;

    TestBtf() {
        struct btf* b = btf__new_empty();
        REQUIRE(b != nullptr);
        t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
        t_uint = btf__add_int(b, "unsigned int", 4, 0);
        t_char = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
        const int char12 = btf__add_array(b, t_int, t_char, 12);
        t_msg = btf__add_struct(b, "user_msg_t", 12);
        btf__add_field(b, "message", char12, 0, 0);
        t_state = btf__add_enum(b, "state", 4);
        btf__add_enum_value(b, "IDLE", 0);
        btf__add_enum_value(b, "RUNNING", 1);
        const int int3 = btf__add_array(b, t_int, t_int, 3);
        const int onion = t_union = btf__add_union(b, nullptr, 4);
        btf__add_field(b, "i", t_int, 0, 0);
        btf__add_field(b, "u", t_uint, 0, 0);
        const int vptr = btf__add_ptr(b, 0);
        // struct sample { unsigned pid; enum state st; int vals[3];
        //                 unsigned flag:1, level:3; union { int i; unsigned u; }; void *ptr; }
        t_sample = btf__add_struct(b, "sample", 40);
        btf__add_field(b, "pid", t_uint, 0, 0);
        btf__add_field(b, "st", t_state, 32, 0);
        btf__add_field(b, "vals", int3, 64, 0);
        btf__add_field(b, "flag", t_uint, 160, 1);
        btf__add_field(b, "level", t_uint, 161, 3);
        btf__add_field(b, nullptr, onion, 192, 0);
        btf__add_field(b, "ptr", vptr, 256, 0);
        uint32_t size = 0;
        const void* raw = btf__raw_data(b, &size);
        REQUIRE(raw != nullptr);
        int err = 0;
        types = BtfTypes::parse(std::string_view(static_cast<const char*>(raw), size), &err);
        REQUIRE(types != nullptr);
        fd = btf__load_into_kernel(b) == 0 ? btf__fd(b) : -errno;
        if (fd >= 0) fd = dup(fd);  // ours, beyond the writer's life
        btf__free(b);
    }
    ~TestBtf() {
        if (fd >= 0) close(fd);
    }
};

struct Sample {
    uint32_t pid;
    uint32_t st;
    int32_t vals[3];
    uint32_t bits;   // flag:1, level:3
    int32_t i;
    uint32_t pad;
    uint64_t ptr;
};
static_assert(sizeof(Sample) == 40);

std::string typed(const TestBtf& t, int type, const void* p, std::size_t n, ValueStyle style = ValueStyle::Text) {
    OutBuf out;
    if (!append_typed_value(out, *t.types, uint32_t(type), std::string_view(static_cast<const char*>(p), n),
                            ValueFormat{style, 32}))
        return "<no>";
    return std::string(out.data(), out.size());
}

// A real map made with BTF types for its keys and values.
struct BtfMap {
    int fd = -1;
    MapShape shape;
    BtfMap(const TestBtf& t, uint32_t type, uint32_t key_size, uint32_t value_size, int key_type, int value_type) {
        map_create_attr a{};
        a.map_type = type;
        a.key_size = key_size;
        a.value_size = value_size;
        a.max_entries = 8;
        a.btf_fd = uint32_t(t.fd);
        a.btf_key_type_id = uint32_t(key_type);
        a.btf_value_type_id = uint32_t(value_type);
        fd = int(real_bpf(bpfsc::uapi::BPF_MAP_CREATE, &a, sizeof a));
        REQUIRE(fd >= 0);
        shape = MapShape{type, key_size, value_size, 8, 0, t.types.get(), uint32_t(key_type), uint32_t(value_type)};
    }
    ~BtfMap() { close(fd); }
};

map_elem_attr elem(int fd, const void* key, const void* value) {
    map_elem_attr a{};
    a.map_fd = uint32_t(fd);
    a.key = u64_of(key);
    a.value = u64_of(value);
    return a;
}

} // namespace

TEST_CASE("typed values: every kind of member", "[btf]") {
    TestBtf t;
    Sample s{};
    s.pid = 7;
    s.st = 1;
    s.vals[0] = 1, s.vals[1] = -2, s.vals[2] = 3;
    s.bits = 1 | (5 << 1);
    s.i = -1;
    s.ptr = 0x1234;
    CHECK(typed(t, t.t_sample, &s, sizeof s) ==
          "{pid=7, st=RUNNING, vals=[1, -2, 3], flag=1, level=5, i=-1, u=4294967295, ptr=0x1234}");
    CHECK(typed(t, t.t_sample, &s, sizeof s, ValueStyle::Json) ==
          R"({"pid":7,"st":"RUNNING","vals":[1,-2,3],"flag":1,"level":5,"i":-1,"u":4294967295,"ptr":4660})");
    CHECK(valid_json(typed(t, t.t_sample, &s, sizeof s, ValueStyle::Json)));
    s.st = 9;  // no enumerator: the number
    CHECK(typed(t, t.t_sample, &s, sizeof s).find("st=9,") != std::string::npos);
    // The wrong size for the type: not typed (the caller shows hex).
    CHECK(typed(t, t.t_sample, &s, sizeof s - 1) == "<no>");
    CHECK(typed(t, 999, &s, 4) == "<no>");
}

TEST_CASE("type names stay on one line, anonymous ones too", "[btf]") {
    TestBtf t;
    auto name = [&](int id) {
        OutBuf out;
        t.types->append_type_name(out, uint32_t(id));
        return fmt::to_string(out);
    };
    CHECK(name(t.t_msg) == "struct user_msg_t");
    CHECK(name(t.t_state) == "enum state");
    CHECK(name(t.t_union) == "union {...}");  // a name for the line, not the declaration
    CHECK(name(0) == "void");
    CHECK(name(4242) == "type#4242???");
}

TEST_CASE("typed values: char arrays read as strings", "[btf]") {
    TestBtf t;
    // The text fills the array: no NUL, still a string (bpftool lists numbers here).
    CHECK(typed(t, t.t_msg, "Hi user 501!", 12) == R"({message="Hi user 501!"})");
    const char shorter[12] = "Hi root";
    CHECK(typed(t, t.t_msg, shorter, 12) == R"({message="Hi root"})");
    CHECK(typed(t, t.t_msg, shorter, 12, ValueStyle::Json) == R"({"message":"Hi root"})");
    // Unprintable bytes: the numbers.
    const char binary[12] = {1, 2, 3, 0};
    CHECK(typed(t, t.t_msg, binary, 12) == "{message=[1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]}");
}

TEST_CASE("type names on BPF_MAP_CREATE", "[btf]") {
    BPFSC_REQUIRE_BPF();
    TestBtf t;
    REQUIRE(t.fd >= 0);
    FakeResolver r;
    r.btfs[t.fd] = t.types.get();
    map_create_attr a{};
    a.map_type = kHash;
    a.key_size = 4;
    a.value_size = 12;
    a.max_entries = 4;
    a.btf_fd = uint32_t(t.fd);
    a.btf_key_type_id = uint32_t(t.t_int);
    a.btf_value_type_id = uint32_t(t.t_msg);
    GuardedPage page;
    std::byte* at = page.place(&a, sizeof a);
    const Rendered out = run_call(bpfsc::uapi::BPF_MAP_CREATE, at, sizeof a,
                                  real_kernel_closing(bpfsc::uapi::BPF_MAP_CREATE), &r);
    CHECK(out.ret >= 0);
    CHECK_THAT(out.text, Catch::Contains(fmt::format("btf_key_type_id={}<int>, btf_value_type_id={}<struct user_msg_t>",
                                                     t.t_int, t.t_msg)));
    CHECK_THAT(out.json, Catch::Contains(R"("btf_value_type_id":{"value":5,"name":"struct user_msg_t"})"));

    // -v: the types in C below the call.
    SelfMemory memory;
    Decoder decoder(memory, &r);
    DecodedCall call;
    decoder.decode_entry(call, bpfsc::uapi::BPF_MAP_CREATE, addr_of(at), sizeof a);
    decoder.decode_exit(call, 0);
    OutBuf text;
    render_text(call, TextPhase::Complete, TextOptions{.data_lines = true, .whole_data = true, .verbose = true}, text);
    CHECK_THAT(fmt::to_string(text),
               Catch::EndsWith(fmt::format("  btf_key_type_id {}:\n    int;\n  btf_value_type_id {}:\n"
                                           "    struct user_msg_t {{\n    \tchar message[12];\n    }};\n",
                                           t.t_int, t.t_msg)));
}

TEST_CASE("a config map round trips typed through update and lookup", "[btf]") {
    BPFSC_REQUIRE_BPF();
    TestBtf t;
    REQUIRE(t.fd >= 0);
    BtfMap m(t, kHash, 4, 12, t.t_int, t.t_msg);
    FakeResolver r;
    r.maps[m.fd] = m.shape;
    GuardedPage page;

    const int32_t key = 501;
    char message[12];
    std::memcpy(message, "Hi user 501!", 12);
    map_elem_attr up = elem(m.fd, &key, message);
    std::byte* at = page.place(&up, sizeof up);
    Rendered out = run_call(bpfsc::uapi::BPF_MAP_UPDATE_ELEM, at, sizeof up,
                            real_kernel(bpfsc::uapi::BPF_MAP_UPDATE_ELEM), &r);
    REQUIRE(out.ret == 0);
    CHECK_THAT(out.text, Catch::Contains("\n  key: 501\n  value: {message=\"Hi user 501!\"}\n"));
    CHECK_THAT(out.json, Catch::Contains(R"("typed":{"message":"Hi user 501!"})"));
    CHECK_THAT(out.json, Catch::Contains(R"("typed":501)"));

    char back[12] = {};
    map_elem_attr look = elem(m.fd, &key, back);
    at = page.place(&look, sizeof look);
    out = run_call(bpfsc::uapi::BPF_MAP_LOOKUP_ELEM, at, sizeof look, real_kernel(bpfsc::uapi::BPF_MAP_LOOKUP_ELEM),
                   &r);
    REQUIRE(out.ret == 0);
    CHECK(std::memcmp(back, message, 12) == 0);
    CHECK_THAT(out.text, Catch::Contains("\n  key: 501\n  value: {message=\"Hi user 501!\"}\n"));
    CHECK(valid_json(out.json));
}

TEST_CASE("a struct map round trips typed, one by one and in batches", "[btf]") {
    BPFSC_REQUIRE_BPF();
    TestBtf t;
    REQUIRE(t.fd >= 0);
    BtfMap m(t, kHash, 4, sizeof(Sample), t.t_uint, t.t_sample);
    FakeResolver r;
    r.maps[m.fd] = m.shape;
    GuardedPage page;

    uint32_t keys[3] = {10, 20, 30};
    Sample values[3]{};
    for (int i = 0; i < 3; ++i) {
        values[i].pid = 100 + uint32_t(i);
        values[i].st = uint32_t(i % 2);
        values[i].vals[0] = i;
        values[i].bits = uint32_t(i) << 1;
    }
    map_batch_attr up{};
    up.keys = u64_of(keys);
    up.values = u64_of(values);
    up.count = 3;
    up.map_fd = uint32_t(m.fd);
    std::byte* at = page.place(&up, sizeof up);
    Rendered out = run_call(bpfsc::uapi::BPF_MAP_UPDATE_BATCH, at, sizeof up,
                            real_kernel(bpfsc::uapi::BPF_MAP_UPDATE_BATCH), &r);
    REQUIRE(out.ret == 0);
    for (int i = 0; i < 3; ++i) {
        CHECK_THAT(out.text, Catch::Contains(fmt::format("  keys[{}]: {}\n", i, keys[i])));
        CHECK_THAT(out.text,
                   Catch::Contains(fmt::format("  values[{}]: {{pid={}, st={}, vals=[{}, 0, 0], flag=0, level={}, i=0, "
                                               "u=0, ptr=NULL}}\n",
                                               i, 100 + i, i % 2 ? "RUNNING" : "IDLE", i, i)));
    }

    // Read them all back in one batch: every element decoded at exit.
    uint32_t got_keys[8] = {};
    Sample got[8]{};
    uint32_t next = 0;
    map_batch_attr look{};
    look.out_batch = u64_of(&next);
    look.keys = u64_of(got_keys);
    look.values = u64_of(got);
    look.count = 8;
    look.map_fd = uint32_t(m.fd);
    at = page.place(&look, sizeof look);
    out = run_call(bpfsc::uapi::BPF_MAP_LOOKUP_BATCH, at, sizeof look, real_kernel(bpfsc::uapi::BPF_MAP_LOOKUP_BATCH),
                   &r);
    REQUIRE(out.ret == -ENOENT);  // the whole map in one go: the walk ended
    for (int i = 0; i < 3; ++i) {
        CHECK_THAT(out.text, Catch::Contains(fmt::format("  keys[{}]: {}\n", i, got_keys[i])));
        CHECK_THAT(out.text, Catch::Contains(fmt::format("  values[{}]: {{pid={}, ", i, got[i].pid)));
    }
    CHECK_THAT(out.json, Catch::Contains(R"("typed":[{"pid":)"));
    CHECK(valid_json(out.json));
}

TEST_CASE("per-CPU values are typed one per possible CPU", "[btf]") {
    BPFSC_REQUIRE_BPF();
    TestBtf t;
    REQUIRE(t.fd >= 0);
    BtfMap m(t, kPercpuArray, 4, 4, t.t_int, t.t_int);
    FakeResolver r;
    r.cpus = possible_cpus();
    r.maps[m.fd] = m.shape;
    std::vector<uint64_t> slots(r.cpus);
    for (uint32_t c = 0; c < r.cpus; ++c) slots[c] = 10 + c;
    const uint32_t key = 0;
    map_elem_attr up = elem(m.fd, &key, slots.data());
    GuardedPage page;
    std::byte* at = page.place(&up, sizeof up);
    const Rendered out = run_call(bpfsc::uapi::BPF_MAP_UPDATE_ELEM, at, sizeof up,
                                  real_kernel(bpfsc::uapi::BPF_MAP_UPDATE_ELEM), &r);
    REQUIRE(out.ret == 0);
    std::string expected = "  value: {";
    for (uint32_t c = 0; c < r.cpus; ++c) expected += fmt::format("{}cpu{}={}", c ? ", " : "", c, 10 + c);
    CHECK_THAT(out.text, Catch::Contains(expected + "}\n"));
    CHECK_THAT(out.json, Catch::Contains(R"("typed":[{"cpu":0,"value":10})"));
}

TEST_CASE("without BTF: hex, per CPU for per-CPU maps", "[btf]") {
    BPFSC_REQUIRE_BPF();
    map_create_attr a{};
    a.map_type = kPercpuArray;
    a.key_size = 4;
    a.value_size = 4;
    a.max_entries = 1;
    Fd map(real_bpf(bpfsc::uapi::BPF_MAP_CREATE, &a, sizeof a));
    REQUIRE(map.fd >= 0);
    FakeResolver r;
    r.cpus = possible_cpus();
    r.maps[map.fd] = MapShape{kPercpuArray, 4, 4, 1, 0};
    std::vector<uint64_t> slots(r.cpus, 0x01020304);
    const uint32_t key = 0;
    map_elem_attr up = elem(map.fd, &key, slots.data());
    GuardedPage page;
    std::byte* at = page.place(&up, sizeof up);
    const Rendered out = run_call(bpfsc::uapi::BPF_MAP_UPDATE_ELEM, at, sizeof up,
                                  real_kernel(bpfsc::uapi::BPF_MAP_UPDATE_ELEM), &r);
    REQUIRE(out.ret == 0);
    CHECK_THAT(out.text, Catch::Contains("  key: 00 00 00 00\n  value: cpu0=04 03 02 01, cpu1="));
    CHECK_THAT(out.json, !Catch::Contains("\"typed\""));
}

TEST_CASE("typed values: a section's bytes that no variable covers are never hidden", "[btf]") {
    // struct { .rodata: int a at 0, int b at 8 } over 12 bytes: bytes 4..7
    // belong to no variable. Zero (alignment), the section is typed; not
    // zero, typing it would hide them (it showed "{a=1, b=2}"), so it is
    // not typed and the caller shows every byte.
    struct btf* b = btf__new_empty();
    REQUIRE(b != nullptr);
    const int t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
    const int a = btf__add_var(b, "a", BTF_VAR_GLOBAL_ALLOCATED, t_int);
    const int v = btf__add_var(b, "b", BTF_VAR_GLOBAL_ALLOCATED, t_int);
    const int sec = btf__add_datasec(b, ".rodata", 12);
    btf__add_datasec_var_info(b, a, 0, 4);
    btf__add_datasec_var_info(b, v, 8, 4);
    uint32_t size = 0;
    const void* raw = btf__raw_data(b, &size);
    int err = 0;
    auto types = BtfTypes::parse(std::string_view(static_cast<const char*>(raw), size), &err);
    btf__free(b);
    REQUIRE(types != nullptr);
    auto show = [&](const std::array<int32_t, 3>& words) {
        OutBuf out;
        const std::string_view bytes(reinterpret_cast<const char*>(words.data()), sizeof words);
        return append_typed_value(out, *types, uint32_t(sec), bytes, ValueFormat{}) ? fmt::to_string(out)
                                                                                     : std::string("<no>");
    };
    CHECK(show({1, 0, 2}) == "{a=1, b=2}");
    CHECK(show({1, 0x55, 2}) == "<no>");
    // A section with no variables at all shows nothing typed either.
    struct btf* e = btf__new_empty();
    const int empty = btf__add_datasec(e, ".data", 12);
    raw = btf__raw_data(e, &size);
    auto none = BtfTypes::parse(std::string_view(static_cast<const char*>(raw), size), &err);
    btf__free(e);
    REQUIRE(none != nullptr);
    OutBuf out;
    const std::array<int32_t, 3> words{0, 7, 0};
    CHECK_FALSE(append_typed_value(out, *none, uint32_t(empty),
                                   std::string_view(reinterpret_cast<const char*>(words.data()), sizeof words),
                                   ValueFormat{}));
}

TEST_CASE("the tests' JSON check takes numbers as RFC 8259 writes them", "[btf]") {
    // A float member can print as a denormal double, 4e-323: a JSON number.
    CHECK(valid_json("4e-323"));
    CHECK(valid_json("[-1.5E+3, 0.25, 7]"));
    CHECK(!valid_json("1."));
    CHECK(!valid_json("1e"));
    CHECK(!valid_json("1e+"));
}
