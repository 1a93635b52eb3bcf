// BPF_LINK_UPDATE, BPF_LINK_DETACH and BPF_ITER_CREATE on real links: a
// cgroup_skb link on a child cgroup (updated to another program with and
// without BPF_F_REPLACE: old_prog_fd is shown only with the flag; then
// detached), and a real bpf_map iterator: a BPF_PROG_TYPE_TRACING program
// attached to the vmlinux BTF function "bpf_iter_bpf_map" (its id found by
// walking /sys/kernel/btf/vmlinux), linked with BPF_LINK_CREATE
// (BPF_TRACE_ITER) and opened with BPF_ITER_CREATE. The tests check the
// size cases, unknown flag bits, bad and wrong-kind fds, and JSON.
#include <unistd.h>

#include <array>
#include <fstream>
#include <iterator>
#include <string_view>

#include <catch2/catch.hpp>

#include "kernel_objects.h"
#include "support.h"

using namespace bpfsc::test;
using bpfsc::uapi::iter_create_attr;
using bpfsc::uapi::link_create_attr;
using bpfsc::uapi::link_detach_attr;
using bpfsc::uapi::link_update_attr;

static CoverCommand cover{bpfsc::uapi::BPF_LINK_UPDATE, bpfsc::uapi::BPF_LINK_DETACH, bpfsc::uapi::BPF_ITER_CREATE};

namespace {

constexpr uint32_t kUpdate = bpfsc::uapi::BPF_LINK_UPDATE;
constexpr uint32_t kDetach = bpfsc::uapi::BPF_LINK_DETACH;
constexpr uint32_t kIter = bpfsc::uapi::BPF_ITER_CREATE;
constexpr uint32_t kIngress = 0;  // BPF_CGROUP_INET_INGRESS
constexpr uint32_t kReplace = 1u << 2;
constexpr uint32_t kTraceIter = 28;

int64_t load_cgroup_skb() { return load_prog(8 /* BPF_PROG_TYPE_CGROUP_SKB */, 0, kIngress); }

// The id of a BTF_KIND_FUNC named `name` in the kernel's BTF, or 0.
uint32_t vmlinux_func_id(std::string_view name) {
    std::ifstream in("/sys/kernel/btf/vmlinux", std::ios::binary);
    const std::string btf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    struct Header {
        uint16_t magic;
        uint8_t version, flags;
        uint32_t hdr_len, type_off, type_len, str_off, str_len;
    } h;
    if (btf.size() < sizeof h) return 0;
    std::memcpy(&h, btf.data(), sizeof h);
    if (h.magic != 0xeb9f) return 0;
    const char* types = btf.data() + h.hdr_len + h.type_off;
    const char* strings = btf.data() + h.hdr_len + h.str_off;
    uint32_t id = 1;
    for (uint32_t off = 0; off + 12 <= h.type_len; ++id) {
        uint32_t t[3];  // name_off, info, size/type
        std::memcpy(t, types + off, sizeof t);
        const uint32_t kind = (t[1] >> 24) & 0x1f, vlen = t[1] & 0xffff;
        if (kind == 12 /* BTF_KIND_FUNC */ && name == std::string_view(strings + t[0])) return id;
        off += 12;
        switch (kind) {
        case 1: case 14: case 17: off += 4; break;       // INT, VAR, DECL_TAG
        case 3: off += 12; break;                         // ARRAY
        case 4: case 5: case 15: case 19: off += 12 * vlen; break;  // STRUCT, UNION, DATASEC, ENUM64
        case 6: case 13: off += 8 * vlen; break;          // ENUM, FUNC_PROTO
        default: break;                                   // no trailing data
        }
    }
    return 0;
}

constexpr std::string_view kCgroupTag = "links-ops";  // bpfsc-links-ops-<pid>-<serial>

// A cgroup link of one program, and a second program to swap in.
struct CgroupLink {
    TestCgroup cg{kCgroupTag};
    Fd prog{load_cgroup_skb()};
    Fd other{load_cgroup_skb()};
    Fd link{-1};
    CgroupLink() {
        REQUIRE(prog.fd >= 0);
        REQUIRE(other.fd >= 0);
        link_create_attr a{};
        a.prog_fd = uint32_t(prog.fd);
        a.target_fd = uint32_t(cg.fd);
        a.attach_type = kIngress;
        link.fd = int(real_bpf(bpfsc::uapi::BPF_LINK_CREATE, &a, sizeof a));
        REQUIRE(link.fd >= 0);
    }
};

link_update_attr update_attr(int link, int new_prog, uint32_t flags, int old_prog) {
    link_update_attr a{};
    a.link_fd = uint32_t(link);
    a.new_prog_fd = uint32_t(new_prog);
    a.flags = flags;
    a.old_prog_fd = uint32_t(old_prog);
    return a;
}

// A bpf_map iterator program, and its link (made in the test, through the decoder).
struct MapIterator {
    Fd prog{-1};
    MapIterator() {
        const uint32_t btf_id = vmlinux_func_id("bpf_iter_bpf_map");
        REQUIRE(btf_id != 0);
        prog.fd = int(load_prog(26 /* BPF_PROG_TYPE_TRACING */, 0, kTraceIter, btf_id));
        REQUIRE(prog.fd >= 0);
    }
    link_create_attr link_attr() const {
        link_create_attr a{};
        a.prog_fd = uint32_t(prog.fd);
        a.attach_type = kTraceIter;
        return a;
    }
};

} // namespace

TEST_CASE("BPF_LINK_UPDATE size cases: swapping the program of a cgroup link", "[BPF_LINK_UPDATE]") {
    BPFSC_REQUIRE_BPF();
    const CgroupLink l;
    SizeCases c;
    c.cmd = kUpdate;
    c.full = bytes_of(update_attr(l.link.fd, l.other.fd, kReplace, l.prog.fd));
    c.partial = 12;  // without old_prog_fd: the kernel reads 0 there
    c.kernel = real_kernel(kUpdate);
    const std::string head = fmt::format("bpf(BPF_LINK_UPDATE, {{link_update={{link_fd={}, new_prog_fd={}, "
                                         "flags=BPF_F_REPLACE",
                                         l.link.fd, l.other.fd);
    c.expected_partial = head + "}}, 12) = {ret}\n";
    c.expected_full = head + fmt::format(", old_prog_fd={}}}}}, 16) = {{ret}}\n", l.prog.fd);
    check_size_cases(c);
}

TEST_CASE("BPF_LINK_UPDATE with and without BPF_F_REPLACE", "[BPF_LINK_UPDATE]") {
    BPFSC_REQUIRE_BPF();
    const CgroupLink l;
    GuardedPage page;
    link_update_attr a = update_attr(l.link.fd, l.other.fd, kReplace, l.prog.fd);
    std::byte* attr = page.place(&a, sizeof a);
    Rendered r = run_call(kUpdate, attr, sizeof a, real_kernel(kUpdate));
    CHECK(r.ret == 0);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_UPDATE, {{link_update={{link_fd={}, new_prog_fd={}, "
                                "flags=BPF_F_REPLACE, old_prog_fd={}}}}}, 16) = 0\n",
                                l.link.fd, l.other.fd, l.prog.fd));
    CHECK(r.json.find(fmt::format("\"link_update\":{{\"link_fd\":{{\"fd\":{}}},\"new_prog_fd\":{{\"fd\":{}}},\"flags\":{{\"value\":4,"
                                  "\"names\":[\"BPF_F_REPLACE\"],\"unknown_bits\":0}},\"old_prog_fd\":{{\"fd\":{}}}}}",
                                  l.link.fd, l.other.fd, l.prog.fd)) != std::string::npos);

    // The old program is no longer the link's: a stale BPF_F_REPLACE is refused.
    attr = page.place(&a, sizeof a);
    r = run_call(kUpdate, attr, sizeof a, real_kernel(kUpdate));
    CHECK(r.ret == -EPERM);
    CHECK(r.text.ends_with(fmt::format("old_prog_fd={}}}}}, 16) = -1 EPERM (Operation not permitted)\n", l.prog.fd)));

    // Without the flag there is no old_prog_fd.
    a = update_attr(l.link.fd, l.prog.fd, 0, 0);
    attr = page.place(&a, sizeof a);
    r = run_call(kUpdate, attr, sizeof a, real_kernel(kUpdate));
    CHECK(r.ret == 0);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_UPDATE, {{link_update={{link_fd={}, new_prog_fd={}, flags=0}}}}, 16) = "
                                "0\n",
                                l.link.fd, l.prog.fd));
    CHECK(r.json.find("old_prog_fd") == std::string::npos);

    // ... even when the member is not zero (the kernel refuses that).
    a = update_attr(l.link.fd, l.other.fd, 0, l.prog.fd);
    attr = page.place(&a, sizeof a);
    r = run_call(kUpdate, attr, sizeof a, real_kernel(kUpdate));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_UPDATE, {{link_update={{link_fd={}, new_prog_fd={}, flags=0}}}}, 16) = "
                                "-1 EINVAL (Invalid argument)\n",
                                l.link.fd, l.other.fd));
}

TEST_CASE("BPF_LINK_UPDATE unknown flag bits and a bad link fd", "[BPF_LINK_UPDATE]") {
    BPFSC_REQUIRE_BPF();
    const CgroupLink l;
    GuardedPage page;
    link_update_attr a = update_attr(l.link.fd, l.other.fd, kReplace | 0x1, l.prog.fd);
    std::byte* attr = page.place(&a, sizeof a);
    Rendered r = run_call(kUpdate, attr, sizeof a, real_kernel(kUpdate));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_UPDATE, {{link_update={{link_fd={}, new_prog_fd={}, "
                                "flags=BPF_F_REPLACE|0x1 /* BPF_F_??? */, old_prog_fd={}}}}}, 16) = "
                                "-1 EINVAL (Invalid argument)\n",
                                l.link.fd, l.other.fd, l.prog.fd));
    CHECK(r.json.find("\"flags\":{\"value\":5,\"names\":[\"BPF_F_REPLACE\"],\"unknown_bits\":1}") != std::string::npos);

    a = update_attr(-1, l.other.fd, 0, 0);
    attr = page.place(&a, sizeof a);
    r = run_call(kUpdate, attr, sizeof a, real_kernel(kUpdate));
    CHECK(r.ret == -EBADF);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_UPDATE, {{link_update={{link_fd=-1, new_prog_fd={}, flags=0}}}}, 16) = "
                                "-1 EBADF (Bad file descriptor)\n",
                                l.other.fd));
}

TEST_CASE("BPF_LINK_DETACH size cases: detaching a cgroup link", "[BPF_LINK_DETACH]") {
    BPFSC_REQUIRE_BPF();
    const CgroupLink l;
    link_detach_attr a{};
    a.link_fd = uint32_t(l.link.fd);
    SizeCases c;
    c.cmd = kDetach;
    c.full = bytes_of(a);
    c.partial = 2;  // half of link_fd: the kernel reads the rest as zero, which a small fd survives
    c.kernel = real_kernel(kDetach);
    c.expected_partial = fmt::format("bpf(BPF_LINK_DETACH, {{link_detach={{link_fd={}}}}}, 2) = {{ret}}\n", l.link.fd);
    c.expected_full = fmt::format("bpf(BPF_LINK_DETACH, {{link_detach={{link_fd={}}}}}, 4) = {{ret}}\n", l.link.fd);
    check_size_cases(c);
}

TEST_CASE("BPF_LINK_DETACH for real, then of fds that are not links", "[BPF_LINK_DETACH]") {
    BPFSC_REQUIRE_BPF();
    const CgroupLink l;
    GuardedPage page;
    link_detach_attr a{};
    a.link_fd = uint32_t(l.link.fd);
    std::byte* attr = page.place(&a, sizeof a);
    Rendered r = run_call(kDetach, attr, sizeof a, real_kernel(kDetach));
    CHECK(r.ret == 0);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_DETACH, {{link_detach={{link_fd={}}}}}, 4) = 0\n", l.link.fd));
    CHECK(r.json.find(fmt::format("\"fields\":{{\"link_detach\":{{\"link_fd\":{{\"fd\":{}}}}}}}", l.link.fd)) !=
          std::string::npos);

    // A program fd is not a link.
    a.link_fd = uint32_t(l.prog.fd);
    attr = page.place(&a, sizeof a);
    r = run_call(kDetach, attr, sizeof a, real_kernel(kDetach));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_DETACH, {{link_detach={{link_fd={}}}}}, 4) = -1 EINVAL (Invalid "
                                "argument)\n",
                                l.prog.fd));

    a.link_fd = uint32_t(-1);
    attr = page.place(&a, sizeof a);
    r = run_call(kDetach, attr, sizeof a, real_kernel(kDetach));
    CHECK(r.ret == -EBADF);
    CHECK(r.text == "bpf(BPF_LINK_DETACH, {link_detach={link_fd=-1}}, 4) = -1 EBADF (Bad file descriptor)\n");
}

TEST_CASE("BPF_ITER_CREATE size cases: a real bpf_map iterator link", "[BPF_ITER_CREATE]") {
    BPFSC_REQUIRE_BPF();
    const MapIterator it;
    link_create_attr la = it.link_attr();
    const Fd link(real_bpf(bpfsc::uapi::BPF_LINK_CREATE, &la, sizeof la));
    REQUIRE(link.fd >= 0);
    iter_create_attr a{};
    a.link_fd = uint32_t(link.fd);
    SizeCases c;
    c.cmd = kIter;
    c.full = bytes_of(a);
    c.partial = 4;  // link_fd only
    c.kernel = real_kernel_closing(kIter);
    c.expected_partial = fmt::format("bpf(BPF_ITER_CREATE, {{iter_create={{link_fd={}}}}}, 4) = {{ret}}\n", link.fd);
    c.expected_full = fmt::format("bpf(BPF_ITER_CREATE, {{iter_create={{link_fd={}, flags=0}}}}, 8) = "
                                  "{{ret}}\n", link.fd);
    check_size_cases(c);
}

TEST_CASE("BPF_LINK_CREATE of an iterator, BPF_ITER_CREATE, and reading the iterator", "[BPF_ITER_CREATE]") {
    BPFSC_REQUIRE_BPF();
    const MapIterator it;
    GuardedPage page;
    const link_create_attr la = it.link_attr();
    std::byte* attr = page.place(&la, sizeof la);
    Rendered r = run_call(bpfsc::uapi::BPF_LINK_CREATE, attr, sizeof la, real_kernel(bpfsc::uapi::BPF_LINK_CREATE));
    const Fd link(r.ret);
    REQUIRE(r.ret >= 0);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd={}, target_fd=0, "
                                "attach_type=BPF_TRACE_ITER, flags=0, iter_info=NULL, iter_info_len=0}}}}, 64) = {}\n",
                                it.prog.fd, r.ret));

    iter_create_attr a{};
    a.link_fd = uint32_t(link.fd);
    attr = page.place(&a, sizeof a);
    r = run_call(kIter, attr, sizeof a, real_kernel(kIter));
    const Fd iter(r.ret);
    REQUIRE(r.ret >= 0);
    CHECK(r.text == fmt::format("bpf(BPF_ITER_CREATE, {{iter_create={{link_fd={}, flags=0}}}}, 8) = {}\n", link.fd,
                                r.ret));
    CHECK(r.json.find(fmt::format("\"iter_create\":{{\"link_fd\":{{\"fd\":{}}},\"flags\":{{\"value\":0,\"names\":[],"
                                  "\"unknown_bits\":0}}}}",
                                  link.fd)) != std::string::npos);
    CHECK(r.json.find(fmt::format("\"return\":{{\"value\":{0},\"fd\":{{\"fd\":{0}}}}}", r.ret)) != std::string::npos);
    // The program prints nothing: the iterator reads empty.
    std::array<char, 64> buf{};
    CHECK(read(iter.fd, buf.data(), buf.size()) == 0);
}

TEST_CASE("BPF_ITER_CREATE unknown flags, and a link that is not an iterator", "[BPF_ITER_CREATE]") {
    BPFSC_REQUIRE_BPF();
    const MapIterator it;
    link_create_attr la = it.link_attr();
    const Fd link(real_bpf(bpfsc::uapi::BPF_LINK_CREATE, &la, sizeof la));
    REQUIRE(link.fd >= 0);
    GuardedPage page;
    iter_create_attr a{};
    a.link_fd = uint32_t(link.fd);
    a.flags = 0x4;
    std::byte* attr = page.place(&a, sizeof a);
    Rendered r = run_call(kIter, attr, sizeof a, real_kernel_closing(kIter));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_ITER_CREATE, {{iter_create={{link_fd={}, flags=0x4 /* BPF_F_??? */}}}}, 8) = "
                                "-1 EINVAL (Invalid argument)\n",
                                link.fd));
    CHECK(r.json.find("\"flags\":{\"value\":4,\"names\":[],\"unknown_bits\":4}") != std::string::npos);

    const CgroupLink cgroup_link;
    a.link_fd = uint32_t(cgroup_link.link.fd);
    a.flags = 0;
    attr = page.place(&a, sizeof a);
    r = run_call(kIter, attr, sizeof a, real_kernel_closing(kIter));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_ITER_CREATE, {{iter_create={{link_fd={}, flags=0}}}}, 8) = "
                                "-1 EINVAL (Invalid argument)\n",
                                cgroup_link.link.fd));
}
