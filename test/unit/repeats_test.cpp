// Repeated questions (notes/repeats.h) on real map calls: a lookup asked
// again with the same key and the same value back repeats the first; a
// changed value makes a new answer, which the next identical lookup then
// repeats; an update is never a question; another key is another question.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "kernel_objects.h"
#include "notes/repeats.h"
#include "support.h"

using namespace bpfsc::test;
using bpfsc::uapi::map_elem_attr;

namespace {

constexpr uint32_t kHash = 1;  // BPF_MAP_TYPE_HASH

// One call decoded at entry and exit around the real syscall, as the tracer does.
struct Call {
    bpfsc::decoder::DecodedCall decoded;
    Call(uint32_t cmd, map_elem_attr& a, FakeResolver& resolver) {
        SelfMemory memory;
        bpfsc::decoder::Decoder decoder(memory, &resolver);
        decoder.decode_entry(decoded, cmd, addr_of(reinterpret_cast<std::byte*>(&a)), sizeof a);
        decoder.decode_exit(decoded, real_bpf(cmd, &a, sizeof a));
    }
};

} // namespace

TEST_CASE("repeats: the same lookup with the same answer points at the first", "[notes]") {
    BPFSC_REQUIRE_BPF();
    const int64_t fd = create_map(kHash, 4, 8, 4);
    REQUIRE(fd >= 0);
    FakeResolver resolver;
    resolver.maps[int32_t(fd)] = MapShape{kHash, 4, 8, 4, 0};
    constexpr uint32_t kLookup = bpfsc::uapi::BPF_MAP_LOOKUP_ELEM, kUpdate = bpfsc::uapi::BPF_MAP_UPDATE_ELEM;
    uint32_t key = 1, other = 2;
    uint64_t value = 0, stored = 42;
    auto attr = [&](const uint32_t* k, void* v) {
        map_elem_attr a{};
        a.map_fd = uint32_t(fd);
        a.key = u64_of(k);
        a.value = u64_of(v);
        return a;
    };
    bpfsc::notes::RepeatedQuestions repeats;
    map_elem_attr a = attr(&key, &value);
    CHECK(repeats.repeat_of(Call(kLookup, a, resolver).decoded, 1) == std::nullopt);  // ENOENT
    a = attr(&key, &value);
    CHECK(repeats.repeat_of(Call(kLookup, a, resolver).decoded, 2) == 1u);           // ENOENT again
    a = attr(&key, &stored);
    CHECK(repeats.repeat_of(Call(kUpdate, a, resolver).decoded, 3) == std::nullopt);  // changes things
    a = attr(&key, &stored);
    CHECK(repeats.repeat_of(Call(kUpdate, a, resolver).decoded, 4) == std::nullopt);  // never a question
    a = attr(&key, &value);
    CHECK(repeats.repeat_of(Call(kLookup, a, resolver).decoded, 5) == std::nullopt);  // now 42: a new answer
    CHECK(value == 42);
    a = attr(&key, &value);
    CHECK(repeats.repeat_of(Call(kLookup, a, resolver).decoded, 6) == 5u);
    a = attr(&other, &value);
    CHECK(repeats.repeat_of(Call(kLookup, a, resolver).decoded, 7) == std::nullopt);  // another key
    close(int(fd));
}
