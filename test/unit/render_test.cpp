// The renderers over any input: strace-style quoting, the ??? markers,
// unknown command numbers, NULL/zero-size/oversized/unreadable attrs, and a
// deterministic storm of random attrs for every command (random sizes,
// pointers at NULL, at readable bytes and at the guard page): the decoder
// never crashes and the JSON always parses.
#include <random>

#include <catch2/catch.hpp>

#include "format/format.h"
#include "support.h"

using namespace bpfsc::test;
namespace uapi = bpfsc::uapi;

TEST_CASE("quoting follows strace: escapes, octal, digits after octal", "[render]") {
    OutBuf out;
    append_quoted(out, std::string_view("a\"b\\c\n\t\0" "1\377x", 11));
    CHECK(fmt::to_string(out) == "\"a\\\"b\\\\c\\n\\t\\0001\\377x\"");
    out.clear();
    append_quoted(out, "\x01\x02", true);
    CHECK(fmt::to_string(out) == "\"\\x01\\x02\"");
}

TEST_CASE("errors: libc's names, the kernel's own codes, and returns that are no errno", "[render]") {
    OutBuf out;
    append_error_return(out, -2);
    CHECK(fmt::to_string(out) == "-1 ENOENT (No such file or directory)");
    out.clear();
    // BPF returns the kernel-internal ENOTSUPP (524), which libc cannot name.
    append_error_return(out, -524);
    CHECK(fmt::to_string(out) ==
          "-1 ENOTSUPP (Operation is not supported (kernel-internal code 524; user space expects EOPNOTSUPP))");
    CHECK(errno_name(523) == "EBADCOOKIE");
    CHECK(errno_name(512) == "ERESTARTSYS");
    out.clear();
    append_error_return(out, -4000);
    CHECK(fmt::to_string(out) == "-1 E??? (Unknown error 4000)");
    out.clear();
    // Not an errno: shown as the number, never negated.
    append_error_return(out, INT64_MIN);
    CHECK(fmt::to_string(out) == "-9223372036854775808");
}

TEST_CASE("flags: zero names, known and unknown bits", "[render]") {
    OutBuf out;
    append_flags(out, xlat::bpf_elem_flags, 0);
    CHECK(fmt::to_string(out) == "BPF_ANY");
    out.clear();
    append_flags(out, xlat::bpf_map_flags, 0);
    CHECK(fmt::to_string(out) == "0");
    out.clear();
    append_flags(out, xlat::bpf_elem_flags, 4 | 1 | 0x100);
    CHECK(fmt::to_string(out) == "BPF_NOEXIST|BPF_F_LOCK|0x100 /* BPF_??? */");
    out.clear();
    append_flags(out, xlat::bpf_no_flags, 8);
    CHECK(fmt::to_string(out) == "0x8 /* BPF_F_??? */");
    out.clear();
    append_enum(out, xlat::bpf_prog_type, 999);
    CHECK(fmt::to_string(out) == "0x3e7 /* BPF_PROG_TYPE_??? */");
}

TEST_CASE("every enum table is complete for 6.18", "[render]") {
    CHECK(xlat::bpf_cmd.name_of(37) == "BPF_PROG_STREAM_READ_BY_FD");
    CHECK(xlat::bpf_map_type.name_of(33) == "BPF_MAP_TYPE_ARENA");
    CHECK(xlat::bpf_prog_type.name_of(32) == "BPF_PROG_TYPE_NETFILTER");
    CHECK(xlat::bpf_attach_type.name_of(57) == "BPF_TRACE_UPROBE_SESSION");
    CHECK(xlat::bpf_link_type.name_of(14) == "BPF_LINK_TYPE_SOCKMAP");
    CHECK(xlat::bpf_map_type.entries.size() == 34);
    CHECK(xlat::bpf_prog_type.entries.size() == 33);
    CHECK(xlat::bpf_attach_type.entries.size() == 58);
    CHECK(xlat::bpf_link_type.entries.size() == 15);
}

TEST_CASE("an unknown command prints its number and the attr address", "[render]") {
    GuardedPage page;
    std::array<std::byte, 8> bytes{};
    std::byte* attr = page.place(bytes.data(), 8);
    const Rendered r = run_call(38, attr, 8, returns(-EINVAL));
    CHECK(r.text == fmt::format("bpf(0x26 /* BPF_??? */, {}, 8) = -1 EINVAL (Invalid argument)\n", hex(attr)));
    CHECK(r.json.find("\"cmd\":{\"value\":38,\"name\":null") != std::string::npos);
}

TEST_CASE("NULL, oversized and unreadable attrs print the address and go on", "[render]") {
    GuardedPage page;
    Rendered r = run_call(uapi::BPF_MAP_CREATE, nullptr, 72, returns(-EFAULT));
    CHECK(r.text == "bpf(BPF_MAP_CREATE, NULL, 72) = -1 EFAULT (Bad address)\n");
    std::byte* attr = page.place(nullptr, 0);
    r = run_call(uapi::BPF_MAP_CREATE, attr, 4097, returns(-E2BIG));
    CHECK(r.text == fmt::format("bpf(BPF_MAP_CREATE, {}, 4097) = -1 E2BIG (Argument list too long)\n", hex(attr)));
    r = run_call(uapi::BPF_MAP_CREATE, page.guard(), 72, returns(-EFAULT));
    CHECK(r.text ==
          fmt::format("bpf(BPF_MAP_CREATE, {} (unreadable: EFAULT), 72) = -1 EFAULT (Bad address)\n", hex(page.guard())));
    CHECK(r.json.find("\"state\":\"unreadable\"") != std::string::npos);
}

TEST_CASE("an unfinished call shows its entry and no outputs", "[render]") {
    GuardedPage page;
    uapi::get_id_attr id{};
    id.start_id = 5;
    std::byte* attr = page.place(&id, 12);
    CHECK(render_unfinished(uapi::BPF_MAP_GET_NEXT_ID, attr, 12) ==
          "bpf(BPF_MAP_GET_NEXT_ID, {start_id=5, next_id=0, open_flags=0}, 12 <unfinished ...>\n");
}

TEST_CASE("JSON strings are valid for every byte value", "[render]") {
    std::string all;
    for (int c = 0; c < 256; ++c) all.push_back(char(c));
    OutBuf out;
    append_json_string(out, all);
    CHECK(valid_json(fmt::to_string(out)));
    out.clear();
    CHECK(append_json_string(out, "h\xc3\xa9llo \xe2\x82\xac"));  // valid UTF-8 stays as is
    CHECK(fmt::to_string(out) == "\"h\xc3\xa9llo \xe2\x82\xac\"");
    out.clear();
    CHECK_FALSE(append_json_string(out, "\xed\xa0\x80"));  // a surrogate is not UTF-8
    CHECK(fmt::to_string(out) == "\"\\ufffd\\ufffd\\ufffd\"");
    // The characters some line readers take as line ends are escaped, so a
    // record never spans two lines (hostile's random bytes split one).
    out.clear();
    CHECK(append_json_string(out, "a\xc2\x85" "b\xe2\x80\xa8" "c\xe2\x80\xa9" "d"));
    CHECK(fmt::to_string(out) == "\"a\\u0085b\\u2028c\\u2029d\"");
}

TEST_CASE("random attrs for every command never crash and always give valid JSON", "[render]") {
    GuardedPage page;
    std::mt19937_64 rng(20261122);
    std::array<char, 64> readable{};
    for (std::size_t i = 0; i < readable.size(); ++i) readable[i] = char(rng());
    FakeResolver resolver;
    resolver.maps[3] = MapShape{1, 4, 13, 16, 0};
    resolver.maps[4] = MapShape{5, 4, 12, 16, 0};
    const uint64_t pointers[] = {0, u64_of(readable.data()), u64_of(page.guard()), u64_of(page.guard()) - 3, 1};
    for (uint32_t cmd = 0; cmd <= uapi::BPF_CMD_COUNT; ++cmd) {
        for (int round = 0; round < 200; ++round) {
            std::array<std::byte, 200> bytes{};
            for (auto& b : bytes) b = std::byte(rng() % 3 == 0 ? rng() : 0);
            // Plant pointers and small counts at every 8-byte slot now and then.
            for (std::size_t off = 0; off + 8 <= bytes.size(); off += 8) {
                const auto pick = rng() % 4;
                uint64_t v = pick == 0 ? pointers[rng() % 5] : pick == 1 ? (rng() % 40) | (uint64_t(rng() % 5) << 32) : 0;
                if (pick < 2) std::memcpy(bytes.data() + off, &v, 8);
            }
            const uint32_t size = uint32_t(rng() % 200);
            std::byte* attr = page.place(bytes.data(), size);
            const Rendered r = run_call(cmd, attr, size, returns(int64_t(rng() % 7) - 3), &resolver);
            REQUIRE(valid_json(r.json));
            REQUIRE(r.text.rfind("bpf(", 0) == 0);
        }
    }
}
