// BPF_RAW_TRACEPOINT_OPEN: a real BPF_PROG_TYPE_RAW_TRACEPOINT program is
// attached to "sched_switch" and the kernel returns a link fd. The tests
// check the size cases (a 4.17 caller without cookie, the full 6.10
// layout), the name read at entry (a string), a cookie, a name the kernel
// does not know (ENOENT), a NULL name, an unreadable name, a name running
// into the guard page, a name longer than the string limit, and JSON.
#include <unistd.h>

#include <array>

#include <catch2/catch.hpp>

#include "kernel_objects.h"
#include "support.h"

using namespace bpfsc::test;
using bpfsc::uapi::bpf_insn_raw;
using bpfsc::uapi::raw_tracepoint_attr;

static CoverCommand cover{bpfsc::uapi::BPF_RAW_TRACEPOINT_OPEN};

namespace {

constexpr uint32_t kCmd = bpfsc::uapi::BPF_RAW_TRACEPOINT_OPEN;

// r0 = 0; exit
constexpr std::array<bpf_insn_raw, 2> kReturnZero = {bpf_insn_raw{0xb7, 0, 0, 0}, bpf_insn_raw{0x95, 0, 0, 0}};

int64_t load_raw_tp() {
    bpfsc::uapi::prog_load_attr a{};
    a.prog_type = 17;  // BPF_PROG_TYPE_RAW_TRACEPOINT
    a.insn_cnt = kReturnZero.size();
    a.insns = u64_of(kReturnZero.data());
    a.license = u64_of("GPL");
    return real_bpf(bpfsc::uapi::BPF_PROG_LOAD, &a, sizeof a);
}

const char kSchedSwitch[] = "sched_switch";

raw_tracepoint_attr open_attr(const char* name, int prog_fd) {
    raw_tracepoint_attr a{};
    a.name = u64_of(name);
    a.prog_fd = uint32_t(prog_fd);
    return a;
}

} // namespace

TEST_CASE("BPF_RAW_TRACEPOINT_OPEN size cases, opening sched_switch for real", "[BPF_RAW_TRACEPOINT_OPEN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_raw_tp());
    REQUIRE(prog.fd >= 0);
    SizeCases c;
    c.cmd = kCmd;
    c.full = bytes_of(open_attr(kSchedSwitch, prog.fd));
    c.partial = 12;  // name and prog_fd: a 4.17-6.9 caller, no cookie
    c.kernel = real_kernel_closing(kCmd);
    c.expected_partial = fmt::format(
        "bpf(BPF_RAW_TRACEPOINT_OPEN, {{raw_tracepoint={{name=\"sched_switch\", prog_fd={}}}}}, 12) = {{ret}}\n",
        prog.fd);
    c.expected_full = fmt::format(
        "bpf(BPF_RAW_TRACEPOINT_OPEN, {{raw_tracepoint={{name=\"sched_switch\", prog_fd={}, cookie=0}}}}, 24) = "
        "{{ret}}\n",
        prog.fd);
    check_size_cases(c);
}

TEST_CASE("BPF_RAW_TRACEPOINT_OPEN returns a real link fd; JSON shape", "[BPF_RAW_TRACEPOINT_OPEN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_raw_tp());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    raw_tracepoint_attr a = open_attr(kSchedSwitch, prog.fd);
    a.cookie = 0x1234;
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(kCmd, attr, sizeof a, real_kernel(kCmd));
    const Fd link(r.ret);
    REQUIRE(r.ret >= 0);
    CHECK(r.text == fmt::format("bpf(BPF_RAW_TRACEPOINT_OPEN, {{raw_tracepoint={{name=\"sched_switch\", prog_fd={}, "
                                "cookie=4660}}}}, 24) = {}\n",
                                prog.fd, r.ret));
    CHECK(r.json.find(fmt::format("\"fields\":{{\"raw_tracepoint\":{{\"name\":{{\"addr\":{},\"string\":"
                                  "\"sched_switch\"}},\"prog_fd\":{{\"fd\":{}}},\"cookie\":4660}}}}",
                                  u64_of(kSchedSwitch), prog.fd)) != std::string::npos);
    CHECK(r.json.find(fmt::format("\"return\":{{\"value\":{0},\"fd\":{{\"fd\":{0}}}}}", r.ret)) != std::string::npos);
    // The name is an input: an unfinished call shows it already.
    CHECK(render_unfinished(kCmd, attr, sizeof a) ==
          fmt::format("bpf(BPF_RAW_TRACEPOINT_OPEN, {{raw_tracepoint={{name=\"sched_switch\", prog_fd={}, "
                      "cookie=4660}}}}, 24 <unfinished ...>\n",
                      prog.fd));
}

TEST_CASE("BPF_RAW_TRACEPOINT_OPEN of a tracepoint that does not exist", "[BPF_RAW_TRACEPOINT_OPEN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_raw_tp());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    const raw_tracepoint_attr a = open_attr("no_such_tracepoint", prog.fd);
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(kCmd, attr, sizeof a, real_kernel_closing(kCmd));
    CHECK(r.ret == -ENOENT);
    CHECK(r.text == fmt::format("bpf(BPF_RAW_TRACEPOINT_OPEN, {{raw_tracepoint={{name=\"no_such_tracepoint\", "
                                "prog_fd={}, cookie=0}}}}, 24) = -1 ENOENT (No such file or directory)\n",
                                prog.fd));
    CHECK(r.json.find("\"error\":\"ENOENT\"") != std::string::npos);
}

TEST_CASE("BPF_RAW_TRACEPOINT_OPEN with a NULL name and a bad fd", "[BPF_RAW_TRACEPOINT_OPEN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_raw_tp());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    raw_tracepoint_attr a = open_attr(nullptr, prog.fd);
    std::byte* attr = page.place(&a, sizeof a);
    Rendered r = run_call(kCmd, attr, sizeof a, real_kernel_closing(kCmd));
    CHECK(r.ret < 0);
    CHECK(r.text == with_ret(fmt::format("bpf(BPF_RAW_TRACEPOINT_OPEN, {{raw_tracepoint={{name=NULL, prog_fd={}, "
                                         "cookie=0}}}}, 24) = {{ret}}\n",
                                         prog.fd),
                             r.ret));
    CHECK(r.json.find("\"name\":{\"addr\":0}") != std::string::npos);

    a = open_attr(kSchedSwitch, -1);
    attr = page.place(&a, sizeof a);
    r = run_call(kCmd, attr, sizeof a, real_kernel_closing(kCmd));
    CHECK(r.ret == -EBADF);
    CHECK(r.text == "bpf(BPF_RAW_TRACEPOINT_OPEN, {raw_tracepoint={name=\"sched_switch\", prog_fd=-1, cookie=0}}, "
                    "24) = -1 EBADF (Bad file descriptor)\n");
}

TEST_CASE("BPF_RAW_TRACEPOINT_OPEN with an unreadable name", "[BPF_RAW_TRACEPOINT_OPEN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_raw_tp());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    const raw_tracepoint_attr a = open_attr(reinterpret_cast<const char*>(page.guard()), prog.fd);
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(kCmd, attr, sizeof a, real_kernel_closing(kCmd));
    CHECK(r.ret == -EFAULT);
    CHECK(r.text == fmt::format("bpf(BPF_RAW_TRACEPOINT_OPEN, {{raw_tracepoint={{name={} (unreadable: EFAULT), "
                                "prog_fd={}, cookie=0}}}}, 24) = -1 EFAULT (Bad address)\n",
                                hex(page.guard()), prog.fd));
    CHECK(r.json.find(fmt::format("\"name\":{{\"addr\":{},\"string\":\"\",\"error\":\"EFAULT\",\"errno\":14,"
                                  "\"read\":0}}",
                                  u64_of(page.guard()))) != std::string::npos);
}

TEST_CASE("BPF_RAW_TRACEPOINT_OPEN with a name that runs into the guard page", "[BPF_RAW_TRACEPOINT_OPEN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_raw_tp());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    // "sched_sw" with no NUL, ending where the guard page starts; the attr
    // sits at the start of the same page.
    std::byte* base = page.place("sched_sw", 8) - (bpfsc::decoder::kPageSize - 8);
    const raw_tracepoint_attr a = open_attr(reinterpret_cast<const char*>(page.guard() - 8), prog.fd);
    std::memcpy(base, &a, sizeof a);
    const Rendered r = run_call(kCmd, base, sizeof a, real_kernel_closing(kCmd));
    CHECK(r.ret == -EFAULT);
    CHECK(r.text == fmt::format("bpf(BPF_RAW_TRACEPOINT_OPEN, {{raw_tracepoint={{name=\"sched_sw\" (unreadable "
                                "after 8 bytes: EFAULT), prog_fd={}, cookie=0}}}}, 24) = -1 EFAULT (Bad address)\n",
                                prog.fd));
    CHECK(r.json.find("\"string\":\"sched_sw\",\"error\":\"EFAULT\",\"errno\":14,\"read\":8}") != std::string::npos);
}

TEST_CASE("BPF_RAW_TRACEPOINT_OPEN with a name longer than the string limit", "[BPF_RAW_TRACEPOINT_OPEN]") {
    GuardedPage page;
    const std::string name(40, 'x');
    const raw_tracepoint_attr a = open_attr(name.c_str(), 5);
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(kCmd, attr, sizeof a, returns(-ENOENT));
    CHECK(r.text == fmt::format("bpf(BPF_RAW_TRACEPOINT_OPEN, {{raw_tracepoint={{name=\"{}\"..., prog_fd=5, "
                                "cookie=0}}}}, 24) = -1 ENOENT (No such file or directory)\n",
                                std::string(32, 'x')));
    CHECK(r.json.find(fmt::format("\"name\":{{\"addr\":{},\"string\":\"{}\",\"truncated\":true", u64_of(name.c_str()),
                                  std::string(32, 'x'))) != std::string::npos);
}
