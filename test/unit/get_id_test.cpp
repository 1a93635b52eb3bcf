// BPF_{PROG,MAP,BTF,LINK}_GET_NEXT_ID and BPF_{PROG,MAP,BTF,LINK}_GET_FD_BY_ID
// against the real kernel, with real objects made by the test (an array map,
// a socket filter, a hand-built BTF blob, a raw tracepoint link) whose ids
// come from BPF_OBJ_GET_INFO_BY_FD. GET_NEXT_ID writes next_id: shown as
// `0 => N` on success and without `=>` at the end of a walk (ENOENT); a
// start_id of INT_MAX or more is refused (EINVAL). GET_FD_BY_ID returns an
// fd: a map opened BPF_F_RDONLY, ENOENT for a missing id, unknown open_flags
// bits, the BTF token fd (6.16), sizes that cut members off, and JSON.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "kernel_objects.h"
#include "support.h"

using namespace bpfsc::test;
using bpfsc::uapi::get_id_attr;

static CoverCommand cover{bpfsc::uapi::BPF_PROG_GET_NEXT_ID, bpfsc::uapi::BPF_MAP_GET_NEXT_ID,
                          bpfsc::uapi::BPF_BTF_GET_NEXT_ID,  bpfsc::uapi::BPF_LINK_GET_NEXT_ID,
                          bpfsc::uapi::BPF_PROG_GET_FD_BY_ID, bpfsc::uapi::BPF_MAP_GET_FD_BY_ID,
                          bpfsc::uapi::BPF_BTF_GET_FD_BY_ID, bpfsc::uapi::BPF_LINK_GET_FD_BY_ID};

namespace {

namespace u = bpfsc::uapi;
constexpr uint32_t kRdonly = 1u << 3;
constexpr uint32_t kTokenFd = 1u << 16;

int64_t create_map() {
    u::map_create_attr a{};
    a.map_type = 2;  // BPF_MAP_TYPE_ARRAY
    a.key_size = 4;
    a.value_size = 4;
    a.max_entries = 1;
    return real_bpf(u::BPF_MAP_CREATE, &a, sizeof a);
}

// A header, one INT type "int" and the string section "\0int\0".
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

// A raw tracepoint link: a program that returns 0 on task_newtask.
int64_t open_link(int prog_fd) {
    u::raw_tracepoint_attr a{};
    a.name = u64_of("task_newtask");
    a.prog_fd = uint32_t(prog_fd);
    return real_bpf(u::BPF_RAW_TRACEPOINT_OPEN, &a, sizeof a);
}

// The object's id, read from the info the kernel fills (map, prog and link
// info have it at offset 4, bpf_btf_info at offset 12).
uint32_t id_of(int fd, std::size_t offset) {
    alignas(8) std::byte info[256] = {};
    u::info_attr a{};
    a.bpf_fd = uint32_t(fd);
    a.info_len = sizeof info;
    a.info = u64_of(info);
    REQUIRE(real_bpf(u::BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a) == 0);
    uint32_t id;
    std::memcpy(&id, info + offset, 4);
    REQUIRE(id != 0);
    return id;
}

// The test's own objects of the four kinds, and their ids.
struct Objects {
    Fd map{create_map()};
    Fd prog{load_prog(1)};           // BPF_PROG_TYPE_SOCKET_FILTER
    Fd btf{load_btf()};
    Fd tp_prog{load_prog(17)};       // BPF_PROG_TYPE_RAW_TRACEPOINT
    Fd link{tp_prog.fd >= 0 ? open_link(tp_prog.fd) : -1};
    uint32_t map_id = 0, prog_id = 0, btf_id = 0, link_id = 0;

    Objects() {
        REQUIRE(map.fd >= 0);
        REQUIRE(prog.fd >= 0);
        REQUIRE(btf.fd >= 0);
        REQUIRE(tp_prog.fd >= 0);
        REQUIRE(link.fd >= 0);
        map_id = id_of(map.fd, 4);
        prog_id = id_of(prog.fd, 4);
        btf_id = id_of(btf.fd, 12);
        link_id = id_of(link.fd, 4);
    }
};

get_id_attr next_after(uint32_t start) {
    get_id_attr a{};
    a.start_id = start;
    return a;
}

} // namespace

TEST_CASE("BPF_*_GET_NEXT_ID size cases", "[BPF_MAP_GET_NEXT_ID]") {
    BPFSC_REQUIRE_BPF();
    const Objects o;
    // start_id = id - 1: no id lies between, so next_id is exactly our object's.
    struct Row {
        uint32_t cmd;
        const char* name;
        uint32_t id;
    };
    const Row rows[] = {
        {u::BPF_PROG_GET_NEXT_ID, "BPF_PROG_GET_NEXT_ID", o.prog_id},
        {u::BPF_MAP_GET_NEXT_ID, "BPF_MAP_GET_NEXT_ID", o.map_id},
        {u::BPF_BTF_GET_NEXT_ID, "BPF_BTF_GET_NEXT_ID", o.btf_id},
        {u::BPF_LINK_GET_NEXT_ID, "BPF_LINK_GET_NEXT_ID", o.link_id},
    };
    for (const Row& row : rows) {
        SizeCases c;
        c.cmd = row.cmd;
        c.full = bytes_of(next_after(row.id - 1));
        c.partial = 8;  // start_id and next_id: a 4.13-era caller
        c.kernel = real_kernel(row.cmd);
        c.expected_partial =
            fmt::format("bpf({}, {{start_id={}, next_id=0 => {}}}, 8) = {{ret}}\n", row.name, row.id - 1, row.id);
        c.expected_full = fmt::format("bpf({}, {{start_id={}, next_id=0 => {}, open_flags=0}}, 12) = {{ret}}\n",
                                      row.name, row.id - 1, row.id);
        check_size_cases(c);
    }
}

TEST_CASE("BPF_*_GET_FD_BY_ID size cases", "[BPF_MAP_GET_FD_BY_ID]") {
    BPFSC_REQUIRE_BPF();
    const Objects o;
    SECTION("prog") {
        SizeCases c;
        c.cmd = u::BPF_PROG_GET_FD_BY_ID;
        c.full = bytes_of(next_after(o.prog_id));
        c.partial = 4;  // prog_id alone
        c.kernel = real_kernel_closing(c.cmd);
        c.expected_partial = fmt::format("bpf(BPF_PROG_GET_FD_BY_ID, {{prog_id={}}}, 4) = {{ret}}\n", o.prog_id);
        c.expected_full = fmt::format("bpf(BPF_PROG_GET_FD_BY_ID, {{prog_id={}, next_id=0, open_flags=0}}, 12) = "
                                      "{{ret}}\n",
                                      o.prog_id);
        check_size_cases(c);
    }
    SECTION("map") {
        get_id_attr a = next_after(o.map_id);
        a.open_flags = kRdonly;
        SizeCases c;
        c.cmd = u::BPF_MAP_GET_FD_BY_ID;
        c.full = bytes_of(a);
        c.partial = 8;  // no open_flags: a 4.13-era caller
        c.kernel = real_kernel_closing(c.cmd);
        c.expected_partial = fmt::format("bpf(BPF_MAP_GET_FD_BY_ID, {{map_id={}, next_id=0}}, 8) = {{ret}}\n",
                                         o.map_id);
        c.expected_full = fmt::format("bpf(BPF_MAP_GET_FD_BY_ID, {{map_id={}, next_id=0, open_flags=BPF_F_RDONLY}}, "
                                      "12) = {{ret}}\n",
                                      o.map_id);
        check_size_cases(c);
    }
    SECTION("btf") {
        SizeCases c;
        c.cmd = u::BPF_BTF_GET_FD_BY_ID;
        c.full = bytes_of(next_after(o.btf_id));
        c.partial = 4;  // btf_id alone: a 4.18-era caller
        c.kernel = real_kernel_closing(c.cmd);
        c.expected_partial = fmt::format("bpf(BPF_BTF_GET_FD_BY_ID, {{btf_id={}}}, 4) = {{ret}}\n", o.btf_id);
        c.expected_full = fmt::format("bpf(BPF_BTF_GET_FD_BY_ID, {{btf_id={}, open_flags=0, fd_by_id_token_fd=0}}, "
                                      "16) = {{ret}}\n",
                                      o.btf_id);
        check_size_cases(c);
    }
    SECTION("link") {
        // A size of 2 cuts link_id in half: the kernel reads (and we show)
        // its low 16 bits, the upper ones zero.
        SizeCases c;
        c.cmd = u::BPF_LINK_GET_FD_BY_ID;
        c.full = bytes_of(next_after(o.link_id));
        c.partial = 2;
        c.kernel = real_kernel_closing(c.cmd);
        c.expected_partial =
            fmt::format("bpf(BPF_LINK_GET_FD_BY_ID, {{link_id={}}}, 2) = {{ret}}\n", o.link_id & 0xffff);
        c.expected_full = fmt::format("bpf(BPF_LINK_GET_FD_BY_ID, {{link_id={}}}, 4) = {{ret}}\n", o.link_id);
        check_size_cases(c);
    }
}

TEST_CASE("BPF_MAP_GET_NEXT_ID walks every map to ENOENT", "[BPF_MAP_GET_NEXT_ID]") {
    BPFSC_REQUIRE_BPF();
    const Objects o;
    GuardedPage page;
    uint32_t start = 0;
    bool seen_ours = false;
    int steps = 0;
    for (;; ++steps) {
        REQUIRE(steps < 100000);
        get_id_attr a = next_after(start);
        std::byte* attr = page.place(&a, 12);
        const Rendered r = run_call(u::BPF_MAP_GET_NEXT_ID, attr, 12, real_kernel(u::BPF_MAP_GET_NEXT_ID));
        if (r.ret == -ENOENT) {
            // The end: the kernel wrote nothing, so no `=>`.
            CHECK(r.text == fmt::format("bpf(BPF_MAP_GET_NEXT_ID, {{start_id={}, next_id=0, open_flags=0}}, 12) = "
                                        "-1 ENOENT (No such file or directory)\n",
                                        start));
            CHECK(r.json.find("\"next_id\":0,") != std::string::npos);
            break;
        }
        REQUIRE(r.ret == 0);
        uint32_t next;
        std::memcpy(&next, attr + offsetof(get_id_attr, next_id), 4);
        CHECK(next > start);
        CHECK(r.text == fmt::format("bpf(BPF_MAP_GET_NEXT_ID, {{start_id={}, next_id=0 => {}, open_flags=0}}, 12) = "
                                    "0\n",
                                    start, next));
        CHECK(r.json.find(fmt::format("\"next_id\":{{\"before\":0,\"after\":{}}}", next)) != std::string::npos);
        seen_ours = seen_ours || next == o.map_id;
        start = next;
    }
    CHECK(seen_ours);
    CHECK(steps >= 1);
}

TEST_CASE("BPF_*_GET_NEXT_ID past the last id, and a start_id the kernel refuses", "[BPF_PROG_GET_NEXT_ID]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    get_id_attr a = next_after(0x7ffffffe);  // INT_MAX - 1: nothing comes after it
    a.next_id = 5;                           // stale: the kernel leaves it alone on failure
    std::byte* attr = page.place(&a, 12);
    const Rendered r = run_call(u::BPF_PROG_GET_NEXT_ID, attr, 12, real_kernel(u::BPF_PROG_GET_NEXT_ID));
    CHECK(r.ret == -ENOENT);
    CHECK(r.text == "bpf(BPF_PROG_GET_NEXT_ID, {start_id=2147483646, next_id=5, open_flags=0}, 12) = "
                    "-1 ENOENT (No such file or directory)\n");
    CHECK(r.json.find("\"start_id\":2147483646,\"next_id\":5,") != std::string::npos);

    // The kernel refuses start_id >= INT_MAX with EINVAL, not ENOENT.
    a = next_after(0xffffffff);
    attr = page.place(&a, 12);
    const Rendered big = run_call(u::BPF_BTF_GET_NEXT_ID, attr, 12, real_kernel(u::BPF_BTF_GET_NEXT_ID));
    CHECK(big.ret == -EINVAL);
    CHECK(big.text == "bpf(BPF_BTF_GET_NEXT_ID, {start_id=4294967295, next_id=0, open_flags=0}, 12) = "
                      "-1 EINVAL (Invalid argument)\n");
}

TEST_CASE("BPF_LINK_GET_NEXT_ID overwrites a stale next_id", "[BPF_LINK_GET_NEXT_ID]") {
    BPFSC_REQUIRE_BPF();
    const Objects o;
    GuardedPage page;
    get_id_attr a = next_after(o.link_id - 1);
    a.next_id = 7;
    std::byte* attr = page.place(&a, 12);
    const Rendered r = run_call(u::BPF_LINK_GET_NEXT_ID, attr, 12, real_kernel(u::BPF_LINK_GET_NEXT_ID));
    REQUIRE(r.ret == 0);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_GET_NEXT_ID, {{start_id={}, next_id=7 => {}, open_flags=0}}, 12) = 0\n",
                                o.link_id - 1, o.link_id));
    CHECK(r.json.find(fmt::format("\"next_id\":{{\"before\":7,\"after\":{}}}", o.link_id)) != std::string::npos);
}

TEST_CASE("BPF_*_GET_NEXT_ID entry rendering has no `=>`", "[BPF_MAP_GET_NEXT_ID]") {
    GuardedPage page;
    get_id_attr a = next_after(41);
    std::byte* attr = page.place(&a, 12);
    CHECK(render_unfinished(u::BPF_MAP_GET_NEXT_ID, attr, 12) ==
          "bpf(BPF_MAP_GET_NEXT_ID, {start_id=41, next_id=0, open_flags=0}, 12 <unfinished ...>\n");
}

TEST_CASE("BPF_*_GET_NEXT_ID unknown open_flags bits stay visible", "[BPF_MAP_GET_NEXT_ID]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    get_id_attr a = next_after(0);
    a.open_flags = (1u << 4) | (1u << 30);  // GET_NEXT_ID takes no flags at all
    std::byte* attr = page.place(&a, 12);
    const Rendered r = run_call(u::BPF_MAP_GET_NEXT_ID, attr, 12, real_kernel(u::BPF_MAP_GET_NEXT_ID));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == "bpf(BPF_MAP_GET_NEXT_ID, {start_id=0, next_id=0, "
                    "open_flags=BPF_F_WRONLY|0x40000000 /* BPF_F_??? */}, 12) = -1 EINVAL (Invalid argument)\n");
    CHECK(r.json.find("\"open_flags\":{\"value\":1073741840,\"names\":[\"BPF_F_WRONLY\"],"
                      "\"unknown_bits\":1073741824}") !=
          std::string::npos);
}

TEST_CASE("BPF_MAP_GET_FD_BY_ID opens a real map read-only by its id", "[BPF_MAP_GET_FD_BY_ID]") {
    BPFSC_REQUIRE_BPF();
    const Objects o;
    GuardedPage page;
    get_id_attr a = next_after(o.map_id);
    a.open_flags = kRdonly;
    std::byte* attr = page.place(&a, 12);
    const Rendered r = run_call(u::BPF_MAP_GET_FD_BY_ID, attr, 12, real_kernel(u::BPF_MAP_GET_FD_BY_ID));
    REQUIRE(r.ret >= 0);
    const Fd opened(r.ret);
    CHECK(id_of(opened.fd, 4) == o.map_id);  // the same map
    CHECK(r.text == fmt::format("bpf(BPF_MAP_GET_FD_BY_ID, {{map_id={}, next_id=0, open_flags=BPF_F_RDONLY}}, 12) = "
                                "{}\n",
                                o.map_id, opened.fd));
    CHECK(r.json.find(fmt::format("\"fields\":{{\"map_id\":{},\"next_id\":0,\"open_flags\":{{\"value\":8,\"names\":"
                                  "[\"BPF_F_RDONLY\"],\"unknown_bits\":0}}}}",
                                  o.map_id)) != std::string::npos);
    CHECK(r.json.find(fmt::format("\"return\":{{\"value\":{0},\"fd\":{{\"fd\":{0}}}}}", opened.fd)) != std::string::npos);

    // A read-only fd refuses updates: the flag reached the kernel.
    uint32_t key = 0, value = 1;
    u::map_elem_attr upd{};
    upd.map_fd = uint32_t(opened.fd);
    upd.key = u64_of(&key);
    upd.value = u64_of(&value);
    CHECK(real_bpf(u::BPF_MAP_UPDATE_ELEM, &upd, sizeof upd) == -EPERM);
}

TEST_CASE("BPF_*_GET_FD_BY_ID of the test's prog, BTF and link", "[BPF_PROG_GET_FD_BY_ID]") {
    BPFSC_REQUIRE_BPF();
    const Objects o;
    GuardedPage page;

    get_id_attr a = next_after(o.prog_id);
    std::byte* attr = page.place(&a, 12);
    const Rendered prog = run_call(u::BPF_PROG_GET_FD_BY_ID, attr, 12, real_kernel_closing(u::BPF_PROG_GET_FD_BY_ID));
    CHECK(prog.ret >= 0);
    CHECK(prog.text ==
          fmt::format("bpf(BPF_PROG_GET_FD_BY_ID, {{prog_id={}, next_id=0, open_flags=0}}, 12) = {}\n", o.prog_id,
                      prog.ret));

    a = next_after(o.btf_id);
    attr = page.place(&a, 16);
    const Rendered btf = run_call(u::BPF_BTF_GET_FD_BY_ID, attr, 16, real_kernel_closing(u::BPF_BTF_GET_FD_BY_ID));
    CHECK(btf.ret >= 0);
    CHECK(btf.text == fmt::format("bpf(BPF_BTF_GET_FD_BY_ID, {{btf_id={}, open_flags=0, fd_by_id_token_fd=0}}, 16) = "
                                  "{}\n",
                                  o.btf_id, btf.ret));
    CHECK(btf.json.find(fmt::format("\"fields\":{{\"btf_id\":{},\"open_flags\":{{\"value\":0,\"names\":[],"
                                    "\"unknown_bits\":0}},\"fd_by_id_token_fd\":{{\"fd\":0}}}}",
                                    o.btf_id)) != std::string::npos);

    a = next_after(o.link_id);
    attr = page.place(&a, 4);
    const Rendered link = run_call(u::BPF_LINK_GET_FD_BY_ID, attr, 4, real_kernel_closing(u::BPF_LINK_GET_FD_BY_ID));
    CHECK(link.ret >= 0);
    CHECK(link.text == fmt::format("bpf(BPF_LINK_GET_FD_BY_ID, {{link_id={}}}, 4) = {}\n", o.link_id, link.ret));
    CHECK(link.json.find(fmt::format("\"fields\":{{\"link_id\":{}}}", o.link_id)) != std::string::npos);
}

TEST_CASE("BPF_*_GET_FD_BY_ID of a missing id: ENOENT", "[BPF_MAP_GET_FD_BY_ID]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    get_id_attr a = next_after(0x7ffffff0);
    std::byte* attr = page.place(&a, 12);
    const Rendered map = run_call(u::BPF_MAP_GET_FD_BY_ID, attr, 12, real_kernel_closing(u::BPF_MAP_GET_FD_BY_ID));
    CHECK(map.ret == -ENOENT);
    CHECK(map.text == "bpf(BPF_MAP_GET_FD_BY_ID, {map_id=2147483632, next_id=0, open_flags=0}, 12) = "
                      "-1 ENOENT (No such file or directory)\n");
    CHECK(map.json.find("\"return\":{\"value\":-1,\"errno\":2,\"error\":\"ENOENT\"") != std::string::npos);

    const Rendered prog = run_call(u::BPF_PROG_GET_FD_BY_ID, attr, 12, real_kernel_closing(u::BPF_PROG_GET_FD_BY_ID));
    CHECK(prog.ret == -ENOENT);
    CHECK(prog.text == "bpf(BPF_PROG_GET_FD_BY_ID, {prog_id=2147483632, next_id=0, open_flags=0}, 12) = "
                       "-1 ENOENT (No such file or directory)\n");

    attr = page.place(&a, 4);
    const Rendered link = run_call(u::BPF_LINK_GET_FD_BY_ID, attr, 4, real_kernel_closing(u::BPF_LINK_GET_FD_BY_ID));
    CHECK(link.ret == -ENOENT);
    CHECK(link.text == "bpf(BPF_LINK_GET_FD_BY_ID, {link_id=2147483632}, 4) = -1 ENOENT (No such file or directory)\n");
}

TEST_CASE("BPF_*_GET_FD_BY_ID unknown open_flags bits and the BTF token fd", "[BPF_BTF_GET_FD_BY_ID]") {
    BPFSC_REQUIRE_BPF();
    const Objects o;
    GuardedPage page;

    get_id_attr a = next_after(o.map_id);
    a.open_flags = kRdonly | (1u << 20);
    std::byte* attr = page.place(&a, 12);
    const Rendered map = run_call(u::BPF_MAP_GET_FD_BY_ID, attr, 12, real_kernel_closing(u::BPF_MAP_GET_FD_BY_ID));
    CHECK(map.ret == -EINVAL);
    CHECK(map.text == fmt::format("bpf(BPF_MAP_GET_FD_BY_ID, {{map_id={}, next_id=0, "
                                  "open_flags=BPF_F_RDONLY|0x100000 /* BPF_F_??? */}}, 12) = -1 EINVAL (Invalid "
                                  "argument)\n",
                                  o.map_id));
    CHECK(map.json.find("\"open_flags\":{\"value\":1048584,\"names\":[\"BPF_F_RDONLY\"],\"unknown_bits\":1048576}") !=
          std::string::npos);

    // A program has no read-only fds: any open_flags is refused.
    a = next_after(o.prog_id);
    a.open_flags = kRdonly;
    attr = page.place(&a, 12);
    const Rendered prog = run_call(u::BPF_PROG_GET_FD_BY_ID, attr, 12, real_kernel_closing(u::BPF_PROG_GET_FD_BY_ID));
    CHECK(prog.ret == -EINVAL);
    CHECK(prog.text == fmt::format("bpf(BPF_PROG_GET_FD_BY_ID, {{prog_id={}, next_id=0, open_flags=BPF_F_RDONLY}}, "
                                   "12) = -1 EINVAL (Invalid argument)\n",
                                   o.prog_id));

    // BPF_F_TOKEN_FD names a token fd; -1 is none.
    a = next_after(o.btf_id);
    a.open_flags = kTokenFd;
    a.fd_by_id_token_fd = -1;
    attr = page.place(&a, 16);
    const Rendered btf = run_call(u::BPF_BTF_GET_FD_BY_ID, attr, 16, real_kernel_closing(u::BPF_BTF_GET_FD_BY_ID));
    CHECK(btf.ret == -EBADF);
    CHECK(btf.text == fmt::format("bpf(BPF_BTF_GET_FD_BY_ID, {{btf_id={}, open_flags=BPF_F_TOKEN_FD, "
                                  "fd_by_id_token_fd=-1}}, 16) = -1 EBADF (Bad file descriptor)\n",
                                  o.btf_id));
    CHECK(btf.json.find("\"open_flags\":{\"value\":65536,\"names\":[\"BPF_F_TOKEN_FD\"],\"unknown_bits\":0},"
                        "\"fd_by_id_token_fd\":{\"fd\":-1}") != std::string::npos);

    // BTF objects have no read-only fds either.
    a = next_after(o.btf_id);
    a.open_flags = kRdonly | (1u << 31);
    attr = page.place(&a, 16);
    const Rendered rd = run_call(u::BPF_BTF_GET_FD_BY_ID, attr, 16, real_kernel_closing(u::BPF_BTF_GET_FD_BY_ID));
    CHECK(rd.ret == -EINVAL);
    CHECK(rd.text.find(", open_flags=BPF_F_RDONLY|0x80000000 /* BPF_F_??? */, fd_by_id_token_fd=0}, 16) = -1 EINVAL") !=
          std::string::npos);
}
