// BPF_BTF_LOAD against the real kernel: a minimal valid BTF blob built by
// hand (header magic 0xeB9F, one INT type named "int", a 5-byte string
// section) loaded at full and partial sizes. The blob shows as a quoted
// string of all its bytes, NULs included, with strace's octal escapes and
// "..." past the 32-byte default limit; the kernel's log for a broken blob
// (written even on failure) is read at exit with btf_log_true_size shown as
// `0 => N`; unknown btf_flags bits, a token fd, an unreadable blob and the
// JSON form are checked too.
#include <catch2/catch.hpp>

#include "support.h"

using namespace bpfsc::test;
using bpfsc::uapi::btf_load_attr;

static CoverCommand cover{bpfsc::uapi::BPF_BTF_LOAD};

namespace {

constexpr uint32_t kBtfLoad = bpfsc::uapi::BPF_BTF_LOAD;
constexpr uint32_t kFull = 40;  // offsetofend(btf_load_attr, btf_token_fd)

// struct btf_header, one struct btf_type of kind INT with its u32 encoding,
// and the string section "\0int\0".
struct __attribute__((packed)) MinimalBtf {
    uint16_t magic = 0xeB9F;
    uint8_t version = 1;
    uint8_t flags = 0;
    uint32_t hdr_len = 24;
    uint32_t type_off = 0;
    uint32_t type_len = 16;
    uint32_t str_off = 16;
    uint32_t str_len = 5;
    uint32_t name_off = 1;             // "int"
    uint32_t info = 1u << 24;          // BTF_KIND_INT
    uint32_t size = 4;
    uint32_t encoding = (1u << 24) | 32;  // BTF_INT_SIGNED, 32 bits
    char strings[5] = {'\0', 'i', 'n', 't', '\0'};
};
static_assert(sizeof(MinimalBtf) == 45);

// The first 32 bytes of the blob as strace quotes them (printstrn: every
// byte, octal escapes, NULs included).
const std::string k_btf_32 =
    "\"\\237\\353\\1\\0\\30\\0\\0\\0\\0\\0\\0\\0\\20\\0\\0\\0\\20\\0\\0\\0\\5\\0\\0\\0\\1\\0\\0\\0\\0\\0\\0\\1\"...";
// All 45 bytes.
const std::string k_btf_45 =
    "\"\\237\\353\\1\\0\\30\\0\\0\\0\\0\\0\\0\\0\\20\\0\\0\\0\\20\\0\\0\\0\\5\\0\\0\\0\\1\\0\\0\\0\\0\\0\\0\\1"
    "\\4\\0\\0\\0 \\0\\0\\1\\0int\\0\"";

btf_load_attr load_attr(const MinimalBtf& blob) {
    btf_load_attr a{};
    a.btf = u64_of(&blob);
    a.btf_size = sizeof blob;
    return a;
}

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

TEST_CASE("BPF_BTF_LOAD size cases", "[BPF_BTF_LOAD]") {
    BPFSC_REQUIRE_BPF();
    static const MinimalBtf blob;
    SizeCases c;
    c.cmd = kBtfLoad;
    c.full = bytes_of(load_attr(blob));
    c.partial = 28;  // up to btf_log_level: a 4.18-era caller
    c.kernel = real_kernel_closing(kBtfLoad);
    c.expected_partial = "bpf(BPF_BTF_LOAD, {btf=" + k_btf_32 +
                         ", btf_log_buf=NULL, btf_size=45, btf_log_size=0, btf_log_level=0}, 28) = {ret}\n";
    c.expected_full = "bpf(BPF_BTF_LOAD, {btf=" + k_btf_32 +
                      ", btf_log_buf=NULL, btf_size=45, btf_log_size=0, btf_log_level=0, btf_log_true_size=0, "
                      "btf_flags=0, btf_token_fd=0}, 40) = {ret}\n";
    check_size_cases(c);
}

TEST_CASE("BPF_BTF_LOAD loads a real BTF blob and returns its fd", "[BPF_BTF_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    const MinimalBtf blob;
    btf_load_attr a = load_attr(blob);
    std::byte* attr = page.place(&a, kFull);
    const Rendered r = run_call(kBtfLoad, attr, kFull, real_kernel_closing(kBtfLoad));
    CHECK(r.ret >= 0);
    CHECK(r.text.ends_with(fmt::format(", btf_log_buf=NULL, btf_size=45, btf_log_size=0, btf_log_level=0, "
                                       "btf_log_true_size=0, btf_flags=0, btf_token_fd=0}}, 40) = {}\n",
                                       r.ret)));
    // The brief line: the blob by what it is, no log asked for, no flags.
    CHECK(r.brief == fmt::format("bpf(BPF_BTF_LOAD, {{btf=<45 bytes, 1 type>, btf_size=45}}, 40) = {}\n", r.ret));
    CHECK(r.json.find(fmt::format("\"btf\":{{\"addr\":{},", u64_of(&blob))) != std::string::npos);
    CHECK(r.json.find("\"btf_log_buf\":{\"addr\":0},\"btf_size\":45,\"btf_log_size\":0,\"btf_log_level\":0,"
                      "\"btf_log_true_size\":0,\"btf_flags\":{\"value\":0,\"names\":[],\"unknown_bits\":0},"
                      "\"btf_token_fd\":{\"fd\":0}") != std::string::npos);
    CHECK(r.json.find(fmt::format("\"return\":{{\"value\":{0},\"fd\":{{\"fd\":{0}}}}}", r.ret)) != std::string::npos);
}

TEST_CASE("BPF_BTF_LOAD shows the blob's bytes like strace", "[BPF_BTF_LOAD]") {
    // strace's BPF_BTF_LOAD decoder prints the blob with printstrn(tcp,
    // attr->btf, attr->btf_size): btf_size bytes up to the string limit,
    // NULs included (a blob's 4th byte is already a NUL). JSON gives hex.
    GuardedPage page;
    const MinimalBtf blob;
    btf_load_attr a = load_attr(blob);
    std::byte* attr = page.place(&a, 28);
    SECTION("the default limit: 32 bytes, then ...") {
        const Rendered r = run_call(kBtfLoad, attr, 28, returns(3));
        CHECK(r.text == "bpf(BPF_BTF_LOAD, {btf=" + k_btf_32 +
                            ", btf_log_buf=NULL, btf_size=45, btf_log_size=0, btf_log_level=0}, 28) = 3\n");
        CHECK(r.json.find(fmt::format("\"btf\":{{\"addr\":{},\"hex\":\"9feb0100180000000000000010000000100000000500"
                                      "00000100000000000001\",\"truncated\":true,\"length\":45}}",
                                      u64_of(&blob))) != std::string::npos);
    }
    SECTION("a limit above btf_size: every byte, no ellipsis") {
        const Rendered r = run_call(kBtfLoad, attr, 28, returns(3), nullptr, DecodeOptions{.string_limit = 64});
        CHECK(r.text == "bpf(BPF_BTF_LOAD, {btf=" + k_btf_45 +
                            ", btf_log_buf=NULL, btf_size=45, btf_log_size=0, btf_log_level=0}, 28) = 3\n");
        CHECK(r.json.find(fmt::format("\"btf\":{{\"addr\":{},\"hex\":\"9feb01001800000000000000100000001000000005"
                                      "0000000100000000000001040000002000000100696e7400\"}}",
                                      u64_of(&blob))) != std::string::npos);
    }
}

TEST_CASE("BPF_BTF_LOAD of a broken blob shows the kernel's log written on failure", "[BPF_BTF_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    MinimalBtf blob;
    blob.encoding = (1u << 24) | 64;  // 64 bits in a 4-byte int: "nr_bits exceeds type_size"
    char log[512] = {};
    btf_load_attr a = load_attr(blob);
    a.btf_log_buf = u64_of(log);
    a.btf_log_size = sizeof log;
    a.btf_log_level = 1;
    std::byte* attr = page.place(&a, kFull);

    SECTION("default limit: the log's first 32 bytes, then ...") {
        const Rendered r = run_call(kBtfLoad, attr, kFull, real_kernel_closing(kBtfLoad));
        REQUIRE(r.ret == -EINVAL);
        const std::string text(log);
        CHECK(text.find("nr_bits exceeds type_size") != std::string::npos);
        btf_load_attr after;
        std::memcpy(&after, attr, kFull);
        CHECK(after.btf_log_true_size == text.size() + 1);
        REQUIRE(text.size() > 32);
        CHECK(text.starts_with("magic: 0xeb9f\nversion: 1\n"));
        const std::string expected_tail =
            fmt::format(", btf_log_buf={}..., btf_size=45, btf_log_size=512, btf_log_level=1, "
                        "btf_log_true_size=0 => {}, btf_flags=0, btf_token_fd=0}}, 40) = "
                        "-1 EINVAL (Invalid argument)\n",
                        quoted_log(text.substr(0, 32)), after.btf_log_true_size);
        CHECK(r.text.ends_with(expected_tail));
        CHECK(r.text.starts_with(fmt::format("bpf(BPF_BTF_LOAD, {{btf=")));
        CHECK(r.json.find(fmt::format("\"btf_log_buf\":{{\"addr\":{},\"string\":\"magic: 0xeb9f\\nversion: 1\\n",
                                      u64_of(log))) != std::string::npos);
        CHECK(r.json.find(fmt::format("\"btf_log_true_size\":{{\"before\":0,\"after\":{}}}",
                                      after.btf_log_true_size)) != std::string::npos);
        CHECK(r.json.find("\"return\":{\"value\":-1,\"errno\":22,\"error\":\"EINVAL\"") != std::string::npos);
    }
    SECTION("a limit above btf_log_size: the whole log") {
        const Rendered r = run_call(kBtfLoad, attr, kFull, real_kernel_closing(kBtfLoad), nullptr,
                                    DecodeOptions{.string_limit = 1024});
        REQUIRE(r.ret == -EINVAL);
        CHECK(r.text.find(fmt::format(", btf_log_buf={}, btf_size=45, ", quoted_log(log))) != std::string::npos);
        CHECK(r.text.find("nr_bits exceeds type_size\\n\", btf_size=45, ") != std::string::npos);
        // A log asked for is never left out of the brief line.
        CHECK(r.brief.find(fmt::format("{{btf=<45 bytes, 1 type>, btf_log_buf={}, btf_size=45, btf_log_size=512, "
                                       "btf_log_level=1, btf_log_true_size=0 => ",
                                       quoted_log(log))) != std::string::npos);
    }
}

TEST_CASE("BPF_BTF_LOAD entry rendering shows the log buffer's address only", "[BPF_BTF_LOAD]") {
    GuardedPage page;
    char log[64] = "left over";
    btf_load_attr a{};
    a.btf_log_buf = u64_of(log);
    a.btf_log_size = sizeof log;
    a.btf_log_level = 1;
    std::byte* attr = page.place(&a, kFull);
    CHECK(render_unfinished(kBtfLoad, attr, kFull) ==
          fmt::format("bpf(BPF_BTF_LOAD, {{btf=NULL, btf_log_buf={}, btf_size=0, btf_log_size=64, btf_log_level=1, "
                      "btf_log_true_size=0, btf_flags=0, btf_token_fd=0}}, 40 <unfinished ...>\n",
                      hex(log)));
}

TEST_CASE("BPF_BTF_LOAD unknown btf_flags bits and a token fd", "[BPF_BTF_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    btf_load_attr a{};  // no blob: the flags are checked first
    SECTION("an unknown bit") {
        a.btf_flags = (1u << 16) | (1u << 3);
        a.btf_token_fd = -1;
        std::byte* attr = page.place(&a, kFull);
        const Rendered r = run_call(kBtfLoad, attr, kFull, real_kernel_closing(kBtfLoad));
        CHECK(r.ret == -EINVAL);
        CHECK(r.text == "bpf(BPF_BTF_LOAD, {btf=NULL, btf_log_buf=NULL, btf_size=0, btf_log_size=0, btf_log_level=0, "
                        "btf_log_true_size=0, btf_flags=BPF_F_TOKEN_FD|0x8 /* BPF_F_??? */, btf_token_fd=-1}, 40) = "
                        "-1 EINVAL (Invalid argument)\n");
        CHECK(r.json.find("\"btf_flags\":{\"value\":65544,\"names\":[\"BPF_F_TOKEN_FD\"],\"unknown_bits\":8}") !=
              std::string::npos);
        CHECK(r.json.find("\"btf_token_fd\":{\"fd\":-1}") != std::string::npos);
    }
    SECTION("BPF_F_TOKEN_FD with an fd that is not open") {
        a.btf_flags = 1u << 16;
        a.btf_token_fd = 9999;
        std::byte* attr = page.place(&a, kFull);
        const Rendered r = run_call(kBtfLoad, attr, kFull, real_kernel_closing(kBtfLoad));
        CHECK(r.ret == -EBADF);
        CHECK(r.text.ends_with("btf_flags=BPF_F_TOKEN_FD, btf_token_fd=9999}, 40) = -1 EBADF (Bad file descriptor)\n"));
    }
}

TEST_CASE("BPF_BTF_LOAD blob at an unreadable address", "[BPF_BTF_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    btf_load_attr a{};
    a.btf = u64_of(page.guard());
    a.btf_size = 45;
    std::byte* attr = page.place(&a, kFull);
    const Rendered r = run_call(kBtfLoad, attr, kFull, real_kernel_closing(kBtfLoad));
    CHECK(r.ret == -EFAULT);
    CHECK(r.text == fmt::format("bpf(BPF_BTF_LOAD, {{btf={} (unreadable: EFAULT), btf_log_buf=NULL, btf_size=45, "
                                "btf_log_size=0, btf_log_level=0, btf_log_true_size=0, btf_flags=0, "
                                "btf_token_fd=0}}, 40) = -1 EFAULT (Bad address)\n",
                                hex(page.guard())));
    CHECK(r.json.find(fmt::format("\"btf\":{{\"addr\":{},", u64_of(page.guard()))) != std::string::npos);
    CHECK(r.json.find("\"error\":\"EFAULT\",\"errno\":14,\"read\":0}") != std::string::npos);
}

TEST_CASE("BPF_BTF_LOAD log buffer at an unreadable address", "[BPF_BTF_LOAD]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    MinimalBtf blob;
    blob.magic = 0x1234;  // rejected, and the kernel tries to log why
    btf_load_attr a = load_attr(blob);
    a.btf_log_buf = u64_of(page.guard());
    a.btf_log_size = 256;
    a.btf_log_level = 1;
    std::byte* attr = page.place(&a, kFull);
    const Rendered r = run_call(kBtfLoad, attr, kFull, real_kernel_closing(kBtfLoad));
    CHECK(r.ret < 0);
    CHECK(r.text.find(fmt::format(", btf_log_buf={} (unreadable: EFAULT), btf_size=45, btf_log_size=256, ",
                                  hex(page.guard()))) != std::string::npos);
    CHECK(r.text.ends_with(with_ret(", btf_flags=0, btf_token_fd=0}, 40) = {ret}\n", r.ret)));
}
