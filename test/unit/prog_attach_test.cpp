// BPF_PROG_ATTACH, BPF_PROG_DETACH and BPF_PROG_QUERY against the real
// kernel: a cgroup_skb program on a child cgroup made for the test (in the
// cgroup2 hierarchy, removed afterwards), and two tc programs on the
// loopback's tcx egress hook (target_ifindex=1, the second ordered before
// the first by id: BPF_F_BEFORE|BPF_F_ID shows relative_id). The tests
// check the size cases of all three commands, the members the kernel
// writes at exit for a query (attach_flags, prog_cnt, revision: before =>
// after; prog_ids and link_ids read as `[N, ...]`, the attach flags of
// each by name), a tcx link's id in link_ids, unknown attach types and
// flag bits, unreadable arrays, and the JSON shape.

#include <array>
#include <string_view>

#include <catch2/catch.hpp>

#include "kernel_objects.h"
#include "support.h"
#include "uapi/bpf_info.h"

using namespace bpfsc::test;
using bpfsc::uapi::prog_attach_attr;
using bpfsc::uapi::query_attr;

static CoverCommand cover{bpfsc::uapi::BPF_PROG_ATTACH, bpfsc::uapi::BPF_PROG_DETACH, bpfsc::uapi::BPF_PROG_QUERY};

namespace {

constexpr uint32_t kAttach = bpfsc::uapi::BPF_PROG_ATTACH;
constexpr uint32_t kDetach = bpfsc::uapi::BPF_PROG_DETACH;
constexpr uint32_t kQuery = bpfsc::uapi::BPF_PROG_QUERY;
constexpr uint32_t kIngress = 0;        // BPF_CGROUP_INET_INGRESS
constexpr uint32_t kTcxEgress = 47;     // BPF_TCX_EGRESS (link_create_test uses the ingress side)
constexpr uint32_t kAllowMulti = 1u << 1;
constexpr uint32_t kBefore = 1u << 3;
constexpr uint32_t kById = 1u << 5;

// A cgroup_skb program that lets every packet through.
int64_t load_cgroup_skb() { return load_prog(8 /* BPF_PROG_TYPE_CGROUP_SKB */, 1, kIngress); }
// A tc program that hands the packet on (TCX_NEXT).
int64_t load_tc() { return load_prog(3 /* BPF_PROG_TYPE_SCHED_CLS */, -1); }

constexpr std::string_view kCgroupTag = "links";  // bpfsc-links-<pid>-<serial>

prog_attach_attr attach_attr(int target, int prog_fd, uint32_t type, uint32_t flags) {
    prog_attach_attr a{};
    a.target_fd = uint32_t(target);
    a.attach_bpf_fd = uint32_t(prog_fd);
    a.attach_type = type;
    a.attach_flags = flags;
    return a;
}

query_attr query_of(int target, uint32_t type, uint32_t* ids, uint32_t capacity) {
    query_attr q{};
    q.target_fd = uint32_t(target);
    q.attach_type = type;
    q.prog_ids = u64_of(ids);
    q.prog_cnt = capacity;
    return q;
}

// A tc program attached to the loopback's tcx egress, detached at the end.
struct TcxOnLoopback {
    Fd prog{load_tc()};
    uint32_t id = 0;
    bool attached = false;
    TcxOnLoopback() {
        REQUIRE(prog.fd >= 0);
        id = prog_id_of(prog.fd);
    }
    ~TcxOnLoopback() {
        if (!attached) return;
        prog_attach_attr d = attach_attr(1, prog.fd, kTcxEgress, 0);
        real_bpf(kDetach, &d, sizeof d);
    }
    TcxOnLoopback(const TcxOnLoopback&) = delete;
    TcxOnLoopback& operator=(const TcxOnLoopback&) = delete;
};

// The revision the kernel reported, as it shows at exit ("revision=0 => N").
std::string revision_text(const std::byte* attr) {
    query_attr after;
    std::memcpy(&after, attr, sizeof after);
    return after.revision == 0 ? std::string("revision=0") : fmt::format("revision=0 => {}", after.revision);
}

} // namespace

TEST_CASE("BPF_PROG_ATTACH size cases: a cgroup_skb program on a child cgroup", "[BPF_PROG_ATTACH]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd prog(load_cgroup_skb());
    REQUIRE(prog.fd >= 0);
    SizeCases c;
    c.cmd = kAttach;
    c.full = bytes_of(attach_attr(cg.fd, prog.fd, kIngress, kAllowMulti));
    c.partial = 16;  // up to attach_flags: a 4.10-5.5 caller
    c.kernel = real_kernel(kAttach);
    const std::string head = fmt::format("bpf(BPF_PROG_ATTACH, {{target_fd={}, attach_bpf_fd={}, "
                                         "attach_type=BPF_CGROUP_INET_INGRESS, attach_flags=BPF_F_ALLOW_MULTI",
                                         cg.fd, prog.fd);
    c.expected_partial = head + "}, 16) = {ret}\n";
    c.expected_full = head + ", replace_bpf_fd=0, relative_fd=0, expected_revision=0}, 32) = {ret}\n";
    check_size_cases(c);
}

TEST_CASE("BPF_PROG_DETACH size cases: detaching the cgroup_skb program", "[BPF_PROG_DETACH]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd prog(load_cgroup_skb());
    REQUIRE(prog.fd >= 0);
    prog_attach_attr a = attach_attr(cg.fd, prog.fd, kIngress, kAllowMulti);
    REQUIRE(real_bpf(kAttach, &a, sizeof a) == 0);
    SizeCases c;
    c.cmd = kDetach;
    c.full = bytes_of(attach_attr(cg.fd, prog.fd, kIngress, 0));
    c.partial = 12;  // target_fd, attach_bpf_fd, attach_type: what libbpf's bpf_prog_detach2() needs
    c.kernel = real_kernel(kDetach);
    const std::string head = fmt::format(
        "bpf(BPF_PROG_DETACH, {{target_fd={}, attach_bpf_fd={}, attach_type=BPF_CGROUP_INET_INGRESS", cg.fd, prog.fd);
    c.expected_partial = head + "}, 12) = {ret}\n";
    c.expected_full = head + ", attach_flags=0, replace_bpf_fd=0, relative_fd=0, expected_revision=0}, 32) = {ret}\n";
    check_size_cases(c);
}

TEST_CASE("BPF_PROG_DETACH of a program that is not attached", "[BPF_PROG_DETACH]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd prog(load_cgroup_skb());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    const prog_attach_attr a = attach_attr(cg.fd, prog.fd, kIngress, 0);
    std::byte* attr = page.place(&a, 12);
    const Rendered r = run_call(kDetach, attr, 12, real_kernel(kDetach));
    CHECK(r.ret == -ENOENT);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_DETACH, {{target_fd={}, attach_bpf_fd={}, "
                                "attach_type=BPF_CGROUP_INET_INGRESS}}, 12) = -1 ENOENT (No such file or directory)\n",
                                cg.fd, prog.fd));
}

TEST_CASE("BPF_PROG_QUERY size cases: the program attached to the child cgroup", "[BPF_PROG_QUERY]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd prog(load_cgroup_skb());
    REQUIRE(prog.fd >= 0);
    const uint32_t id = prog_id_of(prog.fd);
    prog_attach_attr a = attach_attr(cg.fd, prog.fd, kIngress, kAllowMulti);
    REQUIRE(real_bpf(kAttach, &a, sizeof a) == 0);
    // The revision the kernel reports for this hook after one attach.
    std::array<uint32_t, 4> ids{};
    query_attr probe = query_of(cg.fd, kIngress, ids.data(), 4);
    REQUIRE(real_bpf(kQuery, &probe, sizeof probe) == 0);
    const uint64_t revision = probe.revision;

    SizeCases c;
    c.cmd = kQuery;
    c.full = bytes_of(query_of(cg.fd, kIngress, ids.data(), 4));
    c.partial = 28;  // up to prog_cnt: a 4.15-5.18 caller
    c.kernel = real_kernel(kQuery);
    const std::string head = fmt::format("bpf(BPF_PROG_QUERY, {{query={{target_fd={}, "
                                         "attach_type=BPF_CGROUP_INET_INGRESS, "
                                         "query_flags=0, attach_flags=0 => BPF_F_ALLOW_MULTI, prog_ids=[{}], "
                                         "prog_cnt=4 => 1",
                                         cg.fd, id);
    c.expected_partial = head + "}}, 28) = {ret}\n";
    c.expected_full = head + fmt::format(", prog_attach_flags=NULL, link_ids=NULL, link_attach_flags=NULL, "
                                         "revision=0 => {}}}}}, 64) = {{ret}}\n",
                                         revision);
    check_size_cases(c);
}

TEST_CASE("BPF_PROG_ATTACH, BPF_PROG_QUERY, BPF_PROG_DETACH: a whole cgroup round trip", "[BPF_PROG_QUERY]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd prog(load_cgroup_skb());
    REQUIRE(prog.fd >= 0);
    const uint32_t id = prog_id_of(prog.fd);
    GuardedPage page;

    // Before: nothing attached; the count goes 4 => 0 and the array stays empty.
    std::array<uint32_t, 4> ids{};
    std::array<uint32_t, 4> flags{};
    query_attr q = query_of(cg.fd, kIngress, ids.data(), 4);
    q.prog_attach_flags = u64_of(flags.data());
    std::byte* attr = page.place(&q, sizeof q);
    Rendered r = run_call(kQuery, attr, sizeof q, real_kernel(kQuery));
    REQUIRE(r.ret == 0);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_QUERY, {{query={{target_fd={}, attach_type=BPF_CGROUP_INET_INGRESS, "
                                "query_flags=0, attach_flags=0, prog_ids=[], prog_cnt=4 => 0, prog_attach_flags=[], "
                                "link_ids=NULL, link_attach_flags=NULL, {}}}}}, 64) = 0\n",
                                cg.fd, revision_text(attr)));

    prog_attach_attr a = attach_attr(cg.fd, prog.fd, kIngress, kAllowMulti);
    attr = page.place(&a, sizeof a);
    r = run_call(kAttach, attr, sizeof a, real_kernel(kAttach));
    REQUIRE(r.ret == 0);
    CHECK(r.json.find(fmt::format("\"fields\":{{\"target_fd\":{{\"fd\":{}}},\"attach_bpf_fd\":{{\"fd\":{}}},\"attach_type\":{{\"value\":0,"
                                  "\"name\":\"BPF_CGROUP_INET_INGRESS\"}},\"attach_flags\":{{\"value\":2,\"names\":"
                                  "[\"BPF_F_ALLOW_MULTI\"],\"unknown_bits\":0}},",
                                  cg.fd, prog.fd)) != std::string::npos);

    // After: the program's id, its attach flags (BPF_F_ALLOW_MULTI = 2) and the hook's flags.
    attr = page.place(&q, sizeof q);
    r = run_call(kQuery, attr, sizeof q, real_kernel(kQuery));
    REQUIRE(r.ret == 0);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_QUERY, {{query={{target_fd={}, attach_type=BPF_CGROUP_INET_INGRESS, "
                                "query_flags=0, attach_flags=0 => BPF_F_ALLOW_MULTI, prog_ids=[{}], prog_cnt=4 => 1, "
                                "prog_attach_flags=[BPF_F_ALLOW_MULTI], link_ids=NULL, link_attach_flags=NULL, "
                                "{}}}}}, 64) = 0\n",
                                cg.fd, id, revision_text(attr)));
    // Each element of prog_attach_flags keeps its number, with its names beside.
    CHECK(r.json.find(fmt::format("\"prog_attach_flags\":{{\"addr\":{},\"items\":[2],\"flags\":[{{\"value\":2,"
                                  "\"names\":[\"BPF_F_ALLOW_MULTI\"],\"unknown_bits\":0}}]}}",
                                  u64_of(flags.data()))) != std::string::npos);
    CHECK(r.json.find(fmt::format("\"attach_flags\":{{\"before\":{{\"value\":0,\"names\":[],\"unknown_bits\":0}},"
                                  "\"after\":{{\"value\":2,\"names\":[\"BPF_F_ALLOW_MULTI\"],\"unknown_bits\":0}}}},"
                                  "\"prog_ids\":{{\"addr\":{},\"items\":[{}]}},"
                                  "\"prog_cnt\":{{\"before\":4,\"after\":1}},",
                                  u64_of(ids.data()), id)) != std::string::npos);

    // The effective query of the same cgroup: attach_flags stay 0.
    query_attr eff = query_of(cg.fd, kIngress, ids.data(), 4);
    eff.query_flags = 1;  // BPF_F_QUERY_EFFECTIVE
    attr = page.place(&eff, 28);
    r = run_call(kQuery, attr, 28, real_kernel(kQuery));
    CHECK(r.text == fmt::format("bpf(BPF_PROG_QUERY, {{query={{target_fd={}, attach_type=BPF_CGROUP_INET_INGRESS, "
                                "query_flags=BPF_F_QUERY_EFFECTIVE, attach_flags=0, prog_ids=[{}], prog_cnt=4 => "
                                "1}}}}, "
                                "28) = 0\n",
                                cg.fd, id));

    a = attach_attr(cg.fd, prog.fd, kIngress, 0);
    attr = page.place(&a, sizeof a);
    r = run_call(kDetach, attr, sizeof a, real_kernel(kDetach));
    CHECK(r.text == fmt::format("bpf(BPF_PROG_DETACH, {{target_fd={}, attach_bpf_fd={}, "
                                "attach_type=BPF_CGROUP_INET_INGRESS, attach_flags=0, replace_bpf_fd=0, relative_fd=0, "
                                "expected_revision=0}}, 32) = 0\n",
                                cg.fd, prog.fd));
}

TEST_CASE("BPF_PROG_QUERY with a prog_ids array too small: ENOSPC", "[BPF_PROG_QUERY]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd one(load_cgroup_skb());
    const Fd two(load_cgroup_skb());
    REQUIRE(one.fd >= 0);
    REQUIRE(two.fd >= 0);
    for (int fd : {one.fd, two.fd}) {
        prog_attach_attr a = attach_attr(cg.fd, fd, kIngress, kAllowMulti);
        REQUIRE(real_bpf(kAttach, &a, sizeof a) == 0);
    }
    GuardedPage page;
    std::array<uint32_t, 4> ids{};
    const query_attr q = query_of(cg.fd, kIngress, ids.data(), 1);
    std::byte* attr = page.place(&q, 28);
    const Rendered r = run_call(kQuery, attr, 28, real_kernel(kQuery));
    REQUIRE(r.ret == -ENOSPC);
    CHECK(ids[0] == prog_id_of(one.fd));  // the kernel filled what fitted
    // ENOSPC: the kernel filled what fitted and moved prog_cnt, so the ids are shown.
    CHECK(r.text == fmt::format("bpf(BPF_PROG_QUERY, {{query={{target_fd={}, attach_type=BPF_CGROUP_INET_INGRESS, "
                                "query_flags=0, attach_flags=0 => BPF_F_ALLOW_MULTI, prog_ids=[{}], prog_cnt=1 => 2}}}}, "
                                "28) = -1 ENOSPC (No space left on device)\n",
                                cg.fd, ids[0]));
}

TEST_CASE("BPF_PROG_ATTACH and BPF_PROG_DETACH on the loopback's tcx egress: target_ifindex, relative_id",
          "[BPF_PROG_ATTACH]") {
    BPFSC_REQUIRE_BPF();
    TcxOnLoopback first;
    TcxOnLoopback second;
    GuardedPage page;

    prog_attach_attr a = attach_attr(1, first.prog.fd, kTcxEgress, 0);
    std::byte* attr = page.place(&a, sizeof a);
    Rendered r = run_call(kAttach, attr, sizeof a, real_kernel(kAttach));
    REQUIRE(r.ret == 0);
    first.attached = true;
    CHECK(r.text == fmt::format("bpf(BPF_PROG_ATTACH, {{target_ifindex=1, attach_bpf_fd={}, "
                                "attach_type=BPF_TCX_EGRESS, attach_flags=0, replace_bpf_fd=0, relative_fd=0, "
                                "expected_revision=0}}, 32) = 0\n",
                                first.prog.fd));
    CHECK(r.json.find("\"fields\":{\"target_ifindex\":1,") != std::string::npos);

    // The second goes before the first, named by its id.
    a = attach_attr(1, second.prog.fd, kTcxEgress, kBefore | kById);
    a.relative_id = first.id;
    attr = page.place(&a, sizeof a);
    r = run_call(kAttach, attr, sizeof a, real_kernel(kAttach));
    REQUIRE(r.ret == 0);
    second.attached = true;
    CHECK(r.text == fmt::format("bpf(BPF_PROG_ATTACH, {{target_ifindex=1, attach_bpf_fd={}, "
                                "attach_type=BPF_TCX_EGRESS, attach_flags=BPF_F_BEFORE|BPF_F_ID, replace_bpf_fd=0, "
                                "relative_id={}, expected_revision=0}}, 32) = 0\n",
                                second.prog.fd, first.id));
    CHECK(r.json.find(fmt::format("\"replace_bpf_fd\":{{\"fd\":0}},\"relative_id\":{},\"expected_revision\":0}}", first.id)) !=
          std::string::npos);

    // The query lists both in order, with no links.
    std::array<uint32_t, 4> ids{};
    std::array<uint32_t, 4> links{};
    query_attr q = query_of(1, kTcxEgress, ids.data(), 4);
    q.link_ids = u64_of(links.data());
    attr = page.place(&q, sizeof q);
    r = run_call(kQuery, attr, sizeof q, real_kernel(kQuery));
    REQUIRE(r.ret == 0);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_QUERY, {{query={{target_ifindex=1, attach_type=BPF_TCX_EGRESS, "
                                "query_flags=0, attach_flags=0, prog_ids=[{}, {}], prog_cnt=4 => 2, "
                                "prog_attach_flags=NULL, link_ids=[0, 0], link_attach_flags=NULL, {}}}}}, 64) = 0\n",
                                second.id, first.id, revision_text(attr)));
    CHECK(r.json.find(fmt::format("\"link_ids\":{{\"addr\":{},\"items\":[0,0]}}", u64_of(links.data()))) !=
          std::string::npos);

    // Detach with the expected revision named: a stale one is refused.
    a = attach_attr(1, second.prog.fd, kTcxEgress, 0);
    a.expected_revision = 1;
    attr = page.place(&a, sizeof a);
    r = run_call(kDetach, attr, sizeof a, real_kernel(kDetach));
    CHECK(r.ret == -ESTALE);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_DETACH, {{target_ifindex=1, attach_bpf_fd={}, "
                                "attach_type=BPF_TCX_EGRESS, attach_flags=0, replace_bpf_fd=0, relative_fd=0, "
                                "expected_revision=1}}, 32) = -1 ESTALE (Stale file handle)\n",
                                second.prog.fd));
    a.expected_revision = 0;
    attr = page.place(&a, sizeof a);
    r = run_call(kDetach, attr, sizeof a, real_kernel(kDetach));
    CHECK(r.ret == 0);
    second.attached = r.ret != 0;
}

TEST_CASE("BPF_PROG_ATTACH unknown attach type and flag bits stay visible", "[BPF_PROG_ATTACH]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd prog(load_cgroup_skb());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    prog_attach_attr a = attach_attr(cg.fd, prog.fd, 0x99, 0);
    std::byte* attr = page.place(&a, sizeof a);
    Rendered r = run_call(kAttach, attr, sizeof a, real_kernel(kAttach));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_ATTACH, {{target_fd={}, attach_bpf_fd={}, attach_type=0x99 /* BPF_??? "
                                "*/, "
                                "attach_flags=0, replace_bpf_fd=0, relative_fd=0, expected_revision=0}}, 32) = "
                                "-1 EINVAL (Invalid argument)\n",
                                cg.fd, prog.fd));
    CHECK(r.json.find("\"attach_type\":{\"value\":153,\"name\":null,\"unknown\":\"BPF_???\"}") != std::string::npos);

    a = attach_attr(cg.fd, prog.fd, kIngress, kAllowMulti | (1u << 20));
    attr = page.place(&a, sizeof a);
    r = run_call(kAttach, attr, sizeof a, real_kernel(kAttach));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_ATTACH, {{target_fd={}, attach_bpf_fd={}, "
                                "attach_type=BPF_CGROUP_INET_INGRESS, attach_flags=BPF_F_ALLOW_MULTI|0x100000 "
                                "/* BPF_F_??? */, replace_bpf_fd=0, relative_fd=0, expected_revision=0}}, 32) = "
                                "-1 EINVAL (Invalid argument)\n",
                                cg.fd, prog.fd));
    CHECK(r.json.find("\"attach_flags\":{\"value\":1048578,\"names\":[\"BPF_F_ALLOW_MULTI\"],"
                      "\"unknown_bits\":1048576}") !=
          std::string::npos);
}

TEST_CASE("BPF_PROG_ATTACH with BPF_F_REPLACE names the replaced program", "[BPF_PROG_ATTACH]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd old_prog(load_cgroup_skb());
    const Fd new_prog(load_cgroup_skb());
    REQUIRE(old_prog.fd >= 0);
    REQUIRE(new_prog.fd >= 0);
    prog_attach_attr a = attach_attr(cg.fd, old_prog.fd, kIngress, kAllowMulti);
    REQUIRE(real_bpf(kAttach, &a, sizeof a) == 0);
    GuardedPage page;
    a = attach_attr(cg.fd, new_prog.fd, kIngress, kAllowMulti | (1u << 2));
    a.replace_bpf_fd = uint32_t(old_prog.fd);
    std::byte* attr = page.place(&a, 20);
    const Rendered r = run_call(kAttach, attr, 20, real_kernel(kAttach));
    CHECK(r.ret == 0);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_ATTACH, {{target_fd={}, attach_bpf_fd={}, "
                                "attach_type=BPF_CGROUP_INET_INGRESS, attach_flags=BPF_F_ALLOW_MULTI|BPF_F_REPLACE, "
                                "replace_bpf_fd={}}}, 20) = 0\n",
                                cg.fd, new_prog.fd, old_prog.fd));
}

TEST_CASE("BPF_PROG_QUERY unknown query flags and attach type", "[BPF_PROG_QUERY]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    GuardedPage page;
    std::array<uint32_t, 4> ids{};
    query_attr q = query_of(cg.fd, 0x77, ids.data(), 4);
    q.query_flags = 1u | (1u << 9);
    std::byte* attr = page.place(&q, 28);
    const Rendered r = run_call(kQuery, attr, 28, real_kernel(kQuery));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_QUERY, {{query={{target_fd={}, attach_type=0x77 /* BPF_??? */, "
                                "query_flags=BPF_F_QUERY_EFFECTIVE|0x200 /* BPF_F_??? */, attach_flags=0, prog_ids={}, "
                                "prog_cnt=4}}}}, 28) = -1 EINVAL (Invalid argument)\n",
                                cg.fd, hex(ids.data())));
    CHECK(r.json.find("\"query_flags\":{\"value\":513,\"names\":[\"BPF_F_QUERY_EFFECTIVE\"],\"unknown_bits\":512}") !=
          std::string::npos);
}

TEST_CASE("BPF_PROG_QUERY with an unreadable prog_ids array", "[BPF_PROG_QUERY]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd prog(load_cgroup_skb());
    REQUIRE(prog.fd >= 0);
    prog_attach_attr a = attach_attr(cg.fd, prog.fd, kIngress, kAllowMulti);
    REQUIRE(real_bpf(kAttach, &a, sizeof a) == 0);
    GuardedPage page;
    const query_attr q = query_of(cg.fd, kIngress, reinterpret_cast<uint32_t*>(page.guard()), 4);
    std::byte* attr = page.place(&q, 28);

    // For real: the kernel cannot write the ids and fails; a failed call's array is not read.
    Rendered r = run_call(kQuery, attr, 28, real_kernel(kQuery));
    CHECK(r.ret == -EFAULT);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_QUERY, {{query={{target_fd={}, attach_type=BPF_CGROUP_INET_INGRESS, "
                                "query_flags=0, attach_flags=0 => BPF_F_ALLOW_MULTI, prog_ids={} (unreadable: EFAULT), "
                                "prog_cnt=4 => 1}}}}, 28) = -1 EFAULT (Bad address)\n",
                                cg.fd, hex(page.guard())));

    // Simulated: the kernel reports success, yet the tracer cannot read the array.
    attr = page.place(&q, 28);
    r = run_call(kQuery, attr, 28, [](std::byte* p, uint32_t) -> int64_t {
        const uint32_t cnt = 1;
        std::memcpy(p + offsetof(query_attr, prog_cnt), &cnt, 4);
        return 0;
    });
    CHECK(r.text == fmt::format("bpf(BPF_PROG_QUERY, {{query={{target_fd={}, attach_type=BPF_CGROUP_INET_INGRESS, "
                                "query_flags=0, attach_flags=0, prog_ids={} (unreadable: EFAULT), prog_cnt=4 => 1}}}}, "
                                "28) = 0\n",
                                cg.fd, hex(page.guard())));
    CHECK(r.json.find(fmt::format("\"prog_ids\":{{\"addr\":{},\"items\":[],\"error\":\"EFAULT\",\"errno\":14,"
                                  "\"read\":0}}",
                                  u64_of(page.guard()))) != std::string::npos);
}

TEST_CASE("BPF_PROG_QUERY unfinished shows no output arrays; truncation past the limit", "[BPF_PROG_QUERY]") {
    GuardedPage page;
    std::array<uint32_t, 40> ids{};
    for (uint32_t i = 0; i < ids.size(); ++i) ids[i] = 100 + i;
    const query_attr q = query_of(7, kIngress, ids.data(), 40);
    std::byte* attr = page.place(&q, 28);
    CHECK(render_unfinished(kQuery, attr, 28) ==
          fmt::format("bpf(BPF_PROG_QUERY, {{query={{target_fd=7, attach_type=BPF_CGROUP_INET_INGRESS, query_flags=0, "
                      "attach_flags=0, prog_ids={}, prog_cnt=40}}}}, 28 <unfinished ...>\n",
                      hex(ids.data())));
    // Simulated: the kernel reports 40 programs; 32 are shown.
    const Rendered r = run_call(kQuery, attr, 28, returns(0));
    std::string shown;
    for (uint32_t i = 0; i < 32; ++i) shown += fmt::format("{}, ", 100 + i);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_QUERY, {{query={{target_fd=7, attach_type=BPF_CGROUP_INET_INGRESS, "
                                "query_flags=0, attach_flags=0, prog_ids=[{}...], prog_cnt=40}}}}, 28) = 0\n",
                                shown));
}

TEST_CASE("BPF_PROG_QUERY of a tcx link: its program and link ids side by side", "[BPF_PROG_QUERY]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_tc());
    REQUIRE(prog.fd >= 0);
    bpfsc::uapi::link_create_attr l{};
    l.prog_fd = uint32_t(prog.fd);
    l.target_ifindex = 1;
    l.attach_type = kTcxEgress;
    const Fd link(real_bpf(bpfsc::uapi::BPF_LINK_CREATE, &l, sizeof l));
    REQUIRE(link.fd >= 0);
    bpfsc::uapi::link_info info{};
    bpfsc::uapi::info_attr get{};
    get.bpf_fd = uint32_t(link.fd);
    get.info_len = sizeof info;
    get.info = u64_of(&info);
    REQUIRE(real_bpf(bpfsc::uapi::BPF_OBJ_GET_INFO_BY_FD, &get, sizeof get) == 0);

    GuardedPage page;
    std::array<uint32_t, 4> ids{}, links{}, prog_flags{}, link_flags{};
    query_attr q = query_of(1, kTcxEgress, ids.data(), 4);
    q.prog_attach_flags = u64_of(prog_flags.data());
    q.link_ids = u64_of(links.data());
    q.link_attach_flags = u64_of(link_flags.data());
    std::byte* attr = page.place(&q, sizeof q);
    const Rendered r = run_call(kQuery, attr, sizeof q, real_kernel(kQuery));
    REQUIRE(r.ret == 0);
    CHECK(links[0] == info.id);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_QUERY, {{query={{target_ifindex=1, attach_type=BPF_TCX_EGRESS, "
                                "query_flags=0, attach_flags=0, prog_ids=[{}], prog_cnt=4 => 1, prog_attach_flags=[0], "
                                "link_ids=[{}], link_attach_flags=[0], {}}}}}, 64) = 0\n",
                                info.prog_id, info.id, revision_text(attr)));
    CHECK(r.json.find(fmt::format("\"link_ids\":{{\"addr\":{},\"items\":[{}]}},\"link_attach_flags\":{{\"addr\":{},"
                                  "\"items\":[0],\"flags\":[{{\"value\":0,\"names\":[],\"unknown_bits\":0}}]}}",
                                  u64_of(links.data()), info.id, u64_of(link_flags.data()))) != std::string::npos);
}
