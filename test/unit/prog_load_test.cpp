// BPF_PROG_LOAD against the real kernel: a 2-instruction socket filter
// (r0 = 0; exit) loaded at full and partial sizes; a program the verifier
// rejects, whose log the kernel writes even on failure (log_buf read at
// exit, log_true_size shown as `0 => N`); a log too small for the verifier
// (ENOSPC, log_true_size larger than log_size); kern_version as
// KERNEL_VERSION(a, b, c); prog_name cut by a size ending inside it; unknown
// prog_type, prog_flags and expected_attach_type values; the license and the
// log buffer at an unreadable address; the entry-only (unfinished) rendering
// and the JSON form of all of these.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "support.h"

using namespace bpfsc::test;
using bpfsc::uapi::bpf_insn_raw;
using bpfsc::uapi::prog_load_attr;

static CoverCommand cover{bpfsc::uapi::BPF_PROG_LOAD};

namespace {

constexpr uint32_t kLoad = bpfsc::uapi::BPF_PROG_LOAD;
constexpr uint32_t kSocketFilter = 1;  // BPF_PROG_TYPE_SOCKET_FILTER
constexpr uint32_t kFull = 168;        // offsetofend(prog_load_attr, keyring_id)

constexpr uint32_t kernel_version(uint32_t a, uint32_t b, uint32_t c) { return (a << 16) + (b << 8) + c; }

// r0 = 0; exit: the smallest program the verifier accepts.
const bpf_insn_raw k_ret0[] = {
    {0xb7, 0x00, 0, 0},  // BPF_ALU64 | BPF_MOV | BPF_K: r0 = 0
    {0x95, 0x00, 0, 0},  // BPF_JMP | BPF_EXIT
};
// exit with r0 never written: the verifier rejects it ("R0 !read_ok").
const bpf_insn_raw k_bad_exit[] = {
    {0x95, 0x00, 0, 0},
};
const char k_gpl[] = "GPL";

prog_load_attr ret0_attr() {
    prog_load_attr a{};
    a.prog_type = kSocketFilter;
    a.insn_cnt = 2;
    a.insns = u64_of(k_ret0);
    a.license = u64_of(k_gpl);
    a.kern_version = kernel_version(6, 18, 0);
    std::strcpy(a.prog_name, "ret0");
    return a;
}

// Everything a full-size call prints after prog_name, all zero.
const std::string k_zero_tail =
    "prog_ifindex=0, expected_attach_type=BPF_CGROUP_INET_INGRESS, prog_btf_fd=0, func_info_rec_size=0, "
    "func_info=NULL, func_info_cnt=0, line_info_rec_size=0, line_info=NULL, line_info_cnt=0, attach_btf_id=0, "
    "attach_prog_fd=0, core_relo_cnt=0, fd_array=NULL, core_relos=NULL, core_relo_rec_size=0";
const std::string k_zero_after_true_size =
    "prog_token_fd=0, fd_array_cnt=0, signature=NULL, signature_size=0, keyring_id=0";

// A log as the text renderer quotes it; the verifier's log is printable
// ASCII and newlines (checked, so a surprise shows up as a failure here).
std::string quoted_log(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        REQUIRE(((c >= 0x20 && c < 0x7f) || c == '\n'));
        if (c == '\n') out += "\\n";
        else if (c == '"' || c == '\\') out += std::string("\\") + c;
        else out += c;
    }
    return out + "\"";
}

} // namespace

TEST_CASE("BPF_PROG_LOAD size cases", "[BPF_PROG_LOAD]") {
    BPFSC_REQUIRE_BPF();
    SizeCases c;
    c.cmd = kLoad;
    c.full = bytes_of(ret0_attr());
    c.partial = 72;  // up to expected_attach_type: a 4.17-era caller
    c.kernel = real_kernel_closing(kLoad);
    const std::string head = fmt::format("bpf(BPF_PROG_LOAD, {{prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=2, "
                                         "insns={}, license=\"GPL\", log_level=0, log_size=0, log_buf=NULL, "
                                         "kern_version=KERNEL_VERSION(6, 18, 0), prog_flags=0, prog_name=\"ret0\", ",
                                         hex(k_ret0));
    c.expected_partial = head + "prog_ifindex=0, expected_attach_type=BPF_CGROUP_INET_INGRESS}, 72) = {ret}\n";
    c.expected_full = head + k_zero_tail + ", log_true_size=0, " + k_zero_after_true_size + "}, 168) = {ret}\n";
    check_size_cases(c);
}

TEST_CASE("BPF_PROG_LOAD loads a real socket filter and returns its fd", "[BPF_PROG_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    prog_load_attr a = ret0_attr();
    std::byte* attr = page.place(&a, kFull);
    const Rendered r = run_call(kLoad, attr, kFull, real_kernel_closing(kLoad));
    REQUIRE(r.ret >= 0);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_LOAD, {{prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=2, insns={}, "
                                "license=\"GPL\", log_level=0, log_size=0, log_buf=NULL, "
                                "kern_version=KERNEL_VERSION(6, 18, 0), prog_flags=0, prog_name=\"ret0\", {}, "
                                "log_true_size=0, {}}}, 168) = {}\n",
                                hex(k_ret0), k_zero_tail, k_zero_after_true_size, r.ret));
    // The brief line: no log, no flags, no member added after 3.18 that is
    // zero (expected_attach_type=0 is none for a socket filter, not
    // BPF_CGROUP_INET_INGRESS), the instructions counted (insns=<2 insns>
    // says what insn_cnt=2 would).
    CHECK(r.brief == fmt::format("bpf(BPF_PROG_LOAD, {{prog_type=BPF_PROG_TYPE_SOCKET_FILTER, "
                                 "insns=<2 insns>, license=\"GPL\", kern_version=KERNEL_VERSION(6, 18, 0), "
                                 "prog_name=\"ret0\"}}, 168) = {}\n",
                                 r.ret));
    CHECK(r.json.find("\"expected_attach_type\":{\"value\":0,") != std::string::npos);  // JSON: every member
    CHECK(r.json.find("\"prog_type\":{\"value\":1,\"name\":\"BPF_PROG_TYPE_SOCKET_FILTER\"}") != std::string::npos);
    CHECK(r.json.find(fmt::format("\"license\":{{\"addr\":{},\"string\":\"GPL\"}}", u64_of(k_gpl))) !=
          std::string::npos);
    CHECK(r.json.find("\"kern_version\":{\"value\":397824,\"major\":6,\"minor\":18,\"patch\":0}") != std::string::npos);
    CHECK(r.json.find("\"prog_name\":\"ret0\"") != std::string::npos);
    CHECK(r.json.find("\"log_buf\":{\"addr\":0}") != std::string::npos);
    CHECK(r.json.find("\"log_true_size\":0,") != std::string::npos);  // unchanged: a plain number
    CHECK(r.json.find(fmt::format("\"return\":{{\"value\":{0},\"fd\":{{\"fd\":{0}}}}}", r.ret)) != std::string::npos);
}

TEST_CASE("BPF_PROG_LOAD of a rejected program shows the verifier log written on failure", "[BPF_PROG_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    char log[512] = {};
    prog_load_attr a{};
    a.prog_type = kSocketFilter;
    a.insn_cnt = 1;
    a.insns = u64_of(k_bad_exit);
    a.license = u64_of(k_gpl);
    a.log_level = 1;
    a.log_size = sizeof log;
    a.log_buf = u64_of(log);
    std::strcpy(a.prog_name, "bad_exit");
    std::byte* attr = page.place(&a, kFull);

    SECTION("default string limit: the first 32 bytes of the log, then ...") {
        const Rendered r = run_call(kLoad, attr, kFull, real_kernel_closing(kLoad));
        REQUIRE(r.ret == -EACCES);
        const std::string text(log);
        CHECK(text.find("R0 !read_ok") != std::string::npos);
        prog_load_attr after;
        std::memcpy(&after, attr, kFull);
        CHECK(after.log_true_size == text.size() + 1);  // the kernel counts the NUL
        REQUIRE(text.size() > 32);
        CHECK(r.text == fmt::format("bpf(BPF_PROG_LOAD, {{prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=1, "
                                    "insns={}, license=\"GPL\", log_level=1, log_size=512, log_buf={}..., "
                                    "kern_version=KERNEL_VERSION(0, 0, 0), prog_flags=0, prog_name=\"bad_exit\", {}, "
                                    "log_true_size=0 => {}, {}}}, 168) = -1 EACCES (Permission denied)\n",
                                    hex(k_bad_exit), quoted_log(text.substr(0, 32)), k_zero_tail,
                                    after.log_true_size, k_zero_after_true_size));
        // Brief: the log asked for stays, and kern_version, added after
        // BPF_PROG_LOAD itself, is left out at 0.
        CHECK(r.brief == fmt::format("bpf(BPF_PROG_LOAD, {{prog_type=BPF_PROG_TYPE_SOCKET_FILTER, "
                                     "insns=<1 insn>, license=\"GPL\", log_level=1, log_size=512, log_buf={}..., "
                                     "prog_name=\"bad_exit\", log_true_size=0 => {}}}, 168) = -1 EACCES "
                                     "(Permission denied)\n",
                                     quoted_log(text.substr(0, 32)), after.log_true_size));
        CHECK(r.json.find(fmt::format("\"log_buf\":{{\"addr\":{},\"string\":\"", u64_of(log))) != std::string::npos);
        CHECK(r.json.find("\"truncated\":true,\"length\":512}") != std::string::npos);
        CHECK(r.json.find(fmt::format("\"log_true_size\":{{\"before\":0,\"after\":{}}}", after.log_true_size)) !=
              std::string::npos);
        CHECK(r.json.find("\"return\":{\"value\":-1,\"errno\":13,\"error\":\"EACCES\"") != std::string::npos);
    }
    SECTION("a string limit above log_size: the whole log, up to its NUL") {
        SelfMemory memory;
        Decoder decoder(memory, nullptr, DecodeOptions{.string_limit = 1024});
        DecodedCall call;
        decoder.decode_entry(call, kLoad, addr_of(attr), kFull);
        const int64_t ret = real_bpf(kLoad, attr, kFull);
        REQUIRE(ret == -EACCES);
        decoder.decode_exit(call, ret);
        OutBuf out;
        render_text(call, TextPhase::Complete, TextOptions{.all_members = true}, out);
        const std::string text = fmt::to_string(out);
        CHECK(text.find(fmt::format("log_buf={}, kern_version=", quoted_log(log))) != std::string::npos);
        CHECK(text.find("R0 !read_ok\\n") != std::string::npos);
    }
}

TEST_CASE("BPF_PROG_LOAD with a log too small for the verifier: ENOSPC and the size it needed", "[BPF_PROG_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    char log[24] = {};
    prog_load_attr a = ret0_attr();
    a.log_level = 1;  // a rotating log: the kernel keeps its end and fails with ENOSPC
    a.log_size = sizeof log;
    a.log_buf = u64_of(log);
    std::byte* attr = page.place(&a, kFull);
    const Rendered r = run_call(kLoad, attr, kFull, real_kernel_closing(kLoad));
    REQUIRE(r.ret == -ENOSPC);
    prog_load_attr after;
    std::memcpy(&after, attr, kFull);
    CHECK(after.log_true_size > sizeof log);
    CHECK(std::strlen(log) == sizeof log - 1);
    CHECK(r.text.find(fmt::format("log_level=1, log_size=24, log_buf={}, kern_version=", quoted_log(log))) !=
          std::string::npos);
    CHECK(r.text.find(fmt::format(", log_true_size=0 => {}, ", after.log_true_size)) != std::string::npos);
    CHECK(r.text.ends_with(", 168) = -1 ENOSPC (No space left on device)\n"));
}

TEST_CASE("BPF_PROG_LOAD entry rendering shows the log buffer's address, not its contents", "[BPF_PROG_LOAD]") {
    GuardedPage page;
    char log[64] = "stale text from an earlier call";
    prog_load_attr a = ret0_attr();
    a.log_level = 1;
    a.log_size = sizeof log;
    a.log_buf = u64_of(log);
    std::byte* attr = page.place(&a, 72);
    CHECK(render_unfinished(kLoad, attr, 72) ==
          fmt::format("bpf(BPF_PROG_LOAD, {{prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=2, insns={}, "
                      "license=\"GPL\", log_level=1, log_size=64, log_buf={}, kern_version=KERNEL_VERSION(6, 18, 0), "
                      "prog_flags=0, prog_name=\"ret0\", prog_ifindex=0, "
                      "expected_attach_type=BPF_CGROUP_INET_INGRESS}}, 72 <unfinished ...>\n",
                      hex(k_ret0), hex(log)));
}

TEST_CASE("BPF_PROG_LOAD kernel writes into the log are read at exit (simulated kernel)", "[BPF_PROG_LOAD]") {
    // The kernel's part is a lambda here so the log text and log_true_size
    // are exact: it writes both as the verifier would and succeeds.
    GuardedPage page;
    char log[128] = {};
    prog_load_attr a = ret0_attr();
    a.log_level = 2;
    a.log_size = sizeof log;
    a.log_buf = u64_of(log);
    std::byte* attr = page.place(&a, kFull);
    const Kernel kernel = [&](std::byte* at, uint32_t) -> int64_t {
        std::strcpy(log, "0: R1=ctx() R10=fp0\n1: (95) exit\n");
        const uint32_t true_size = 34;
        std::memcpy(at + offsetof(prog_load_attr, log_true_size), &true_size, 4);
        return 7;
    };
    const Rendered r = run_call(kLoad, attr, kFull, kernel);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_LOAD, {{prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=2, insns={}, "
                                "license=\"GPL\", log_level=2, log_size=128, "
                                "log_buf=\"0: R1=ctx() R10=fp0\\n1: (95) exit\"..., "
                                "kern_version=KERNEL_VERSION(6, 18, 0), prog_flags=0, prog_name=\"ret0\", {}, "
                                "log_true_size=0 => 34, {}}}, 168) = 7\n",
                                hex(k_ret0), k_zero_tail, k_zero_after_true_size));
    CHECK(r.json.find("\"log_true_size\":{\"before\":0,\"after\":34}") != std::string::npos);
}

TEST_CASE("BPF_PROG_LOAD a log that ends inside the shown bytes gets no ellipsis (simulated kernel)",
          "[BPF_PROG_LOAD]") {
    // expects fix: decode.cpp read_data() marks Content::Text Truncated when
    // the buffer (log_size) is longer than the string limit, and text.cpp /
    // json.cpp keep that mark after cutting the text at its NUL; a log whose
    // NUL comes within the limit is complete and must print without "..."
    // (strace prints a NUL-terminated string whole), and JSON must not say
    // "truncated".
    GuardedPage page;
    char log[128] = {};
    prog_load_attr a = ret0_attr();
    a.log_level = 1;
    a.log_size = sizeof log;
    a.log_buf = u64_of(log);
    std::byte* attr = page.place(&a, kFull);
    const Kernel kernel = [&](std::byte* at, uint32_t) -> int64_t {
        std::strcpy(log, "processed 2 insns\n");
        const uint32_t true_size = 19;
        std::memcpy(at + offsetof(prog_load_attr, log_true_size), &true_size, 4);
        return 7;
    };
    const Rendered r = run_call(kLoad, attr, kFull, kernel);
    INFO(r.text);
    INFO(r.json);
    CHECK(r.text.find(", log_size=128, log_buf=\"processed 2 insns\\n\", kern_version=") != std::string::npos);
    CHECK(r.text.find(", log_true_size=0 => 19, ") != std::string::npos);
    CHECK(r.json.find(fmt::format("\"log_buf\":{{\"addr\":{},\"string\":\"processed 2 insns\\n\"}}", u64_of(log))) !=
          std::string::npos);
}

TEST_CASE("BPF_PROG_LOAD kern_version, and prog_name cut by a size that ends inside it", "[BPF_PROG_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    prog_load_attr a = ret0_attr();
    a.kern_version = kernel_version(4, 19, 255);
    std::strcpy(a.prog_name, "sockfilter");
    std::byte* attr = page.place(&a, 52);  // prog_name starts at 48: the kernel sees "sock"
    const Rendered r = run_call(kLoad, attr, 52, real_kernel_closing(kLoad));
    CHECK(r.ret >= 0);  // a socket filter ignores kern_version
    CHECK(r.text == fmt::format("bpf(BPF_PROG_LOAD, {{prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=2, insns={}, "
                                "license=\"GPL\", log_level=0, log_size=0, log_buf=NULL, "
                                "kern_version=KERNEL_VERSION(4, 19, 255), prog_flags=0, prog_name=\"sock\"}}, 52) = "
                                "{}\n",
                                hex(k_ret0), r.ret));
    CHECK(r.json.find("\"kern_version\":{\"value\":267263,\"major\":4,\"minor\":19,\"patch\":255}") !=
          std::string::npos);
    CHECK(r.json.find("\"prog_name\":\"sock\"") != std::string::npos);
}

TEST_CASE("BPF_PROG_LOAD unknown prog_type, prog_flags bits and attach type stay visible", "[BPF_PROG_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    prog_load_attr a = ret0_attr();
    a.prog_type = 0x4242;
    a.prog_flags = (1u << 4) | (1u << 20);  // BPF_F_SLEEPABLE | an unknown bit
    a.expected_attach_type = 0x99;
    std::byte* attr = page.place(&a, 72);
    const Rendered r = run_call(kLoad, attr, 72, real_kernel_closing(kLoad));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_LOAD, {{prog_type=0x4242 /* BPF_PROG_TYPE_??? */, insn_cnt=2, "
                                "insns={}, license=\"GPL\", log_level=0, log_size=0, log_buf=NULL, "
                                "kern_version=KERNEL_VERSION(6, 18, 0), "
                                "prog_flags=BPF_F_SLEEPABLE|0x100000 /* BPF_F_??? */, prog_name=\"ret0\", "
                                "prog_ifindex=0, expected_attach_type=0x99 /* BPF_??? */}}, 72) = "
                                "-1 EINVAL (Invalid argument)\n",
                                hex(k_ret0)));
    CHECK(r.json.find("\"prog_type\":{\"value\":16962,\"name\":null,\"unknown\":\"BPF_PROG_TYPE_???\"}") !=
          std::string::npos);
    CHECK(r.json.find("\"prog_flags\":{\"value\":1048592,\"names\":[\"BPF_F_SLEEPABLE\"],\"unknown_bits\":1048576}") !=
          std::string::npos);
    CHECK(r.json.find("\"expected_attach_type\":{\"value\":153,\"name\":null,\"unknown\":\"BPF_???\"}") !=
          std::string::npos);
}

TEST_CASE("BPF_PROG_LOAD known prog_flags and a BPF_F_TOKEN_FD token fd", "[BPF_PROG_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    prog_load_attr a = ret0_attr();
    a.prog_flags = (1u << 0) | (1u << 16);  // BPF_F_STRICT_ALIGNMENT | BPF_F_TOKEN_FD
    a.prog_token_fd = -1;
    std::byte* attr = page.place(&a, kFull);
    const Rendered r = run_call(kLoad, attr, kFull, real_kernel_closing(kLoad));
    CHECK(r.ret == -EBADF);  // the token fd is looked up first
    CHECK(r.text.find("prog_flags=BPF_F_STRICT_ALIGNMENT|BPF_F_TOKEN_FD, prog_name=\"ret0\", ") != std::string::npos);
    CHECK(r.text.find(", log_true_size=0, prog_token_fd=-1, fd_array_cnt=0, ") != std::string::npos);
    CHECK(r.json.find("\"prog_token_fd\":{\"fd\":-1}") != std::string::npos);
}

TEST_CASE("BPF_PROG_LOAD license at an unreadable address", "[BPF_PROG_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    prog_load_attr a = ret0_attr();
    a.license = u64_of(page.guard());
    std::byte* attr = page.place(&a, 72);
    const Rendered r = run_call(kLoad, attr, 72, real_kernel_closing(kLoad));
    CHECK(r.ret == -EFAULT);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_LOAD, {{prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=2, insns={}, "
                                "license={} (unreadable: EFAULT), log_level=0, log_size=0, log_buf=NULL, "
                                "kern_version=KERNEL_VERSION(6, 18, 0), prog_flags=0, prog_name=\"ret0\", "
                                "prog_ifindex=0, expected_attach_type=BPF_CGROUP_INET_INGRESS}}, 72) = "
                                "-1 EFAULT (Bad address)\n",
                                hex(k_ret0), hex(page.guard())));
    CHECK(r.json.find(fmt::format("\"license\":{{\"addr\":{},\"string\":\"\",\"error\":\"EFAULT\",\"errno\":14,"
                                  "\"read\":0}}",
                                  u64_of(page.guard()))) != std::string::npos);
}

TEST_CASE("BPF_PROG_LOAD license string running into the guard page", "[BPF_PROG_LOAD]") {
    GuardedPage page;
    prog_load_attr a = ret0_attr();
    const char unterminated[] = {'G', 'P', 'L'};
    a.license = u64_of(page.place(unterminated, 3));  // no NUL before the guard page
    std::vector<std::byte> copy = bytes_of(a);
    std::vector<std::byte> attr_mem(copy.begin(), copy.begin() + 72);  // the attr lives off the guard page
    const Rendered r = run_call(kLoad, attr_mem.data(), 72, returns(-EFAULT));
    CHECK(r.text.find(", license=\"GPL\" (unreadable after 3 bytes: EFAULT), log_level=0, ") != std::string::npos);
    CHECK(r.text.ends_with("}, 72) = -1 EFAULT (Bad address)\n"));
}

TEST_CASE("BPF_PROG_LOAD log buffer at an unreadable address", "[BPF_PROG_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    prog_load_attr a = ret0_attr();
    a.log_level = 1;
    a.log_size = 256;
    a.log_buf = u64_of(page.guard());
    std::byte* attr = page.place(&a, kFull);
    const Rendered r = run_call(kLoad, attr, kFull, real_kernel_closing(kLoad));
    CHECK(r.ret == -EFAULT);  // the kernel cannot write its log there
    CHECK(r.text.find(fmt::format(", log_level=1, log_size=256, log_buf={} (unreadable: EFAULT), kern_version=",
                                  hex(page.guard()))) != std::string::npos);
    CHECK(r.text.ends_with(", keyring_id=0}, 168) = -1 EFAULT (Bad address)\n"));
}
