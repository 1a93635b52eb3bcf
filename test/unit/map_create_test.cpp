// BPF_MAP_CREATE: the size cases against the real kernel, unknown enum and
// flag values, and numa_node shown only with BPF_F_NUMA_NODE.
#include <catch2/catch.hpp>

#include "support.h"

using namespace bpfsc::test;
using bpfsc::uapi::map_create_attr;

static CoverCommand cover{bpfsc::uapi::BPF_MAP_CREATE};

namespace {
map_create_attr config_map() {
    map_create_attr a{};
    a.map_type = 2;  // BPF_MAP_TYPE_ARRAY
    a.key_size = 4;
    a.value_size = 13;
    a.max_entries = 4;
    std::strcpy(a.map_name, "config");
    return a;
}
} // namespace

TEST_CASE("BPF_MAP_CREATE size cases", "[BPF_MAP_CREATE]") {
    BPFSC_REQUIRE_BPF();
    SizeCases c;
    c.cmd = bpfsc::uapi::BPF_MAP_CREATE;
    c.full = bytes_of(config_map());
    c.partial = 20;  // up to map_flags: a 4.6-era caller
    c.kernel = real_kernel_closing(c.cmd);
    c.expected_partial = "bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY, key_size=4, value_size=13, "
                         "max_entries=4, map_flags=0}, 20) = {ret}\n";
    c.expected_full = "bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY, key_size=4, value_size=13, max_entries=4, "
                      "map_flags=0, inner_map_fd=0, map_name=\"config\", map_ifindex=0, btf_fd=0, btf_key_type_id=0, "
                      "btf_value_type_id=0, btf_vmlinux_value_type_id=0, map_extra=0, value_type_btf_obj_fd=0, "
                      "map_token_fd=0, excl_prog_hash=NULL, excl_prog_hash_size=0}, 92) = {ret}\n";
    check_size_cases(c);
}

TEST_CASE("BPF_MAP_CREATE returns a real fd and shows errors", "[BPF_MAP_CREATE]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    map_create_attr a = config_map();
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered ok = run_call(bpfsc::uapi::BPF_MAP_CREATE, attr, sizeof a, real_kernel_closing(0));
    CHECK(ok.ret >= 0);
    CHECK(ok.text.ends_with(fmt::format(", 96) = {}\n", ok.ret)));
    CHECK(ok.json.find(fmt::format("\"return\":{{\"value\":{0},\"fd\":{{\"fd\":{0}}}}}", ok.ret)) != std::string::npos);

    a.key_size = 0;  // an array map needs a 4-byte key: EINVAL
    attr = page.place(&a, sizeof a);
    const Rendered bad = run_call(bpfsc::uapi::BPF_MAP_CREATE, attr, sizeof a, real_kernel_closing(0));
    CHECK(bad.ret == -EINVAL);
    CHECK(bad.text.ends_with(", 96) = -1 EINVAL (Invalid argument)\n"));
    CHECK(bad.json.find("\"error\":\"EINVAL\"") != std::string::npos);
}

TEST_CASE("BPF_MAP_CREATE unknown map type and flag bits stay visible", "[BPF_MAP_CREATE]") {
    GuardedPage page;
    map_create_attr a = config_map();
    a.map_type = 0x4242;
    a.map_flags = (1u << 0) | (1u << 3) | (1u << 30);  // BPF_F_NO_PREALLOC|BPF_F_RDONLY|unknown
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(bpfsc::uapi::BPF_MAP_CREATE, attr, 20, returns(-EINVAL));
    CHECK(r.text == "bpf(BPF_MAP_CREATE, {map_type=0x4242 /* BPF_MAP_TYPE_??? */, key_size=4, value_size=13, "
                    "max_entries=4, map_flags=BPF_F_NO_PREALLOC|BPF_F_RDONLY|0x40000000 /* BPF_F_??? */}, 20) = "
                    "-1 EINVAL (Invalid argument)\n");
    CHECK(r.json.find("\"map_type\":{\"value\":16962,\"name\":null,\"unknown\":\"BPF_MAP_TYPE_???\"}") !=
          std::string::npos);
    CHECK(r.json.find("\"map_flags\":{\"value\":1073741833,\"names\":[\"BPF_F_NO_PREALLOC\",\"BPF_F_RDONLY\"],"
                      "\"unknown_bits\":1073741824}") != std::string::npos);
}

TEST_CASE("BPF_MAP_CREATE shows numa_node only with BPF_F_NUMA_NODE", "[BPF_MAP_CREATE]") {
    GuardedPage page;
    map_create_attr a = config_map();
    a.numa_node = 1;
    std::byte* attr = page.place(&a, sizeof a);
    CHECK(run_call(0, attr, 48, returns(3)).text.find("numa_node") == std::string::npos);
    a.map_flags = 1u << 2;
    attr = page.place(&a, sizeof a);
    CHECK(run_call(0, attr, 48, returns(3)).text.find("map_flags=BPF_F_NUMA_NODE, inner_map_fd=0, numa_node=1, ") !=
          std::string::npos);
}

TEST_CASE("BPF_MAP_CREATE map_name with no NUL and non-UTF-8 bytes", "[BPF_MAP_CREATE]") {
    GuardedPage page;
    map_create_attr a = config_map();
    std::memcpy(a.map_name, "abcdefghijklmn\xff\xfe", 16);
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(0, attr, 48, returns(-EINVAL));
    CHECK(r.text.find("map_name=\"abcdefghijklmn\\377\\376\"") != std::string::npos);
    CHECK(r.json.find("\"map_name\":{\"text\":\"abcdefghijklmn\\ufffd\\ufffd\",\"hex\":\"6162636465666768696a6b6c6d6eff"
                      "fe\"}") != std::string::npos);
}
