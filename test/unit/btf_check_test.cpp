// Hostile BTF: loops no C type can be (a typedef naming itself, a pointer
// to itself, const and volatile naming each other, a struct holding itself,
// an array of itself, a function pointer taking itself), chains too long to
// walk and shared members that multiply a walk's work. Each is found by the
// graph check, and every printer of the project (names, C declarations,
// typed values) answers without crashing or spinning; before the check,
// libbpf's dumper overflowed the stack or spun on these. The loops C has
// (through pointers to structs, also by typedef), vmlinux and a real
// example's BTF pass.
#include <bpf/btf.h>
#include <linux/btf.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "btf/btf_check.h"
#include "btf/btf_types.h"
#include "btf/value_format.h"
#include "support.h"

using namespace bpfsc::test;

namespace {

// Builds types with libbpf's writer, lets `mutate` bend them where the
// writer would refuse (a reference to the type itself), and parses the
// raw bytes back as the tracer parses a tracee's blob.
std::unique_ptr<BtfTypes> build(const std::function<void(struct btf*)>& add,
                                const std::function<void(struct btf*)>& mutate = {}) {
    struct btf* b = btf__new_empty();
    REQUIRE(b != nullptr);
    add(b);
    if (mutate) mutate(b);
    uint32_t size = 0;
    const void* raw = btf__raw_data(b, &size);
    REQUIRE(raw != nullptr);
    int err = 0;
    auto types = BtfTypes::parse(std::string_view(static_cast<const char*>(raw), size), &err);
    btf__free(b);
    REQUIRE(types != nullptr);
    return types;
}

// The writer's types are its own memory: a test may point one anywhere.
struct btf_type* writable(struct btf* b, int id) {
    return const_cast<struct btf_type*>(btf__type_by_id(b, uint32_t(id)));
}

std::string type_name(const BtfTypes& t, uint32_t id) {
    OutBuf out;
    t.append_type_name(out, id);
    return std::string(out.data(), out.size());
}

std::string c_of(const BtfTypes& t, uint32_t id = 0) {
    OutBuf out;
    t.append_c(out, id);
    return std::string(out.data(), out.size());
}

// struct s { u64 a; u64 b; }: type 2, its members to bend.
void add_two_u64s(struct btf* b) {
    const int u64 = btf__add_int(b, "u64", 8, 0);
    btf__add_struct(b, "s", 16);
    btf__add_field(b, "a", u64, 0, 0);
    btf__add_field(b, "b", u64, 64, 0);
}

} // namespace

TEST_CASE("BTF check: the loops C has pass, and the printers print them", "[btf]") {
    // struct node { struct node *next; node_t *prev; }; typedef struct node node_t;
    auto t = build(
        [](struct btf* b) {
            btf__add_int(b, "long", 8, 0);                       // 1
            const int node = btf__add_struct(b, "node", 16);      // 2
            btf__add_field(b, "next", 1, 0, 0);
            btf__add_field(b, "prev", 1, 64, 0);
            btf__add_ptr(b, node);                                // 3
            const int node_t = btf__add_typedef(b, "node_t", node);  // 4
            btf__add_ptr(b, node_t);                              // 5
            const int fwd = btf__add_fwd(b, "later", BTF_FWD_STRUCT);  // 6
            btf__add_ptr(b, fwd);                                 // 7
        },
        [](struct btf* b) {  // the members point back: next to struct node, prev to node_t
            btf_members(writable(b, 2))[0].type = 3;
            btf_members(writable(b, 2))[1].type = 5;
        });
    CHECK(t->malformation() == "");
    CHECK(type_name(*t, 4) == "node_t");
    CHECK(type_name(*t, 5) == "node_t *");
    const std::string c = c_of(*t, 2);
    INFO(c);
    CHECK(c.find("struct node *next;") != std::string::npos);
    CHECK(c.find("node_t *prev;") != std::string::npos);
}

TEST_CASE("BTF check: every loop no C type can be is found, and nothing crashes on it", "[btf]") {
    struct Case {
        const char* what;
        std::function<void(struct btf*)> add, mutate;
        const char* says;
    };
    const std::vector<Case> cases = {
        {"a typedef naming itself",
         [](struct btf* b) { btf__add_int(b, "int", 4, 0); btf__add_typedef(b, "t", 1); },
         [](struct btf* b) { writable(b, 2)->type = 2; }, "type 2 (typedef) refers to itself"},
        {"a pointer to itself",
         [](struct btf* b) { btf__add_int(b, "int", 4, 0); btf__add_ptr(b, 1); },
         [](struct btf* b) { writable(b, 2)->type = 2; }, "type 2 (ptr) refers to itself"},
        {"const and volatile naming each other",
         [](struct btf* b) { btf__add_int(b, "int", 4, 0); btf__add_const(b, 1); btf__add_volatile(b, 2); },
         [](struct btf* b) { writable(b, 2)->type = 3; }, "refers back to type"},
        {"a struct holding itself by value",
         [](struct btf* b) {
             btf__add_int(b, "int", 4, 0);
             btf__add_struct(b, "s", 4);
             btf__add_field(b, "self", 1, 0, 0);
         },
         [](struct btf* b) { btf_members(writable(b, 2))[0].type = 2; }, "type 2 (struct) refers to itself"},
        {"an array of itself",
         [](struct btf* b) { btf__add_int(b, "int", 4, 0); btf__add_array(b, 1, 1, 4); },
         [](struct btf* b) { btf_array(writable(b, 2))->type = 2; }, "type 2 (array) refers to itself"},
        {"a function pointer taking itself",
         [](struct btf* b) {
             btf__add_int(b, "int", 4, 0);          // 1
             btf__add_func_proto(b, 1);             // 2: int (*)(fn)
             btf__add_func_param(b, "f", 1);
             btf__add_ptr(b, 2);                    // 3
         },
         [](struct btf* b) { btf_params(writable(b, 2))[0].type = 3; }, "refers back to type"},
        {"an anonymous struct holding a pointer to itself (the dumper prints it inline, endlessly)",
         [](struct btf* b) {
             btf__add_int(b, "int", 4, 0);          // 1
             btf__add_struct(b, "", 8);             // 2: struct { int *self; }
             btf__add_field(b, "self", 1, 0, 0);
             btf__add_ptr(b, 2);                    // 3
         },
         [](struct btf* b) { btf_members(writable(b, 2))[0].type = 3; }, "refers back to type"},
        {"a variable as a struct's member (found by fuzzing: the dumper divided by its alignment, 0)",
         [](struct btf* b) {
             btf__add_int(b, "int", 4, 0);                        // 1
             btf__add_var(b, "v", BTF_VAR_GLOBAL_ALLOCATED, 1);   // 2
             btf__add_struct(b, "s", 4);                          // 3
             btf__add_field(b, "m", 1, 0, 0);
         },
         [](struct btf* b) { btf_members(writable(b, 3))[0].type = 2; },
         "type 3 (struct) refers to type 2 (var), which no struct can name"},
        {"a bitfield member of type void (found by fuzzing: the dumper divided by void's alignment, 0)",
         [](struct btf* b) {
             btf__add_int(b, "int", 4, 0);          // 1
             btf__add_struct(b, "s", 4);            // 2
             btf__add_field(b, "m", 1, 0, 3);
         },
         [](struct btf* b) { btf_members(writable(b, 2))[0].type = 0; }, "type 2 (struct) holds a value of type void"},
        {"a chain of 300 consts",
         [](struct btf* b) {
             btf__add_int(b, "int", 4, 0);
             for (int i = 1; i <= 300; ++i) btf__add_const(b, i);
         },
         {}, "chain of more than 256"},
    };
    for (const Case& c : cases) {
        INFO(c.what);
        auto t = build(c.add, c.mutate);
        CHECK(t->malformation().find(c.says) != std::string::npos);
        // Each printer, on every type: an answer, no crash, no endless walk.
        for (uint32_t id = 1; id < t->type_count(); ++id) {
            CHECK_FALSE(type_name(*t, id).empty());
            OutBuf value;
            const std::string bytes(8, '\0');
            append_typed_value(value, *t, id, bytes, ValueFormat{});
            CHECK(t->resolve(id) <= t->type_count());
        }
        CHECK(c_of(*t).find("not printed: " + t->malformation()) != std::string::npos);
    }
}

TEST_CASE("BTF parse: a header that would misalign every type is refused", "[btf]") {
    struct btf* b = btf__new_empty();
    REQUIRE(b != nullptr);
    add_two_u64s(b);
    uint32_t size = 0;
    const auto* raw = static_cast<const char*>(btf__raw_data(b, &size));
    REQUIRE(raw != nullptr);
    std::string blob(raw, size);
    btf__free(b);
    int err = 0;
    CHECK(BtfTypes::parse(blob, &err) != nullptr);
    // One byte more of header: the types start at an odd address, where
    // libbpf would read them (fuzz-btf found it with UBSan).
    struct btf_header header;
    std::memcpy(&header, blob.data(), sizeof header);
    header.hdr_len += 1;
    blob.insert(sizeof header, 1, '\0');
    std::memcpy(blob.data(), &header, sizeof header);
    CHECK(BtfTypes::parse(blob, &err) == nullptr);
    CHECK(err == EINVAL);
}

TEST_CASE("BTF check: ints, floats and enums of sizes the kernel refuses are found", "[btf]") {
    // An int of 0 bytes has alignment 0: libbpf's dumper divides by it (fuzz-btf).
    struct btf* b = btf__new_empty();
    REQUIRE(b != nullptr);
    add_two_u64s(b);
    CHECK(find_btf_malformation(b).empty());
    writable(b, 1)->size = 0;
    CHECK(find_btf_malformation(b) == "type 1 (int): 64 bits at bit 0 in 0 bytes, which the kernel refuses");
    writable(b, 1)->size = 3;
    CHECK(find_btf_malformation(b) == "type 1 (int): 64 bits at bit 0 in 3 bytes, which the kernel refuses");
    btf__free(b);
    b = btf__new_empty();
    REQUIRE(b != nullptr);
    btf__add_float(b, "f", 4);
    btf__add_enum(b, "e", 4);
    CHECK(find_btf_malformation(b).empty());
    writable(b, 1)->size = 5;
    CHECK(find_btf_malformation(b) == "type 1 (float): 5 bytes, which the kernel refuses");
    writable(b, 1)->size = 4;
    writable(b, 2)->size = 0;
    CHECK(find_btf_malformation(b) == "type 2 (enum): 0 bytes, which the kernel refuses");
    btf__free(b);
}

TEST_CASE("BTF check: a type naming one that does not exist is found", "[btf]") {
    // libbpf's parser already refuses ids past the end; the check says so
    // too, for BTF parsed some other way.
    struct btf* b = btf__new_empty();
    REQUIRE(b != nullptr);
    btf__add_int(b, "int", 4, 0);
    btf__add_ptr(b, 1);
    writable(b, 2)->type = 77;
    CHECK(find_btf_malformation(b) == "type 2 (ptr) refers to type 77, which does not exist");
    // The largest id too: it once read as "no more references" (fuzz-btf).
    writable(b, 2)->type = 0xffffffffu;
    CHECK(find_btf_malformation(b) == "type 2 (ptr) refers to type 4294967295, which does not exist");
    btf__free(b);
}

TEST_CASE("BTF check: a name outside the string section is found before libbpf's dumper sees it", "[btf]") {
    // Found by fuzzing (test/fuzz/corpus/btf/crash-member-name-outside-strings):
    // libbpf's parser accepts it, and btf_dump dereferences the NULL name.
    auto t = build(
        add_two_u64s,
        [](struct btf* b) { btf_members(writable(b, 2))[1].name_off = 0xffffff; });
    REQUIRE(t != nullptr);
    CHECK(t->malformation() == "type 2 (struct): member 1's name is outside the string section");
    OutBuf out;
    t->append_c(out);
    CHECK(fmt::to_string(out).find("not printed") != std::string::npos);
}

TEST_CASE("BTF check: members outside their struct and C that would not end are found", "[btf]") {
    // Found by fuzzing (test/fuzz/corpus/btf/timeout-*): a member 300 MB
    // into its struct made the dumper print 37 million padding lines.
    auto far = build(
        add_two_u64s,
        [](struct btf* b) { btf_members(writable(b, 2))[1].offset = 2399142016u; });
    CHECK(far->malformation() == "type 2 (struct): member 1 ends past the 16 bytes of its struct");
    // The kernel accepts a struct of 4 GiB: its padding alone would be
    // half a billion lines.
    auto huge = build([](struct btf* b) {
        const int u64 = btf__add_int(b, "u64", 8, 0);
        btf__add_struct(b, "huge", 0xfffffff0u);
        btf__add_field(b, "a", u64, 0, 0);
    });
    CHECK(huge->malformation() == "its C declarations would take more than 4194304 lines");
    // Anonymous structs are printed at every use: 30 levels, each holding
    // the next twice, would print 2^30 bodies.
    auto doubling = build([](struct btf* b) {
        int inner = btf__add_int(b, "int", 4, 0);
        for (int level = 0; level < 30; ++level) {
            const int outer = btf__add_struct(b, "", 8);
            btf__add_field(b, "x", inner, 0, 0);
            btf__add_field(b, "y", inner, 0, 0);
            inner = outer;
        }
        btf__add_typedef(b, "t", inner);
    });
    CHECK(doubling->malformation().find("would be declared in more than") != std::string::npos);
    for (const auto* t : {far.get(), huge.get(), doubling.get()}) {
        CHECK(c_of(*t).find("not printed") != std::string::npos);
        CHECK(type_name(*t, 2) == "type#2");
    }
}

TEST_CASE("typed values: members that multiply a walk's work end it, not the tracer", "[btf]") {
    // struct z0 {}; struct z1 { struct z0 m[0..999]; } ... z9: all of size 0,
    // so a walk would visit 1000^9 members; the walk's budget ends it.
    auto t = build([](struct btf* b) {
        int inner = btf__add_struct(b, "z0", 0);
        for (int level = 1; level < 10; ++level) {
            const int outer = btf__add_struct(b, ("z" + std::to_string(level)).c_str(), 0);
            for (int m = 0; m < 1000; ++m) btf__add_field(b, ("m" + std::to_string(m)).c_str(), inner, 0, 0);
            inner = outer;
        }
    });
    REQUIRE(t->malformation() == "");
    OutBuf out;
    CHECK_FALSE(append_typed_value(out, *t, t->type_count() - 1, std::string_view(), ValueFormat{}));
    CHECK(out.size() == 0);
}

TEST_CASE("BTF check: the kernel's own BTF passes", "[btf]") {
    struct btf* vmlinux = btf__load_vmlinux_btf();
    BPFSC_SKIP_UNLESS(vmlinux != nullptr, "this kernel has no /sys/kernel/btf/vmlinux");
    BtfTypes t(vmlinux);
    CHECK(t.malformation() == "");
}
