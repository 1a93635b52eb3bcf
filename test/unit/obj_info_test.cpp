// BPF_OBJ_GET_INFO_BY_FD (union member "info") against the real kernel, on
// objects the test makes: a map's info in strace's seed shape
//   bpf(BPF_OBJ_GET_INFO_BY_FD, {info={bpf_fd=3, info_len=88, info=0x...}}, 16) = 0
// with info_len an in/out member: a buffer larger than the kernel's struct
// shows `info_len=N => sizeof`, where sizeof(struct bpf_map_info) is 104 on
// 6.18 (88 on 6.1); an exact or smaller buffer shows no `=>`. Also BTF and
// program info sizes, errors (EBADFD, EINVAL for a non-BPF fd, E2BIG for a
// non-zero buffer tail, EFAULT for an info buffer at the guard page, where
// the address is shown and nothing is read), the entry rendering and JSON.
// The command has no enum or flag members, so there are no ??? cases.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include "kernel_objects.h"
#include "support.h"

using namespace bpfsc::test;
using bpfsc::uapi::info_attr;

static CoverCommand cover{bpfsc::uapi::BPF_OBJ_GET_INFO_BY_FD};

namespace {

namespace u = bpfsc::uapi;
constexpr uint32_t kInfo = u::BPF_OBJ_GET_INFO_BY_FD;
constexpr uint32_t kMapInfoSize = 104;  // sizeof(struct bpf_map_info) in 6.18: hash and hash_size (6.18) follow
                                        // map_extra, which ended the 6.1 struct at 88
constexpr uint32_t kBtfInfoSize = 32;   // sizeof(struct bpf_btf_info) since 5.11

int64_t create_map() {
    u::map_create_attr a{};
    a.map_type = 2;  // BPF_MAP_TYPE_ARRAY
    a.key_size = 4;
    a.value_size = 16;
    a.max_entries = 3;
    std::strcpy(a.map_name, "info_me");
    return real_bpf(u::BPF_MAP_CREATE, &a, sizeof a);
}

int64_t load_btf() {
    struct __attribute__((packed)) {
        uint16_t magic = 0xeB9F;
        uint8_t version = 1, flags = 0;
        uint32_t hdr_len = 24, type_off = 0, type_len = 16, str_off = 16, str_len = 5;
        uint32_t name_off = 1, info = 1u << 24, size = 4, encoding = (1u << 24) | 32;
        char strings[5] = {'\0', 'i', 'n', 't', '\0'};
    } blob;
    u::btf_load_attr a{};
    a.btf = u64_of(&blob);
    a.btf_size = sizeof blob;
    return real_bpf(u::BPF_BTF_LOAD, &a, sizeof a);
}

info_attr info_of(int fd, uint32_t len, const void* buf) {
    info_attr a{};
    a.bpf_fd = uint32_t(fd);
    a.info_len = len;
    a.info = u64_of(buf);
    return a;
}

uint32_t u32_at(const std::byte* p, std::size_t off) {
    uint32_t v;
    std::memcpy(&v, p + off, 4);
    return v;
}

uint32_t info_len_after(const std::byte* attr) { return u32_at(attr, offsetof(info_attr, info_len)); }

} // namespace

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD size cases", "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    const Fd map(create_map());
    REQUIRE(map.fd >= 0);
    alignas(8) std::byte buf[256] = {};
    SizeCases c;
    c.cmd = kInfo;
    c.full = bytes_of(info_of(map.fd, 88, buf));
    c.partial = 8;  // no info pointer: the kernel cannot copy the info out
    c.kernel = real_kernel(kInfo);
    c.expected_partial = fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=88}}}}, 8) = {{ret}}\n",
                                     map.fd);
    c.expected_full = fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=88, info={}}}}}, 16) = "
                                  "{{ret}}\n",
                                  map.fd, hex(buf));
    check_size_cases(c);
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD of a real map: the seed line, and info_len written back",
          "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    const Fd map(create_map());
    REQUIRE(map.fd >= 0);
    GuardedPage page;
    alignas(8) std::byte buf[256] = {};

    SECTION("a 6.1-sized buffer (88 bytes): filled, info_len unchanged") {
        info_attr a = info_of(map.fd, 88, buf);
        std::byte* attr = page.place(&a, sizeof a);
        const Rendered r = run_call(kInfo, attr, 16, real_kernel(kInfo));
        REQUIRE(r.ret == 0);
        CHECK(info_len_after(attr) == 88);
        CHECK(u32_at(buf, 0) == 2);   // type: BPF_MAP_TYPE_ARRAY
        CHECK(u32_at(buf, 12) == 16); // value_size
        CHECK(r.text == fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=88, info={}}}}}, 16) = "
                                    "0\n",
                                    map.fd, hex(buf)));
        CHECK(r.json.find(fmt::format("\"fields\":{{\"info\":{{\"bpf_fd\":{{\"fd\":{}}},\"info_len\":88,"
                                      "\"info\":{{\"addr\":{}}}}}}}",
                                      map.fd, u64_of(buf))) != std::string::npos);
        CHECK(r.json.find("\"return\":{\"value\":0}") != std::string::npos);
    }
    SECTION("exactly sizeof(struct bpf_map_info): no `=>`") {
        info_attr a = info_of(map.fd, kMapInfoSize, buf);
        std::byte* attr = page.place(&a, sizeof a);
        const Rendered r = run_call(kInfo, attr, 16, real_kernel(kInfo));
        REQUIRE(r.ret == 0);
        CHECK(info_len_after(attr) == kMapInfoSize);
        CHECK(r.text == fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=104, info={}}}}}, 16) = "
                                    "0\n",
                                    map.fd, hex(buf)));
    }
    SECTION("a larger buffer: info_len=120 => 104") {
        info_attr a = info_of(map.fd, 120, buf);
        std::byte* attr = page.place(&a, sizeof a);
        const Rendered r = run_call(kInfo, attr, 16, real_kernel(kInfo));
        REQUIRE(r.ret == 0);
        REQUIRE(info_len_after(attr) == kMapInfoSize);  // what the running kernel really wrote
        CHECK(r.text == fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=120 => 104, "
                                    "info={}}}}}, 16) = 0\n",
                                    map.fd, hex(buf)));
        CHECK(r.json.find(fmt::format("\"info\":{{\"bpf_fd\":{{\"fd\":{}}},\"info_len\":{{\"before\":120,\"after\":104}},"
                                      "\"info\":{{\"addr\":{}}}}}",
                                      map.fd, u64_of(buf))) != std::string::npos);
    }
    SECTION("a smaller buffer: the kernel fills what fits, info_len unchanged") {
        info_attr a = info_of(map.fd, 8, buf);
        std::byte* attr = page.place(&a, sizeof a);
        const Rendered r = run_call(kInfo, attr, 16, real_kernel(kInfo));
        REQUIRE(r.ret == 0);
        CHECK(u32_at(buf, 4) != 0);  // the id
        CHECK(r.text == fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=8, info={}}}}}, 16) = "
                                    "0\n",
                                    map.fd, hex(buf)));
    }
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD of a BTF object and a program", "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    alignas(8) std::byte buf[512] = {};

    const Fd btf(load_btf());
    REQUIRE(btf.fd >= 0);
    info_attr a = info_of(btf.fd, 64, buf);
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered b = run_call(kInfo, attr, 16, real_kernel(kInfo));
    REQUIRE(b.ret == 0);
    CHECK(info_len_after(attr) == kBtfInfoSize);
    CHECK(u32_at(buf, 8) == 45);  // btf_size: the blob's bytes
    CHECK(b.text == fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=64 => 32, info={}}}}}, 16) "
                                "= 0\n",
                                btf.fd, hex(buf)));

    // struct bpf_prog_info's size depends on the release: take what the
    // kernel reports and check the decoder shows exactly that.
    const Fd prog(load_prog(1 /* BPF_PROG_TYPE_SOCKET_FILTER */));
    REQUIRE(prog.fd >= 0);
    std::memset(buf, 0, sizeof buf);
    a = info_of(prog.fd, sizeof buf, buf);
    attr = page.place(&a, sizeof a);
    const Rendered p = run_call(kInfo, attr, 16, real_kernel(kInfo));
    REQUIRE(p.ret == 0);
    const uint32_t prog_info_size = info_len_after(attr);
    CHECK(prog_info_size < sizeof buf);
    CHECK(u32_at(buf, 0) == 1);  // type: BPF_PROG_TYPE_SOCKET_FILTER
    CHECK(p.text == fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=512 => {}, info={}}}}}, 16) "
                                "= 0\n",
                                prog.fd, prog_info_size, hex(buf)));
    CHECK(p.json.find(fmt::format("\"info_len\":{{\"before\":512,\"after\":{}}}", prog_info_size)) !=
          std::string::npos);
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD errors leave info_len alone", "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    alignas(8) std::byte buf[256] = {};

    SECTION("an fd that is not open: EBADFD (this command's own errno for it)") {
        info_attr a = info_of(-1, 120, buf);
        std::byte* attr = page.place(&a, sizeof a);
        const Rendered r = run_call(kInfo, attr, 16, real_kernel(kInfo));
        CHECK(r.ret == -EBADFD);
        CHECK(r.text == fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd=-1, info_len=120, info={}}}}}, 16) = "
                                    "-1 EBADFD (File descriptor in bad state)\n",
                                    hex(buf)));
        CHECK(r.json.find(fmt::format("\"info\":{{\"bpf_fd\":{{\"fd\":-1}},\"info_len\":120,\"info\":{{\"addr\":{}}}}}",
                                      u64_of(buf))) != std::string::npos);
    }
    SECTION("an fd of no BPF object: EINVAL") {
        const Fd null(open("/dev/null", O_RDONLY | O_CLOEXEC));
        REQUIRE(null.fd >= 0);
        info_attr a = info_of(null.fd, 120, buf);
        std::byte* attr = page.place(&a, sizeof a);
        const Rendered r = run_call(kInfo, attr, 16, real_kernel(kInfo));
        CHECK(r.ret == -EINVAL);
        CHECK(r.text == fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=120, info={}}}}}, 16) = "
                                    "-1 EINVAL (Invalid argument)\n",
                                    null.fd, hex(buf)));
    }
    SECTION("non-zero bytes past the kernel's struct in the buffer: E2BIG") {
        const Fd map(create_map());
        REQUIRE(map.fd >= 0);
        buf[kMapInfoSize + 6] = std::byte{1};
        info_attr a = info_of(map.fd, 120, buf);
        std::byte* attr = page.place(&a, sizeof a);
        const Rendered r = run_call(kInfo, attr, 16, real_kernel(kInfo));
        CHECK(r.ret == -E2BIG);
        CHECK(r.text == fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=120, info={}}}}}, 16) = "
                                    "-1 E2BIG (Argument list too long)\n",
                                    map.fd, hex(buf)));
    }
    SECTION("an info buffer at an unreadable address: EFAULT, the address shown") {
        const Fd map(create_map());
        REQUIRE(map.fd >= 0);
        info_attr a = info_of(map.fd, 88, page.guard());
        std::byte* attr = page.place(&a, sizeof a);
        const Rendered r = run_call(kInfo, attr, 16, real_kernel(kInfo));
        CHECK(r.ret == -EFAULT);
        CHECK(r.text == fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=88, info={}}}}}, 16) = "
                                    "-1 EFAULT (Bad address)\n",
                                    map.fd, hex(page.guard())));
        CHECK(r.json.find(fmt::format("\"info\":{{\"addr\":{}}}", u64_of(page.guard()))) != std::string::npos);
    }
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD entry rendering shows info_len as passed", "[BPF_OBJ_GET_INFO_BY_FD]") {
    GuardedPage page;
    alignas(8) std::byte buf[128] = {};
    info_attr a = info_of(3, 120, buf);
    std::byte* attr = page.place(&a, sizeof a);
    CHECK(render_unfinished(kInfo, attr, 16) ==
          fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd=3, info_len=120, info={}}}}}, 16 <unfinished ...>\n",
                      hex(buf)));
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD info_len written back (simulated kernel)", "[BPF_OBJ_GET_INFO_BY_FD]") {
    // A kernel lambda, so the sizes are exact whatever the running kernel:
    // it shrinks info_len to a 6.1 bpf_map_info (the `104 => 88` of a 6.1
    // system) and fills the buffer.
    GuardedPage page;
    alignas(8) std::byte buf[128] = {};
    info_attr a = info_of(3, 104, buf);
    std::byte* attr = page.place(&a, sizeof a);
    const Kernel kernel = [&](std::byte* at, uint32_t) -> int64_t {
        const uint32_t len = 88;
        std::memcpy(at + offsetof(info_attr, info_len), &len, 4);
        std::memset(buf, 0x11, len);
        return 0;
    };
    const Rendered r = run_call(kInfo, attr, 16, kernel);
    CHECK(r.text == fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd=3, info_len=104 => 88, info={}}}}}, 16) "
                                "= 0\n",
                                hex(buf)));
    CHECK(r.json.find("\"info_len\":{\"before\":104,\"after\":88}") != std::string::npos);
}
