// BPF_PROG_TEST_RUN: a real XDP program (it writes 0xff into the first byte
// of the packet and returns XDP_PASS) is run by the kernel on a 16-byte
// packet. The tests check the size cases, the members the kernel writes
// (retval, data_size_out, duration: `before => after`), the output buffer
// read at exit (data_out as a hex data line, the input as data_in), ENOSPC
// when data_out is too small, unknown flag bits, an unreadable data_in and
// the JSON shape of changed members; a tc program run with a context
// (ctx_in, ctx_out, also too short). duration is a measured time: where an
// expected line is written before the call, the kernel lambda pins it after
// the real call (the real value is checked in its own test).
#include <sys/syscall.h>
#include <unistd.h>

#include <array>

#include <catch2/catch.hpp>

#include "kernel_objects.h"
#include "support.h"

using namespace bpfsc::test;
using bpfsc::uapi::bpf_insn_raw;
using bpfsc::uapi::test_attr;

static CoverCommand cover{bpfsc::uapi::BPF_PROG_TEST_RUN};

namespace {

constexpr uint32_t kCmd = bpfsc::uapi::BPF_PROG_TEST_RUN;
constexpr uint32_t kPinnedDuration = 777;

constexpr bpf_insn_raw insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    return bpf_insn_raw{code, uint8_t(dst | (src << 4)), off, imm};
}

// r2 = ctx->data; r3 = ctx->data_end; if (r2 + 1 <= r3) *(u8 *)r2 = 0xff; return XDP_PASS;
constexpr std::array<bpf_insn_raw, 8> kMarkFirstByte = {
    insn(0x61, 2, 1, 0, 0),     // r2 = *(u32 *)(r1 + 0)
    insn(0x61, 3, 1, 4, 0),     // r3 = *(u32 *)(r1 + 4)
    insn(0xbf, 4, 2, 0, 0),     // r4 = r2
    insn(0x07, 4, 0, 0, 1),     // r4 += 1
    insn(0x2d, 4, 3, 1, 0),     // if r4 > r3 goto +1
    insn(0x72, 2, 0, 0, 0xff),  // *(u8 *)(r2 + 0) = 0xff
    insn(0xb7, 0, 0, 0, 2),     // r0 = XDP_PASS
    insn(0x95, 0, 0, 0, 0),     // exit
};

int64_t load_xdp() {
    bpfsc::uapi::prog_load_attr a{};
    a.prog_type = 6;  // BPF_PROG_TYPE_XDP
    a.insn_cnt = kMarkFirstByte.size();
    a.insns = u64_of(kMarkFirstByte.data());
    a.license = u64_of("GPL");
    return real_bpf(bpfsc::uapi::BPF_PROG_LOAD, &a, sizeof a);
}

// The packet: 16 bytes (XDP needs at least an Ethernet header, 14).
constexpr std::array<uint8_t, 16> kPacket = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                             0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
constexpr const char* kPacketHex = "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff";
constexpr const char* kMarkedHex = "ff 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff";

struct Buffers {
    std::array<uint8_t, 16> in = kPacket;
    std::array<uint8_t, 32> out{};
};

test_attr run_attr(int prog_fd, Buffers& b, uint32_t out_capacity) {
    test_attr a{};
    a.prog_fd = uint32_t(prog_fd);
    a.data_size_in = b.in.size();
    a.data_size_out = out_capacity;
    a.data_in = u64_of(b.in.data());
    a.data_out = u64_of(b.out.data());
    a.repeat = 1;
    return a;
}

// The real call; on success the measured duration is replaced by a fixed
// number so that a line written before the call can be exact.
Kernel real_pinning_duration() {
    return [](std::byte* attr, uint32_t size) {
        const int64_t r = real_bpf(kCmd, attr, size);
        if (r == 0 && size >= offsetof(test_attr, duration) + 4) {
            const uint32_t pinned = kPinnedDuration;
            std::memcpy(attr + offsetof(test_attr, duration), &pinned, 4);
        }
        return r;
    };
}

} // namespace

TEST_CASE("BPF_PROG_TEST_RUN size cases, running a real XDP program", "[BPF_PROG_TEST_RUN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_xdp());
    REQUIRE(prog.fd >= 0);
    Buffers b;
    SizeCases c;
    c.cmd = kCmd;
    c.full = bytes_of(run_attr(prog.fd, b, 32));
    c.partial = 40;  // up to duration: a 4.12-5.1 caller, no ctx, flags, cpu or batch_size
    c.kernel = real_pinning_duration();
    const std::string head = fmt::format("bpf(BPF_PROG_TEST_RUN, {{test={{prog_fd={}, retval=0 => 2, data_size_in=16, "
                                         "data_size_out=32 => 16, data_in={}, data_out={}, repeat=1, duration=0 => 777",
                                         prog.fd, hex(b.in.data()), hex(b.out.data()));
    const std::string data = fmt::format("  data_in: {}\n  data_out: {}\n", kPacketHex, kMarkedHex);
    c.expected_partial = head + "}}, 40) = {ret}\n" + data;
    c.expected_full = head + ", ctx_size_in=0, ctx_size_out=0, ctx_in=NULL, ctx_out=NULL, flags=0, cpu=0, "
                             "batch_size=0}}, 76) = {ret}\n" + data;
    check_size_cases(c);
}

TEST_CASE("BPF_PROG_TEST_RUN shows what the real kernel wrote, duration included", "[BPF_PROG_TEST_RUN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_xdp());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    Buffers b;
    const test_attr a = run_attr(prog.fd, b, 32);
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(kCmd, attr, sizeof a, real_kernel(kCmd));
    REQUIRE(r.ret == 0);
    test_attr after;
    std::memcpy(&after, attr, sizeof after);
    CHECK(after.retval == 2);
    CHECK(b.out[0] == 0xff);
    CHECK(b.in[0] == 0x00);  // the input is not written
    // The real duration, as the kernel wrote it (0 stays 0: no " => ").
    const std::string duration =
        after.duration == 0 ? std::string("duration=0") : fmt::format("duration=0 => {}", after.duration);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_TEST_RUN, {{test={{prog_fd={}, retval=0 => 2, data_size_in=16, "
                                "data_size_out=32 => 16, data_in={}, data_out={}, repeat=1, {}, ctx_size_in=0, "
                                "ctx_size_out=0, ctx_in=NULL, ctx_out=NULL, flags=0, cpu=0, batch_size=0}}}}, 80) = 0\n"
                                "  data_in: {}\n  data_out: {}\n",
                                prog.fd, hex(b.in.data()), hex(b.out.data()), duration, kPacketHex, kMarkedHex));
    // JSON: changed members as before/after, buffers as hex.
    CHECK(r.json.find("\"retval\":{\"before\":0,\"after\":2}") != std::string::npos);
    CHECK(r.json.find("\"data_size_out\":{\"before\":32,\"after\":16}") != std::string::npos);
    CHECK(r.json.find(fmt::format("\"data_in\":{{\"addr\":{},\"hex\":\"00112233445566778899aabbccddeeff\"}}",
                                  u64_of(b.in.data()))) != std::string::npos);
    CHECK(r.json.find(fmt::format("\"data_out\":{{\"addr\":{},\"hex\":\"ff112233445566778899aabbccddeeff\"}}",
                                  u64_of(b.out.data()))) != std::string::npos);
    CHECK(r.json.find("\"ctx_size_out\":0,") != std::string::npos);
    CHECK(r.json.find("\"flags\":{\"value\":0,\"names\":[],\"unknown_bits\":0}") != std::string::npos);
    CHECK(r.json.find("\"return\":{\"value\":0}") != std::string::npos);
}

TEST_CASE("BPF_PROG_TEST_RUN unfinished: only the input buffer is shown", "[BPF_PROG_TEST_RUN]") {
    GuardedPage page;
    Buffers b;
    const test_attr a = run_attr(5, b, 32);
    std::byte* attr = page.place(&a, sizeof a);
    CHECK(render_unfinished(kCmd, attr, 40) ==
          fmt::format("bpf(BPF_PROG_TEST_RUN, {{test={{prog_fd=5, retval=0, data_size_in=16, data_size_out=32, "
                      "data_in={}, data_out={}, repeat=1, duration=0}}}}, 40 <unfinished ...>\n  data_in: {}\n",
                      hex(b.in.data()), hex(b.out.data()), kPacketHex));
}

TEST_CASE("BPF_PROG_TEST_RUN with data_out too small: ENOSPC and the real size", "[BPF_PROG_TEST_RUN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_xdp());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    Buffers b;
    const test_attr a = run_attr(prog.fd, b, 8);
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(kCmd, attr, 40, real_kernel(kCmd));
    REQUIRE(r.ret == -ENOSPC);
    CHECK(b.out[0] == 0xff);  // the kernel copied the first 8 bytes anyway
    test_attr after;
    std::memcpy(&after, attr, sizeof after);
    const std::string duration =
        after.duration == 0 ? std::string("duration=0") : fmt::format("duration=0 => {}", after.duration);
    // ENOSPC: data_out holds what fitted (data_size_out moved), so it is shown.
    CHECK(r.text == fmt::format("bpf(BPF_PROG_TEST_RUN, {{test={{prog_fd={}, retval=0 => 2, data_size_in=16, "
                                "data_size_out=8 => 16, data_in={}, data_out={}, repeat=1, {}}}}}, 40) = "
                                "-1 ENOSPC (No space left on device)\n  data_in: {}\n  data_out: ff{}\n",
                                prog.fd, hex(b.in.data()), hex(b.out.data()), duration, kPacketHex,
                                std::string_view(kPacketHex).substr(2, 3 * 7)));
    CHECK(r.json.find("\"data_size_out\":{\"before\":8,\"after\":16}") != std::string::npos);
    CHECK(r.json.find("\"error\":\"ENOSPC\"") != std::string::npos);
}

TEST_CASE("BPF_PROG_TEST_RUN unknown flag bits stay visible", "[BPF_PROG_TEST_RUN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_xdp());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    Buffers b;
    test_attr a = run_attr(prog.fd, b, 32);
    a.flags = (1u << 0) | (1u << 7);  // BPF_F_TEST_RUN_ON_CPU and an unknown bit
    a.cpu = 0;
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(kCmd, attr, sizeof a, real_kernel(kCmd));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_TEST_RUN, {{test={{prog_fd={}, retval=0, data_size_in=16, "
                                "data_size_out=32, data_in={}, data_out={}, repeat=1, duration=0, ctx_size_in=0, "
                                "ctx_size_out=0, ctx_in=NULL, ctx_out=NULL, "
                                "flags=BPF_F_TEST_RUN_ON_CPU|0x80 /* BPF_F_??? */, cpu=0, batch_size=0}}}}, 80) = "
                                "-1 EINVAL (Invalid argument)\n  data_in: {}\n",
                                prog.fd, hex(b.in.data()), hex(b.out.data()), kPacketHex));
    CHECK(r.json.find("\"flags\":{\"value\":129,\"names\":[\"BPF_F_TEST_RUN_ON_CPU\"],\"unknown_bits\":128}") !=
          std::string::npos);
}

TEST_CASE("BPF_PROG_TEST_RUN with an unreadable data_in", "[BPF_PROG_TEST_RUN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_xdp());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    Buffers b;
    test_attr a = run_attr(prog.fd, b, 32);
    a.data_in = u64_of(page.guard());
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(kCmd, attr, 40, real_kernel(kCmd));
    CHECK(r.ret == -EFAULT);
    // Nothing could be read: only the error line, no empty data line.
    CHECK(r.text == fmt::format("bpf(BPF_PROG_TEST_RUN, {{test={{prog_fd={}, retval=0, data_size_in=16, "
                                "data_size_out=32, data_in={}, data_out={}, repeat=1, duration=0}}}}, 40) = "
                                "-1 EFAULT (Bad address)\n  data_in: unreadable at {} after 0 bytes: EFAULT\n",
                                prog.fd, hex(page.guard()), hex(b.out.data()), hex(page.guard())));
    CHECK(r.json.find(fmt::format("\"data_in\":{{\"addr\":{},\"hex\":\"\",\"error\":\"EFAULT\",\"errno\":14,"
                                  "\"read\":0}}",
                                  u64_of(page.guard()))) != std::string::npos);
}

TEST_CASE("BPF_PROG_TEST_RUN with a packet that runs into the guard page", "[BPF_PROG_TEST_RUN]") {
    GuardedPage page;
    Buffers b;
    test_attr a = run_attr(5, b, 32);
    // The packet's last 6 bytes are on the guard page.
    a.data_in = u64_of(page.guard() - 10);
    a.data_out = 0;
    a.data_size_out = 0;
    // The attr at the start of the readable page, the packet's first 10 bytes at its end.
    std::byte* attr = page.place(nullptr, 0) - bpfsc::decoder::kPageSize;
    std::memcpy(attr, &a, 40);
    std::memcpy(page.guard() - 10, kPacket.data(), 10);
    const Rendered r = run_call(kCmd, attr, 40, returns(-EFAULT));
    CHECK(r.text == fmt::format("bpf(BPF_PROG_TEST_RUN, {{test={{prog_fd=5, retval=0, data_size_in=16, "
                                "data_size_out=0, data_in={}, data_out=NULL, repeat=1, duration=0}}}}, 40) = "
                                "-1 EFAULT (Bad address)\n  data_in: 00 11 22 33 44 55 66 77 88 99\n"
                                "  data_in: unreadable at {} after 10 bytes: EFAULT\n",
                                hex(page.guard() - 10), hex(page.guard() - 10)));
}

TEST_CASE("BPF_PROG_TEST_RUN with a bad program fd", "[BPF_PROG_TEST_RUN]") {
    BPFSC_REQUIRE_BPF();
    GuardedPage page;
    Buffers b;
    const test_attr a = run_attr(-1, b, 32);
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(kCmd, attr, 40, real_kernel(kCmd));
    CHECK(r.ret == -EBADF);
    CHECK(r.text == fmt::format("bpf(BPF_PROG_TEST_RUN, {{test={{prog_fd=-1, retval=0, data_size_in=16, "
                                "data_size_out=32, data_in={}, data_out={}, repeat=1, duration=0}}}}, 40) = "
                                "-1 EBADF (Bad file descriptor)\n  data_in: {}\n",
                                hex(b.in.data()), hex(b.out.data()), kPacketHex));
    CHECK(r.json.find("\"prog_fd\":{\"fd\":-1},") != std::string::npos);
}

TEST_CASE("BPF_PROG_TEST_RUN ctx buffers: ctx_in read at entry, ctx_out at exit (simulated)", "[BPF_PROG_TEST_RUN]") {
    // The kernel's part is simulated: it writes 8 bytes of context and the
    // new ctx_size_out, as bpf_ctx_finish() does.
    GuardedPage page;
    Buffers b;
    std::array<uint8_t, 8> ctx_in = {1, 2, 3, 4, 5, 6, 7, 8};
    std::array<uint8_t, 24> ctx_out{};
    test_attr a = run_attr(5, b, 32);
    a.ctx_size_in = 8;
    a.ctx_in = u64_of(ctx_in.data());
    a.ctx_size_out = 24;
    a.ctx_out = u64_of(ctx_out.data());
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(kCmd, attr, sizeof a, [&](std::byte* p, uint32_t) -> int64_t {
        const uint32_t written = 8;
        std::memcpy(p + offsetof(test_attr, ctx_size_out), &written, 4);
        std::memcpy(p + offsetof(test_attr, data_size_out), &written, 4);  // nothing else is written: retval stays 0
        const std::array<uint8_t, 8> out_ctx = {8, 7, 6, 5, 4, 3, 2, 1};
        std::memcpy(ctx_out.data(), out_ctx.data(), 8);
        std::memcpy(b.out.data(), kPacket.data(), 8);
        return 0;
    });
    CHECK(r.text == fmt::format("bpf(BPF_PROG_TEST_RUN, {{test={{prog_fd=5, retval=0, data_size_in=16, "
                                "data_size_out=32 => 8, data_in={}, data_out={}, repeat=1, duration=0, ctx_size_in=8, "
                                "ctx_size_out=24 => 8, ctx_in={}, ctx_out={}, flags=0, cpu=0, batch_size=0}}}}, 80) "
                                "= 0\n"
                                "  data_in: {}\n  data_out: 00 11 22 33 44 55 66 77\n  ctx_in: 01 02 03 04 05 06 07 "
                                "08\n"
                                "  ctx_out: 08 07 06 05 04 03 02 01\n",
                                hex(b.in.data()), hex(b.out.data()), hex(ctx_in.data()), hex(ctx_out.data()),
                                kPacketHex));
    CHECK(r.json.find("\"ctx_size_out\":{\"before\":24,\"after\":8}") != std::string::npos);
}

TEST_CASE("BPF_PROG_TEST_RUN with a packet longer than the data limit", "[BPF_PROG_TEST_RUN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_xdp());
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    std::array<uint8_t, 64> in{};
    std::array<uint8_t, 64> out{};
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = uint8_t(i);
    test_attr a{};
    a.prog_fd = uint32_t(prog.fd);
    a.data_size_in = 64;
    a.data_size_out = 64;
    a.data_in = u64_of(in.data());
    a.data_out = u64_of(out.data());
    std::byte* attr = page.place(&a, 40);
    const Rendered r = run_call(kCmd, attr, 40, real_pinning_duration());
    REQUIRE(r.ret == 0);
    // 32 bytes are shown (the -s limit), then how many there are.
    std::string first, marked;
    for (int i = 0; i < 32; ++i) {
        first += fmt::format("{}{:02x}", i ? " " : "", i);
        marked += fmt::format("{}{:02x}", i ? " " : "", i ? i : 0xff);
    }
    CHECK(r.text == fmt::format("bpf(BPF_PROG_TEST_RUN, {{test={{prog_fd={}, retval=0 => 2, data_size_in=64, "
                                "data_size_out=64, data_in={}, data_out={}, repeat=0, duration=0 => 777}}}}, 40) = 0\n"
                                "  data_in: {} ... (64 bytes)\n  data_out: {} ... (64 bytes)\n",
                                prog.fd, hex(in.data()), hex(out.data()), first, marked));
    CHECK(r.json.find("\"hex\":\"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\","
                      "\"truncated\":true,\"length\":64}") != std::string::npos);
}

TEST_CASE("BPF_PROG_TEST_RUN of a tc program with a context: ctx_in read at entry, ctx_out at exit",
          "[BPF_PROG_TEST_RUN]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_prog(3 /* BPF_PROG_TYPE_SCHED_CLS */, 0));
    REQUIRE(prog.fd >= 0);
    GuardedPage page;
    std::array<uint8_t, 64> packet{};  // an Ethernet frame of zeros
    std::array<uint8_t, 64> out{};
    // A struct __sk_buff with mark (offset 8) and priority (offset 32) set,
    // the members a caller may give; room for more in ctx_out.
    std::array<uint8_t, 192> ctx_in{};
    std::array<uint8_t, 256> ctx_out{};
    ctx_in[8] = 7;
    ctx_in[32] = 3;
    test_attr a{};
    a.prog_fd = uint32_t(prog.fd);
    a.data_size_in = packet.size();
    a.data_in = u64_of(packet.data());
    a.data_size_out = out.size();
    a.data_out = u64_of(out.data());
    a.repeat = 1;
    a.ctx_size_in = ctx_in.size();
    a.ctx_in = u64_of(ctx_in.data());
    a.ctx_size_out = ctx_out.size();
    a.ctx_out = u64_of(ctx_out.data());
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(kCmd, attr, sizeof a, real_pinning_duration());
    REQUIRE(r.ret == 0);
    test_attr after;
    std::memcpy(&after, attr, sizeof after);
    REQUIRE(after.ctx_size_out >= 192);
    CHECK(ctx_out[8] == 7);  // the kernel gave the context back, mark and priority kept
    CHECK(ctx_out[32] == 3);
    const auto hex32 = [](const uint8_t* p) {
        std::string s;
        for (int i = 0; i < 32; ++i) s += fmt::format("{}{:02x}", i ? " " : "", p[i]);
        return s;
    };
    CHECK(r.text.find(fmt::format("ctx_size_in=192, ctx_size_out=256 => {}, ctx_in={}, ctx_out={}, flags=0, cpu=0, "
                                  "batch_size=0}}}}, 80) = 0\n",
                                  after.ctx_size_out, hex(ctx_in.data()), hex(ctx_out.data()))) != std::string::npos);
    CHECK(r.text.find(fmt::format("\n  ctx_in: {} ... (192 bytes)\n  ctx_out: {} ... ({} bytes)\n", hex32(ctx_in.data()),
                                  hex32(ctx_out.data()), after.ctx_size_out)) != std::string::npos);

    // ctx_out too small: ENOSPC, and the part that fitted is shown.
    ctx_out.fill(0xee);
    a.ctx_size_out = 16;
    attr = page.place(&a, sizeof a);
    const Rendered short_out = run_call(kCmd, attr, sizeof a, real_pinning_duration());
    REQUIRE(short_out.ret == -ENOSPC);
    std::memcpy(&after, attr, sizeof after);
    CHECK(short_out.text.find(fmt::format("ctx_size_out=16 => {}, ", after.ctx_size_out)) != std::string::npos);
    CHECK(short_out.text.find("\n  ctx_out: 00 00 00 00 00 00 00 00 07 00 00 00 00 00 00 00\n") != std::string::npos);
}
