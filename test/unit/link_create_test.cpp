// BPF_LINK_CREATE: real links where this kernel can make them (a
// cgroup_skb program on a child cgroup, also ordered before another with
// BPF_F_BEFORE and cgroup.relative_fd; an XDP program on the loopback,
// target_ifindex=1; tc programs on the loopback's tcx hook ordered by id,
// tcx.relative_id), and the other members of the attach-type union decoded
// from simulated attrs: kprobe_multi (syms as a string array, one entry
// unreadable, addrs and cookies as hex arrays; a real call shows what this
// kernel, built without kprobes/fprobe, answers), uprobe_multi, netfilter,
// tracing, perf_event, iter, struct_ops and netkit. Also: the size cases,
// unknown attach types and flag bits, and the JSON nesting of the groups.

#include <array>
#include <string_view>

#include <catch2/catch.hpp>

#include "kernel_objects.h"
#include "support.h"

using namespace bpfsc::test;
using bpfsc::uapi::link_create_attr;

static CoverCommand cover{bpfsc::uapi::BPF_LINK_CREATE};

namespace {

constexpr uint32_t kCmd = bpfsc::uapi::BPF_LINK_CREATE;
constexpr uint32_t kIngress = 0;  // BPF_CGROUP_INET_INGRESS
constexpr uint32_t kBefore = 1u << 3;
constexpr uint32_t kById = 1u << 5;
constexpr uint32_t kLink = 1u << 13;

int64_t load_cgroup_skb() { return load_prog(8 /* BPF_PROG_TYPE_CGROUP_SKB */, 1, kIngress); }
int64_t load_xdp() { return load_prog(6 /* BPF_PROG_TYPE_XDP */, 2 /* XDP_PASS */); }
int64_t load_tc() { return load_prog(3 /* BPF_PROG_TYPE_SCHED_CLS */, -1 /* TCX_NEXT */); }

constexpr std::string_view kCgroupTag = "links-create";  // bpfsc-links-create-<pid>-<serial>

link_create_attr link_attr(int prog_fd, int target, uint32_t type, uint32_t flags = 0) {
    link_create_attr a{};
    a.prog_fd = uint32_t(prog_fd);
    a.target_fd = uint32_t(target);
    a.attach_type = type;
    a.flags = flags;
    return a;
}

const char kSendmsg[] = "tcp_sendmsg";
const char kRecvmsg[] = "tcp_recvmsg";

} // namespace

TEST_CASE("BPF_LINK_CREATE size cases: a real cgroup link", "[BPF_LINK_CREATE]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd prog(load_cgroup_skb());
    REQUIRE(prog.fd >= 0);
    SizeCases c;
    c.cmd = kCmd;
    c.full = bytes_of(link_attr(prog.fd, cg.fd, kIngress));
    c.partial = 16;  // prog_fd, target_fd, attach_type, flags: a 5.7 caller
    c.kernel = real_kernel_closing(kCmd);
    const std::string head = fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd={}, target_fd={}, "
                                         "attach_type=BPF_CGROUP_INET_INGRESS, flags=0",
                                         prog.fd, cg.fd);
    c.expected_partial = head + "}}, 16) = {ret}\n";
    c.expected_full = head + ", target_btf_id=0}}, 60) = {ret}\n";
    check_size_cases(c);
}

TEST_CASE("BPF_LINK_CREATE of a cgroup link returns a link fd; JSON", "[BPF_LINK_CREATE]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd prog(load_cgroup_skb());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    const link_create_attr a = link_attr(prog.fd, cg.fd, kIngress);
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(kCmd, attr, sizeof a, real_kernel(kCmd));
    const Fd link(r.ret);
    REQUIRE(r.ret >= 0);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd={}, target_fd={}, "
                                "attach_type=BPF_CGROUP_INET_INGRESS, flags=0, target_btf_id=0}}}}, 64) = {}\n",
                                prog.fd, cg.fd, r.ret));
    CHECK(r.json.find(fmt::format("\"fields\":{{\"link_create\":{{\"prog_fd\":{{\"fd\":{}}},\"target_fd\":{{\"fd\":{}}},\"attach_type\":"
                                  "{{\"value\":0,\"name\":\"BPF_CGROUP_INET_INGRESS\"}},\"flags\":{{\"value\":0,"
                                  "\"names\":[],\"unknown_bits\":0}},\"target_btf_id\":{{\"value\":0,\"name\":null}}}}}}",
                                  prog.fd, cg.fd)) != std::string::npos);
    CHECK(r.json.find(fmt::format("\"return\":{{\"value\":{0},\"fd\":{{\"fd\":{0}}}}}", r.ret)) != std::string::npos);
}

TEST_CASE("BPF_LINK_CREATE of a cgroup link ordered before another: cgroup.relative_fd", "[BPF_LINK_CREATE]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd first_prog(load_cgroup_skb());
    const Fd second_prog(load_cgroup_skb());
    REQUIRE(first_prog.fd >= 0);
    REQUIRE(second_prog.fd >= 0);
    link_create_attr a = link_attr(first_prog.fd, cg.fd, kIngress);
    const Fd first(real_bpf(kCmd, &a, sizeof a));
    REQUIRE(first.fd >= 0);
    GuardedPage page;
    // The anchor is the first link, named by its fd (BPF_F_LINK).
    a = link_attr(second_prog.fd, cg.fd, kIngress, kBefore | kLink);
    a.cgroup.relative_fd = uint32_t(first.fd);
    std::byte* attr = page.place(&a, 60);
    const Rendered r = run_call(kCmd, attr, 60, real_kernel(kCmd));
    const Fd second(r.ret);
    CHECK(r.ret >= 0);
    CHECK(r.text == with_ret(fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd={}, target_fd={}, "
                                         "attach_type=BPF_CGROUP_INET_INGRESS, flags=BPF_F_BEFORE|BPF_F_LINK, "
                                         "cgroup={{relative_fd={}, expected_revision=0}}}}}}, 60) = {{ret}}\n",
                                         second_prog.fd, cg.fd, first.fd),
                             r.ret));
    CHECK(r.json.find(fmt::format("\"cgroup\":{{\"relative_fd\":{{\"fd\":{}}},\"expected_revision\":0}}}}}}", first.fd)) !=
          std::string::npos);
}

TEST_CASE("BPF_LINK_CREATE of an XDP link on the loopback: target_ifindex", "[BPF_LINK_CREATE]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_xdp());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    link_create_attr a = link_attr(prog.fd, 1, 37 /* BPF_XDP */);
    std::byte* attr = page.place(&a, 60);
    Rendered r = run_call(kCmd, attr, 60, real_kernel(kCmd));
    {
        const Fd link(r.ret);
        REQUIRE(r.ret >= 0);
        CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd={}, target_ifindex=1, "
                                    "attach_type=BPF_XDP, flags=0, target_btf_id=0}}}}, 60) = {}\n",
                                    prog.fd, r.ret));
        CHECK(r.json.find(fmt::format("{{\"prog_fd\":{{\"fd\":{}}},\"target_ifindex\":1,", prog.fd)) != std::string::npos);
    }
    // For XDP the flags are XDP_FLAGS_* (include/uapi/linux/if_link.h), not
    // BPF_F_*: XDP_FLAGS_SKB_MODE asks for generic XDP.
    a.flags = 1u << 1;  // XDP_FLAGS_SKB_MODE
    attr = page.place(&a, 60);
    r = run_call(kCmd, attr, 60, real_kernel(kCmd));
    const Fd link(r.ret);
    REQUIRE(r.ret >= 0);
    // expects fix: link_create.cpp decodes flags with xlat::bpf_attach_flags for every attach type; for BPF_XDP
    // the kernel (bpf_xdp_link_attach -> dev_xdp_attach) reads them as XDP_FLAGS_*, so 2 shows as the
    // misleading BPF_F_ALLOW_MULTI instead of XDP_FLAGS_SKB_MODE.
    CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd={}, target_ifindex=1, "
                                "attach_type=BPF_XDP, flags=XDP_FLAGS_SKB_MODE, target_btf_id=0}}}}, 60) = {}\n",
                                prog.fd, r.ret));
}

TEST_CASE("BPF_LINK_CREATE of tcx links on the loopback, the second before the first by id", "[BPF_LINK_CREATE]") {
    BPFSC_REQUIRE_BPF();
    const Fd first_prog(load_tc());
    const Fd second_prog(load_tc());
    REQUIRE(first_prog.fd >= 0);
    REQUIRE(second_prog.fd >= 0);
    const uint32_t first_id = prog_id_of(first_prog.fd);
    GuardedPage page;
    link_create_attr a = link_attr(first_prog.fd, 1, 46 /* BPF_TCX_INGRESS */);
    std::byte* attr = page.place(&a, 60);
    Rendered r = run_call(kCmd, attr, 60, real_kernel(kCmd));
    const Fd first(r.ret);
    REQUIRE(r.ret >= 0);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd={}, target_ifindex=1, "
                                "attach_type=BPF_TCX_INGRESS, flags=0, tcx={{relative_fd=0, expected_revision=0}}}}}}, "
                                "60) = {}\n",
                                first_prog.fd, r.ret));

    a = link_attr(second_prog.fd, 1, 46, kBefore | kById);
    a.tcx.relative_id = first_id;
    attr = page.place(&a, 60);
    r = run_call(kCmd, attr, 60, real_kernel(kCmd));
    const Fd second(r.ret);
    REQUIRE(r.ret >= 0);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd={}, target_ifindex=1, "
                                "attach_type=BPF_TCX_INGRESS, flags=BPF_F_BEFORE|BPF_F_ID, tcx={{relative_id={}, "
                                "expected_revision=0}}}}}}, 60) = {}\n",
                                second_prog.fd, first_id, r.ret));
    CHECK(r.json.find(fmt::format("\"flags\":{{\"value\":40,\"names\":[\"BPF_F_BEFORE\",\"BPF_F_ID\"],"
                                  "\"unknown_bits\":0}},\"tcx\":{{\"relative_id\":{},\"expected_revision\":0}}}}",
                                  first_id)) != std::string::npos);
}

TEST_CASE("BPF_LINK_CREATE kprobe_multi: syms as strings, cookies as hex (real: this kernel says EOPNOTSUPP)",
          "[BPF_LINK_CREATE]") {
    BPFSC_REQUIRE_BPF();
    // A kprobe program for kprobe_multi loads; the link cannot be made on a
    // kernel without CONFIG_FPROBE.
    const Fd prog(load_prog(2 /* BPF_PROG_TYPE_KPROBE */, 0, 42 /* BPF_TRACE_KPROBE_MULTI */));
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    const std::array<uint64_t, 2> syms = {u64_of(kSendmsg), u64_of(kRecvmsg)};
    const std::array<uint64_t, 2> cookies = {0x1, 0xdeadbeefcafe};
    link_create_attr a = link_attr(prog.fd, 0, 42);
    a.kprobe_multi.flags = 1;  // BPF_F_KPROBE_MULTI_RETURN
    a.kprobe_multi.cnt = 2;
    a.kprobe_multi.syms = u64_of(syms.data());
    a.kprobe_multi.cookies = u64_of(cookies.data());
    std::byte* attr = page.place(&a, 60);
    const Rendered r = run_call(kCmd, attr, 60, real_kernel_closing(kCmd));
    CHECK(r.ret == -EOPNOTSUPP);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd={}, target_fd=0, "
                                "attach_type=BPF_TRACE_KPROBE_MULTI, flags=0, kprobe_multi={{"
                                "flags=BPF_F_KPROBE_MULTI_RETURN, cnt=2, syms=[\"tcp_sendmsg\", \"tcp_recvmsg\"], "
                                "addrs=NULL, cookies=[0x1, 0xdeadbeefcafe]}}}}}}, 60) = "
                                "-1 EOPNOTSUPP (Operation not supported)\n",
                                prog.fd));
    CHECK(r.json.find(fmt::format("\"kprobe_multi\":{{\"flags\":{{\"value\":1,\"names\":"
                                  "[\"BPF_F_KPROBE_MULTI_RETURN\"],"
                                  "\"unknown_bits\":0}},\"cnt\":2,\"syms\":{{\"addr\":{},\"items\":[{{\"addr\":{},"
                                  "\"string\":\"tcp_sendmsg\"}},{{\"addr\":{},\"string\":\"tcp_recvmsg\"}}]}},"
                                  "\"addrs\":{{\"addr\":0}},\"cookies\":{{\"addr\":{},"
                                  "\"items\":[1,244837814094590]}}}}",
                                  u64_of(syms.data()), syms[0], syms[1], u64_of(cookies.data()))) !=
          std::string::npos);
}

TEST_CASE("BPF_LINK_CREATE kprobe_multi by address, with one unreadable symbol, and past the limit (simulated)",
          "[BPF_LINK_CREATE]") {
    GuardedPage page;
    // By address: addrs as hex; the kernel's answer is simulated (a link fd).
    const std::array<uint64_t, 2> addrs = {0xffffffff81000000, 0xffffffff81000010};
    link_create_attr a = link_attr(5, 0, 56 /* BPF_TRACE_KPROBE_SESSION */);
    a.kprobe_multi.cnt = 2;
    a.kprobe_multi.addrs = u64_of(addrs.data());
    std::byte* attr = page.place(&a, 60);
    Rendered r = run_call(kCmd, attr, 60, returns(7));
    CHECK(r.text == "bpf(BPF_LINK_CREATE, {link_create={prog_fd=5, target_fd=0, attach_type=BPF_TRACE_KPROBE_SESSION, "
                    "flags=0, kprobe_multi={flags=0, cnt=2, syms=NULL, addrs=[0xffffffff81000000, 0xffffffff81000010], "
                    "cookies=NULL}}}, 60) = 7\n");

    // The second symbol pointer points at the guard page: that one entry is unreadable.
    const std::array<uint64_t, 2> syms = {u64_of(kSendmsg), u64_of(page.guard())};
    a = link_attr(5, 0, 42);
    a.kprobe_multi.cnt = 2;
    a.kprobe_multi.syms = u64_of(syms.data());
    attr = page.place(&a, 60);
    r = run_call(kCmd, attr, 60, returns(-EFAULT));
    CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd=5, target_fd=0, "
                                "attach_type=BPF_TRACE_KPROBE_MULTI, flags=0, kprobe_multi={{flags=0, cnt=2, "
                                "syms=[\"tcp_sendmsg\", {} (unreadable: EFAULT)], addrs=NULL, cookies=NULL}}}}}}, "
                                "60) = "
                                "-1 EFAULT (Bad address)\n",
                                hex(page.guard())));
    CHECK(r.json.find(fmt::format("{{\"addr\":{},\"string\":\"\",\"error\":\"EFAULT\",\"errno\":14,\"read\":0}}]",
                                  u64_of(page.guard()))) != std::string::npos);

    // The array of pointers itself is unreadable.
    a.kprobe_multi.syms = u64_of(page.guard());
    attr = page.place(&a, 60);
    r = run_call(kCmd, attr, 60, returns(-EFAULT));
    CHECK(r.text.find(fmt::format("kprobe_multi={{flags=0, cnt=2, syms={} (unreadable: EFAULT), addrs=NULL, ",
                                  hex(page.guard()))) != std::string::npos);

    // More entries than the limit (32): the rest is elided.
    std::array<uint64_t, 40> many{};
    std::string shown;
    for (std::size_t i = 0; i < many.size(); ++i) {
        many[i] = 0xffffffff81000000 + 0x10 * i;
        if (i < 32) shown += fmt::format("{:#x}, ", many[i]);
    }
    a = link_attr(5, 0, 42);
    a.kprobe_multi.cnt = 40;
    a.kprobe_multi.addrs = u64_of(many.data());
    attr = page.place(&a, 60);
    r = run_call(kCmd, attr, 60, returns(7));
    CHECK(r.text.find(fmt::format("cnt=40, syms=NULL, addrs=[{}...], cookies=NULL}}", shown)) != std::string::npos);
    CHECK(r.json.find("\"truncated\":true,\"length\":40") != std::string::npos);
}

TEST_CASE("BPF_LINK_CREATE kprobe_multi cut short by size, and unknown kprobe_multi flags", "[BPF_LINK_CREATE]") {
    GuardedPage page;
    const std::array<uint64_t, 2> syms = {u64_of(kSendmsg), u64_of(kRecvmsg)};
    link_create_attr a = link_attr(5, 0, 42);
    a.kprobe_multi.flags = 1u | (1u << 4);
    a.kprobe_multi.cnt = 2;
    a.kprobe_multi.syms = u64_of(syms.data());
    std::byte* attr = page.place(&a, 24);
    const Rendered r = run_call(kCmd, attr, 24, returns(-EINVAL));
    CHECK(r.text == "bpf(BPF_LINK_CREATE, {link_create={prog_fd=5, target_fd=0, attach_type=BPF_TRACE_KPROBE_MULTI, "
                    "flags=0, kprobe_multi={flags=BPF_F_KPROBE_MULTI_RETURN|0x10 /* BPF_F_??? */, cnt=2}}}, 24) = "
                    "-1 EINVAL (Invalid argument)\n");
}

TEST_CASE("BPF_LINK_CREATE uprobe_multi: path and offsets (simulated)", "[BPF_LINK_CREATE]") {
    GuardedPage page;
    const std::array<uint64_t, 2> offsets = {0x1130, 0x1200};
    const std::array<uint64_t, 2> cookies = {7, 8};
    link_create_attr a = link_attr(5, 0, 48 /* BPF_TRACE_UPROBE_MULTI */);
    a.uprobe_multi.path = u64_of("/usr/bin/true");
    a.uprobe_multi.offsets = u64_of(offsets.data());
    a.uprobe_multi.cookies = u64_of(cookies.data());
    a.uprobe_multi.cnt = 2;
    a.uprobe_multi.flags = 1;  // BPF_F_UPROBE_MULTI_RETURN
    a.uprobe_multi.pid = 1234;
    std::byte* attr = page.place(&a, 60);
    Rendered r = run_call(kCmd, attr, 60, returns(7));
    CHECK(r.text == "bpf(BPF_LINK_CREATE, {link_create={prog_fd=5, target_fd=0, attach_type=BPF_TRACE_UPROBE_MULTI, "
                    "flags=0, uprobe_multi={path=\"/usr/bin/true\", offsets=[0x1130, 0x1200], ref_ctr_offsets=NULL, "
                    "cookies=[0x7, 0x8], cnt=2, flags=BPF_F_UPROBE_MULTI_RETURN, pid=1234}}}, 60) = 7\n");
    CHECK(r.json.find("\"uprobe_multi\":{\"path\":{\"addr\":") != std::string::npos);
    CHECK(r.json.find("\"string\":\"/usr/bin/true\"},\"offsets\":{\"addr\":") != std::string::npos);
    CHECK(r.json.find("\"items\":[4400,4608]}") != std::string::npos);
    CHECK(r.json.find("\"pid\":1234}}") != std::string::npos);

    // An unreadable path, and unknown flag bits.
    a.uprobe_multi.path = u64_of(page.guard());
    a.uprobe_multi.flags = 0x6;
    attr = page.place(&a, 60);
    r = run_call(kCmd, attr, 60, returns(-EFAULT));
    CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd=5, target_fd=0, "
                                "attach_type=BPF_TRACE_UPROBE_MULTI, flags=0, uprobe_multi={{path={} (unreadable: "
                                "EFAULT), offsets=[0x1130, 0x1200], ref_ctr_offsets=NULL, cookies=[0x7, 0x8], cnt=2, "
                                "flags=0x6 /* BPF_F_??? */, pid=1234}}}}}}, 60) = -1 EFAULT (Bad address)\n",
                                hex(page.guard())));
}

TEST_CASE("BPF_LINK_CREATE netfilter: pf, hooknum, a negative priority, flags (simulated)", "[BPF_LINK_CREATE]") {
    GuardedPage page;
    link_create_attr a = link_attr(5, 0, 45 /* BPF_NETFILTER */);
    a.netfilter.pf = 2;       // NFPROTO_IPV4
    a.netfilter.hooknum = 1;  // NF_INET_LOCAL_IN
    a.netfilter.priority = -128;
    a.netfilter.flags = 1;    // BPF_F_NETFILTER_IP_DEFRAG
    std::byte* attr = page.place(&a, 60);
    Rendered r = run_call(kCmd, attr, 60, returns(7));
    CHECK(r.text == "bpf(BPF_LINK_CREATE, {link_create={prog_fd=5, target_fd=0, attach_type=BPF_NETFILTER, flags=0, "
                    "netfilter={pf=2, hooknum=1, priority=-128, flags=BPF_F_NETFILTER_IP_DEFRAG}}}, 60) = 7\n");
    CHECK(r.json.find("\"netfilter\":{\"pf\":2,\"hooknum\":1,\"priority\":-128,\"flags\":{\"value\":1,\"names\":"
                      "[\"BPF_F_NETFILTER_IP_DEFRAG\"],\"unknown_bits\":0}}}") != std::string::npos);

    a.netfilter.flags = 0x81;
    attr = page.place(&a, 60);
    r = run_call(kCmd, attr, 60, returns(-EINVAL));
    CHECK(r.text.find("priority=-128, flags=BPF_F_NETFILTER_IP_DEFRAG|0x80 /* BPF_F_??? */}}}, 60) = -1 EINVAL") !=
          std::string::npos);
}

TEST_CASE("BPF_LINK_CREATE tracing, perf_event and iter members (simulated)", "[BPF_LINK_CREATE]") {
    GuardedPage page;
    link_create_attr a = link_attr(5, 0, 24 /* BPF_TRACE_FENTRY */);
    a.tracing.target_btf_id = 12345;
    a.tracing.cookie = 0xabc;
    std::byte* attr = page.place(&a, 60);
    Rendered r = run_call(kCmd, attr, 60, returns(7));
    CHECK(r.text == "bpf(BPF_LINK_CREATE, {link_create={prog_fd=5, target_fd=0, attach_type=BPF_TRACE_FENTRY, "
                    "flags=0, tracing={target_btf_id=12345, cookie=2748}}}, 60) = 7\n");
    CHECK(r.json.find("\"tracing\":{\"target_btf_id\":{\"value\":12345,\"name\":null},\"cookie\":2748}") != std::string::npos);

    a = link_attr(5, 9, 41 /* BPF_PERF_EVENT */);
    a.perf_event.bpf_cookie = 77;
    attr = page.place(&a, 60);
    r = run_call(kCmd, attr, 60, returns(7));
    CHECK(r.text == "bpf(BPF_LINK_CREATE, {link_create={prog_fd=5, target_fd=9, attach_type=BPF_PERF_EVENT, "
                    "flags=0, perf_event={bpf_cookie=77}}}, 60) = 7\n");

    // union bpf_iter_link_info for a map iterator: map.map_fd = 6.
    const std::array<uint32_t, 2> iter_info = {6, 0};
    a = link_attr(5, 0, 28 /* BPF_TRACE_ITER */);
    a.iter_info = u64_of(iter_info.data());
    a.iter_info_len = sizeof iter_info;
    attr = page.place(&a, 60);
    r = run_call(kCmd, attr, 60, returns(7));
    CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd=5, target_fd=0, "
                                "attach_type=BPF_TRACE_ITER, flags=0, iter_info={}, iter_info_len=8}}}}, 60) = 7\n"
                                "  iter_info: 06 00 00 00 00 00 00 00\n",
                                hex(iter_info.data())));
    CHECK(r.json.find(fmt::format("\"iter_info\":{{\"addr\":{},\"hex\":\"0600000000000000\"}},\"iter_info_len\":8}}",
                                  u64_of(iter_info.data()))) != std::string::npos);
}

TEST_CASE("BPF_LINK_CREATE struct_ops (map_fd) and netkit (simulated)", "[BPF_LINK_CREATE]") {
    GuardedPage page;
    link_create_attr a = link_attr(5, 0, 44 /* BPF_STRUCT_OPS */);
    std::byte* attr = page.place(&a, 60);
    Rendered r = run_call(kCmd, attr, 60, returns(7));
    CHECK(r.text == "bpf(BPF_LINK_CREATE, {link_create={map_fd=5, target_fd=0, attach_type=BPF_STRUCT_OPS, flags=0, "
                    "target_btf_id=0}}, 60) = 7\n");

    a = link_attr(5, 7, 54 /* BPF_NETKIT_PRIMARY */, 1u << 4 /* BPF_F_AFTER */);
    a.netkit.relative_fd = 4;
    a.netkit.expected_revision = 3;
    attr = page.place(&a, 60);
    r = run_call(kCmd, attr, 60, returns(7));
    CHECK(r.text == "bpf(BPF_LINK_CREATE, {link_create={prog_fd=5, target_ifindex=7, attach_type=BPF_NETKIT_PRIMARY, "
                    "flags=BPF_F_AFTER, netkit={relative_fd=4, expected_revision=3}}}, 60) = 7\n");

    a.flags = (1u << 4) | kById;
    a.netkit.relative_id = 99;
    attr = page.place(&a, 60);
    r = run_call(kCmd, attr, 60, returns(7));
    CHECK(r.text.find("flags=BPF_F_AFTER|BPF_F_ID, netkit={relative_id=99, expected_revision=3}}}") !=
          std::string::npos);
}

TEST_CASE("BPF_LINK_CREATE unknown attach type and flag bits stay visible", "[BPF_LINK_CREATE]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    const Fd prog(load_cgroup_skb());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    link_create_attr a = link_attr(prog.fd, cg.fd, 0x77);
    std::byte* attr = page.place(&a, 60);
    Rendered r = run_call(kCmd, attr, 60, real_kernel_closing(kCmd));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd={}, target_fd={}, "
                                "attach_type=0x77 /* BPF_??? */, flags=0, target_btf_id=0}}}}, 60) = "
                                "-1 EINVAL (Invalid argument)\n",
                                prog.fd, cg.fd));
    CHECK(r.json.find("\"attach_type\":{\"value\":119,\"name\":null,\"unknown\":\"BPF_???\"}") != std::string::npos);

    a = link_attr(prog.fd, cg.fd, kIngress, 1u << 22);
    attr = page.place(&a, 60);
    r = run_call(kCmd, attr, 60, real_kernel_closing(kCmd));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd={}, target_fd={}, "
                                "attach_type=BPF_CGROUP_INET_INGRESS, flags=0x400000 /* BPF_F_??? */, "
                                "target_btf_id=0}}}}, 60) = -1 EINVAL (Invalid argument)\n",
                                prog.fd, cg.fd));
    CHECK(r.json.find("\"flags\":{\"value\":4194304,\"names\":[],\"unknown_bits\":4194304}") != std::string::npos);
}

TEST_CASE("BPF_LINK_CREATE with a bad program fd", "[BPF_LINK_CREATE]") {
    BPFSC_REQUIRE_BPF();
    const TestCgroup cg{kCgroupTag};
    GuardedPage page;
    const link_create_attr a = link_attr(-1, cg.fd, kIngress);
    std::byte* attr = page.place(&a, 16);
    const Rendered r = run_call(kCmd, attr, 16, real_kernel_closing(kCmd));
    CHECK(r.ret == -EBADF);
    CHECK(r.text == fmt::format("bpf(BPF_LINK_CREATE, {{link_create={{prog_fd=-1, target_fd={}, "
                                "attach_type=BPF_CGROUP_INET_INGRESS, flags=0}}}}, 16) = -1 EBADF (Bad file "
                                "descriptor)\n",
                                cg.fd));
}

TEST_CASE("BPF_LINK_CREATE of a BPF_LSM_CGROUP link ordered with BPF_F_BEFORE (simulated)", "[BPF_LINK_CREATE]") {
    // link_create() hands BPF_LSM_CGROUP links to cgroup_bpf_link_attach(),
    // which reads link_create.cgroup.relative_fd and expected_revision.
    GuardedPage page;
    link_create_attr a = link_attr(5, 6, 43 /* BPF_LSM_CGROUP */, kBefore);
    a.cgroup.relative_fd = 4;
    std::byte* attr = page.place(&a, 60);
    const Rendered r = run_call(kCmd, attr, 60, returns(7));
    // expects fix: commands/attach_types.cpp attach_type_is_cgroup() leaves out BPF_LSM_CGROUP (43), so
    // link_create.cpp's cgroup_ordered() is false and the member shows as target_btf_id=4.
    CHECK(r.text == "bpf(BPF_LINK_CREATE, {link_create={prog_fd=5, target_fd=6, attach_type=BPF_LSM_CGROUP, "
                    "flags=BPF_F_BEFORE, cgroup={relative_fd=4, expected_revision=0}}}, 60) = 7\n");
}
