// BPF_OBJ_GET_INFO_BY_FD's info struct, decoded per object against the
// real kernel: a map (flags, name, sizes; info_len smaller, zero, cutting a
// member, larger; the SHA-256 of a frozen map), a program (tag, map_ids,
// jited symbols and lengths, prog_tags, instruction lengths; with BTF its
// func_info and line_info records), BTF objects (a loaded blob and vmlinux,
// its name cut short: ENOSPC with the struct written) and links (raw
// tracepoint, also ENOSPC where the struct is not written; a tracepoint
// perf event; a cgroup; tcx on the loopback). The other link types are
// simulated with a kernel lambda (iter, kprobe_multi, uprobe_multi, a
// kprobe perf event, a link type newer than 6.18), as are a newer kernel's
// tail and unreadable arrays. Every value checked is the kernel's own:
// the expected lines are built from what the call wrote into the buffer.
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <random>

#include <catch2/catch.hpp>

#include "kernel_objects.h"
#include "support.h"
#include "uapi/bpf_info.h"

using namespace bpfsc::test;
namespace u = bpfsc::uapi;

namespace {

constexpr uint32_t kInfo = u::BPF_OBJ_GET_INFO_BY_FD;
constexpr uint32_t kRdonlyProg = 1u << 7;  // BPF_F_RDONLY_PROG

const FdObject kMap{Object::Map, 0};
const FdObject kProg{Object::Prog, 0};
const FdObject kBtf{Object::Btf, 0};
FdObject link_of(uint32_t type) { return FdObject{Object::Link, type}; }

// The call made through the decoder with the attr ending at a guard page.
struct InfoCall {
    GuardedPage page;
    FakeResolver resolver;
    uint32_t info_len_after = 0;

    Rendered run(int fd, uint32_t len, const void* buf, const Kernel& kernel = real_kernel(kInfo),
                 DecodeOptions options = {}) {
        u::info_attr a{};
        a.bpf_fd = uint32_t(fd);
        a.info_len = len;
        a.info = u64_of(buf);
        std::byte* attr = page.place(&a, sizeof a);
        const Rendered r = run_call(kInfo, attr, sizeof a, kernel, &resolver, options);
        std::memcpy(&info_len_after, attr + offsetof(u::info_attr, info_len), 4);
        return r;
    }
    std::string unfinished(int fd, uint32_t len, const void* buf) {
        u::info_attr a{};
        a.bpf_fd = uint32_t(fd);
        a.info_len = len;
        a.info = u64_of(buf);
        return render_unfinished(kInfo, page.place(&a, sizeof a), sizeof a, &resolver);
    }
};

std::string line(int fd, std::string_view info_len, std::string_view info, std::string_view ret = "0") {
    return fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len={}, info={}}}}}, 16) = {}\n", fd,
                       info_len, info, ret);
}

// A number as the renderers print hex members: "0" for zero, as C's %#x.
std::string hex_number(uint64_t v) { return v == 0 ? "0" : fmt::format("{:#x}", v); }

std::string hex_digits(const uint8_t* p, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += fmt::format("{:02x}", p[i]);
    return s;
}

int64_t create_array(uint32_t flags = kRdonlyProg) {
    u::map_create_attr a{};
    a.map_type = 2;  // BPF_MAP_TYPE_ARRAY
    a.key_size = 4;
    a.value_size = 16;
    a.max_entries = 3;
    a.map_flags = flags;
    std::strcpy(a.map_name, "info_me");
    return real_bpf(u::BPF_MAP_CREATE, &a, sizeof a);
}

// A socket filter named "with_map" whose instructions name the map:
// r1 = map (ld_imm64, BPF_PSEUDO_MAP_FD); r0 = 0; exit.
int64_t load_prog_with_map(int map_fd) {
    const std::array<u::bpf_insn_raw, 4> insns = {
        u::bpf_insn_raw{0x18, 0x11, 0, map_fd}, u::bpf_insn_raw{0, 0, 0, 0},
        u::bpf_insn_raw{0xb7, 0, 0, 0}, u::bpf_insn_raw{0x95, 0, 0, 0}};
    u::prog_load_attr a{};
    a.prog_type = 1;  // BPF_PROG_TYPE_SOCKET_FILTER
    a.insn_cnt = insns.size();
    a.insns = u64_of(insns.data());
    a.license = u64_of("GPL");
    std::strcpy(a.prog_name, "with_map");
    return real_bpf(u::BPF_PROG_LOAD, &a, sizeof a);
}

// A BTF blob: [1] int, [2] int (void) prototype, [3] static function
// "prog_main", and the strings a line_info record names.
struct __attribute__((packed)) FuncBtf {
    uint16_t magic = 0xeB9F;
    uint8_t version = 1, flags = 0;
    uint32_t hdr_len = 24, type_off = 0, type_len = 40, str_off = 40, str_len = sizeof strings;
    uint32_t int_name = 1, int_info = 1u << 24, int_size = 4, int_encoding = (1u << 24) | 32;
    uint32_t proto_name = 0, proto_info = 13u << 24, proto_ret = 1;
    uint32_t func_name = 5, func_info = 12u << 24, func_proto = 2;
    char strings[28] = "\0int\0prog_main\0x.c\0r0 = 0;";
    static constexpr uint32_t kFile = 15, kLine = 19;  // offsets of "x.c" and "r0 = 0;"
};

int64_t load_btf(const void* blob, uint32_t size) {
    u::btf_load_attr a{};
    a.btf = u64_of(blob);
    a.btf_size = size;
    return real_bpf(u::BPF_BTF_LOAD, &a, sizeof a);
}

// "r0 = 0; exit" with one func_info and one line_info record (line 7, column 3).
int64_t load_prog_with_btf(int btf_fd) {
    const std::array<u::bpf_insn_raw, 2> insns = {u::bpf_insn_raw{0xb7, 0, 0, 0}, u::bpf_insn_raw{0x95, 0, 0, 0}};
    const u::func_info_rec func{0, 3};
    const u::line_info_rec line{0, FuncBtf::kFile, FuncBtf::kLine, (7u << 10) | 3};
    u::prog_load_attr a{};
    a.prog_type = 1;
    a.insn_cnt = insns.size();
    a.insns = u64_of(insns.data());
    a.license = u64_of("GPL");
    a.prog_btf_fd = uint32_t(btf_fd);
    a.func_info_rec_size = sizeof func;
    a.func_info = u64_of(&func);
    a.func_info_cnt = 1;
    a.line_info_rec_size = sizeof line;
    a.line_info = u64_of(&line);
    a.line_info_cnt = 1;
    return real_bpf(u::BPF_PROG_LOAD, &a, sizeof a);
}

int64_t create_link(int prog_fd, int target, uint32_t attach_type) {
    u::link_create_attr a{};
    a.prog_fd = uint32_t(prog_fd);
    a.target_fd = uint32_t(target);
    a.attach_type = attach_type;
    return real_bpf(u::BPF_LINK_CREATE, &a, sizeof a);
}

uint32_t map_id_of(int map_fd) {
    u::map_info info{};
    u::info_attr a{};
    a.bpf_fd = uint32_t(map_fd);
    a.info_len = sizeof info;
    a.info = u64_of(&info);
    REQUIRE(real_bpf(kInfo, &a, sizeof a) == 0);
    return info.id;
}

// A kernel that writes `info` (its first `len` bytes) and info_len, then succeeds.
template <typename Info>
Kernel writes_info(void* buf, const Info& info, uint32_t len = sizeof(Info)) {
    return [buf, info, len](std::byte* attr, uint32_t) -> int64_t {
        std::memcpy(buf, &info, len);
        std::memcpy(attr + offsetof(u::info_attr, info_len), &len, 4);
        return 0;
    };
}

} // namespace

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD of a map: bpf_map_info in the call line", "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    const Fd map(create_array());
    REQUIRE(map.fd >= 0);
    InfoCall call;
    call.resolver.objects[map.fd] = kMap;
    alignas(8) std::array<uint8_t, 256> buf{};
    const auto& info = *reinterpret_cast<const u::map_info*>(buf.data());

    SECTION("a buffer larger than the struct: every 6.18 member, info_len=120 => 104") {
        const Rendered r = call.run(map.fd, 120, buf.data());
        REQUIRE(r.ret == 0);
        REQUIRE(call.info_len_after == sizeof(u::map_info));
        REQUIRE(info.id != 0);
        CHECK(r.text == line(map.fd, "120 => 104",
                             fmt::format("{{type=BPF_MAP_TYPE_ARRAY, id={}, key_size=4, value_size=16, max_entries=3, "
                                         "map_flags=BPF_F_RDONLY_PROG, name=\"info_me\", ifindex=0, "
                                         "btf_vmlinux_value_type_id=0, netns_dev=0, netns_ino=0, btf_id=0, "
                                         "btf_key_type_id=0, btf_value_type_id=0, btf_vmlinux_id=0, map_extra=0, "
                                         "hash=NULL, hash_size=0}}",
                                         info.id)));
        CHECK(r.json.find(fmt::format(
                  "\"info\":{{\"addr\":{},\"struct\":\"bpf_map_info\",\"written\":true,\"fields\":{{\"type\":"
                  "{{\"value\":2,\"name\":\"BPF_MAP_TYPE_ARRAY\"}},\"id\":{},\"key_size\":4,\"value_size\":16,"
                  "\"max_entries\":3,\"map_flags\":{{\"value\":128,\"names\":[\"BPF_F_RDONLY_PROG\"],"
                  "\"unknown_bits\":0}},\"name\":\"info_me\",",
                  u64_of(buf.data()), info.id)) != std::string::npos);
        CHECK(r.json.find("\"hash\":{\"addr\":0},\"hash_size\":0}}}") != std::string::npos);
    }
    SECTION("a 6.1-sized buffer (88 bytes): the members up to map_extra") {
        const Rendered r = call.run(map.fd, 88, buf.data());
        REQUIRE(r.ret == 0);
        CHECK(r.text.find(fmt::format("info_len=88, info={{type=BPF_MAP_TYPE_ARRAY, id={}, ", info.id)) !=
              std::string::npos);
        CHECK(r.text.find("btf_vmlinux_id=0, map_extra=0}}}, 16) = 0\n") != std::string::npos);
    }
    SECTION("info_len=8: only type and id exist") {
        const Rendered r = call.run(map.fd, 8, buf.data());
        REQUIRE(r.ret == 0);
        CHECK(r.text == line(map.fd, "8", fmt::format("{{type=BPF_MAP_TYPE_ARRAY, id={}}}", info.id)));
    }
    SECTION("info_len=6 cuts id: its two bytes the kernel wrote, no more") {
        const Rendered r = call.run(map.fd, 6, buf.data());
        REQUIRE(r.ret == 0);
        CHECK(buf[6] == 0);  // the kernel did not write past info_len
        CHECK(r.text == line(map.fd, "6", fmt::format("{{type=BPF_MAP_TYPE_ARRAY, id={}}}", map_id_of(map.fd) & 0xffff)));
    }
    SECTION("info_len=0: nothing written, an empty struct") {
        const Rendered r = call.run(map.fd, 0, buf.data());
        REQUIRE(r.ret == 0);
        CHECK(r.text == line(map.fd, "0", "{}"));
        CHECK(r.json.find("\"struct\":\"bpf_map_info\",\"written\":true,\"fields\":{}}") != std::string::npos);
    }
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD of a frozen map: its SHA-256 in hash (6.18)", "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    const Fd map(create_array(0));
    REQUIRE(map.fd >= 0);
    u::map_elem_attr freeze{};
    freeze.map_fd = uint32_t(map.fd);
    REQUIRE(real_bpf(u::BPF_MAP_FREEZE, &freeze, sizeof freeze) == 0);
    InfoCall call;
    call.resolver.objects[map.fd] = kMap;
    alignas(8) u::map_info info{};
    std::array<uint8_t, 32> hash{};
    info.hash = u64_of(hash.data());
    info.hash_size = hash.size();
    const Rendered r = call.run(map.fd, sizeof info, &info);
    REQUIRE(r.ret == 0);
    REQUIRE(hash != std::array<uint8_t, 32>{});
    std::string bytes;
    for (uint8_t b : hash) bytes += fmt::format("{}{:02x}", bytes.empty() ? "" : " ", b);
    CHECK(r.text.find(fmt::format("map_extra=0, hash={}, hash_size=32}}}}}}, 16) = 0\n  hash: {}\n", hex(hash.data()),
                                  bytes)) != std::string::npos);
    CHECK(r.json.find(fmt::format("\"hash\":{{\"addr\":{},\"hex\":\"{}\"}},\"hash_size\":32", u64_of(hash.data()),
                                  hex_digits(hash.data(), hash.size()))) != std::string::npos);
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD of a program: tag, map ids, symbols, tags and instruction lengths",
          "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    const Fd map(create_array());
    REQUIRE(map.fd >= 0);
    const Fd prog(load_prog_with_map(map.fd));
    REQUIRE(prog.fd >= 0);
    InfoCall call;
    call.resolver.objects[prog.fd] = kProg;

    // The caller asks for every array, as bpftool does once it knows the sizes.
    alignas(8) u::prog_info info{};
    std::array<uint32_t, 4> map_ids{};
    std::array<uint64_t, 2> tags{}, ksyms{};
    std::array<uint32_t, 2> func_lens{};
    std::array<uint8_t, 64> xlated{};
    std::array<uint8_t, 512> jited{};
    info.nr_map_ids = map_ids.size();
    info.map_ids = u64_of(map_ids.data());
    info.nr_prog_tags = tags.size();
    info.prog_tags = u64_of(tags.data());
    info.nr_jited_ksyms = ksyms.size();
    info.jited_ksyms = u64_of(ksyms.data());
    info.nr_jited_func_lens = func_lens.size();
    info.jited_func_lens = u64_of(func_lens.data());
    info.xlated_prog_len = xlated.size();
    info.xlated_prog_insns = u64_of(xlated.data());
    info.jited_prog_len = jited.size();
    info.jited_prog_insns = u64_of(jited.data());

    SECTION("entry: the inputs the kernel will read") {
        CHECK(call.unfinished(prog.fd, sizeof info, &info) ==
              fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=232, info={{jited_prog_len=512, "
                          "xlated_prog_len=64, jited_prog_insns={}, xlated_prog_insns={}, nr_map_ids=4, map_ids={}, "
                          "nr_jited_ksyms=2, nr_jited_func_lens=2, jited_ksyms={}, jited_func_lens={}, "
                          "nr_prog_tags=2, prog_tags={}}}}}}}, 16 <unfinished ...>\n",
                          prog.fd, hex(jited.data()), hex(xlated.data()), hex(map_ids.data()), hex(ksyms.data()),
                          hex(func_lens.data()), hex(tags.data())));
    }
    SECTION("exit: what the kernel wrote, arrays included") {
        const Rendered r = call.run(prog.fd, sizeof info, &info);
        REQUIRE(r.ret == 0);
        REQUIRE(call.info_len_after == sizeof info);
        REQUIRE(info.nr_map_ids == 1);
        REQUIRE(map_ids[0] == map_id_of(map.fd));
        REQUIRE(info.nr_prog_tags == 1);
        REQUIRE(info.nr_jited_ksyms == 1);
        REQUIRE(info.xlated_prog_len == 32);  // four instructions
        REQUIRE(info.jited_prog_len > 0);
        REQUIRE(std::memcmp(&tags[0], info.tag, 8) == 0);
        const std::string tag = hex_digits(info.tag, 8);
        CHECK(r.text ==
              line(prog.fd, "232",
                   fmt::format("{{type=BPF_PROG_TYPE_SOCKET_FILTER, id={}, tag=\"{}\", jited_prog_len=512 => {}, "
                               "xlated_prog_len=64 => 32, jited_prog_insns={}, xlated_prog_insns={}, load_time={}, "
                               "created_by_uid={}, nr_map_ids=4 => 1, map_ids=[{}], name=\"with_map\", ifindex=0, "
                               "gpl_compatible=1, netns_dev=0, netns_ino=0, nr_jited_ksyms=2 => 1, "
                               "nr_jited_func_lens=2 => 1, jited_ksyms=[{}], jited_func_lens=[{}], btf_id=0, "
                               "func_info_rec_size=0 => 8, func_info=NULL, nr_func_info=0, nr_line_info=0, "
                               "line_info=NULL, jited_line_info=NULL, nr_jited_line_info=0, "
                               "line_info_rec_size=0 => 16, jited_line_info_rec_size=0 => 8, nr_prog_tags=2 => 1, "
                               "prog_tags=[\"{}\"], run_time_ns={}, run_cnt={}, recursion_misses=0, "
                               "verified_insns={}, attach_btf_obj_id=0, attach_btf_id=0}}",
                               info.id, tag, info.jited_prog_len, hex(jited.data()), hex(xlated.data()),
                               info.load_time, info.created_by_uid, map_ids[0], hex_number(ksyms[0]), func_lens[0], tag,
                               info.run_time_ns, info.run_cnt, info.verified_insns)) +
                  fmt::format("  jited_prog_insns: {} bytes of machine code\n", info.jited_prog_len));
        // The xlated instructions are read whole: their summary and, with -v,
        // their listing, in the notation of bpftool prog dump xlated.
        CHECK_THAT(r.verbose_text, Catch::Contains(fmt::format("  xlated program: 4 insns; maps: 1\n"
                                                               "       0: (18) r1 = map[id:{}]\n"
                                                               "       2: (b7) r0 = 0\n"
                                                               "       3: (95) exit\n", map_ids[0])));
        CHECK(r.json.find(fmt::format("\"tag\":\"{}\",\"jited_prog_len\":{{\"before\":512,\"after\":{}}},", tag,
                                      info.jited_prog_len)) != std::string::npos);
        CHECK(r.json.find(fmt::format("\"jited_prog_insns\":{{\"addr\":{},\"length\":{}}},\"xlated_prog_insns\":"
                                      "{{\"addr\":{},\"length\":32}}",
                                      u64_of(jited.data()), info.jited_prog_len, u64_of(xlated.data()))) !=
              std::string::npos);
        CHECK(r.json.find(fmt::format("\"map_ids\":{{\"addr\":{},\"items\":[{}]}},\"name\":\"with_map\"",
                                      u64_of(map_ids.data()), map_ids[0])) != std::string::npos);
        CHECK(r.json.find(fmt::format("\"prog_tags\":{{\"addr\":{},\"items\":[\"{}\"]}}", u64_of(tags.data()), tag)) !=
              std::string::npos);
    }
    SECTION("-s 0: arrays are cut to nothing, their lengths stay") {
        DecodeOptions options;
        options.string_limit = 0;
        const Rendered r = call.run(prog.fd, sizeof info, &info, real_kernel(kInfo), options);
        REQUIRE(r.ret == 0);
        CHECK(r.text.find("nr_map_ids=4 => 1, map_ids=[...], ") != std::string::npos);
        CHECK(r.text.find("nr_prog_tags=2 => 1, prog_tags=[...], ") != std::string::npos);
        CHECK(r.json.find("\"items\":[],\"truncated\":true,\"length\":1}") != std::string::npos);
    }
    SECTION("map_ids at an unreadable address: the kernel fails with EFAULT, the address is shown") {
        info.map_ids = u64_of(call.page.guard());
        const Rendered r = call.run(prog.fd, sizeof info, &info);
        CHECK(r.ret == -EFAULT);
        CHECK(r.text == line(prog.fd, "232", hex(&info), "-1 EFAULT (Bad address)"));
        CHECK(r.json.find(fmt::format("\"info\":{{\"addr\":{}}}", u64_of(&info))) != std::string::npos);
    }
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD of a program with BTF: func_info and line_info records",
          "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    const FuncBtf blob;
    const Fd btf(load_btf(&blob, sizeof blob));
    REQUIRE(btf.fd >= 0);
    const Fd prog(load_prog_with_btf(btf.fd));
    REQUIRE(prog.fd >= 0);
    InfoCall call;
    call.resolver.objects[prog.fd] = kProg;
    alignas(8) u::prog_info info{};
    std::array<u::func_info_rec, 2> funcs{};
    std::array<u::line_info_rec, 2> lines{};
    std::array<uint64_t, 2> jited_lines{};
    info.func_info_rec_size = sizeof funcs[0];
    info.nr_func_info = funcs.size();
    info.func_info = u64_of(funcs.data());
    info.line_info_rec_size = sizeof lines[0];
    info.nr_line_info = lines.size();
    info.line_info = u64_of(lines.data());
    info.jited_line_info_rec_size = 8;
    info.nr_jited_line_info = jited_lines.size();
    info.jited_line_info = u64_of(jited_lines.data());
    const Rendered r = call.run(prog.fd, sizeof info, &info);
    REQUIRE(r.ret == 0);
    REQUIRE(info.nr_func_info == 1);
    REQUIRE(info.nr_line_info == 1);
    REQUIRE(info.btf_id != 0);
    CHECK(r.text.find(fmt::format("btf_id={}, func_info_rec_size=8, func_info={}, nr_func_info=2 => 1, "
                                  "nr_line_info=2 => 1, line_info={}, jited_line_info=[{}], "
                                  "nr_jited_line_info=2 => 1, line_info_rec_size=16, jited_line_info_rec_size=8, ",
                                  info.btf_id, hex(funcs.data()), hex(lines.data()), hex_number(jited_lines[0]))) !=
          std::string::npos);
    // The records as the kernel wrote them back: the function's BTF type 3, line 7 column 3 of "x.c".
    CHECK(funcs[0].type_id == 3);
    CHECK(r.text.find(fmt::format("\n  func_info: [{{insn_off=0, type_id=3}}]\n  line_info: [{{insn_off=0, "
                                  "file_name_off={}, line_off={}, line=7, col=3}}]\n",
                                  lines[0].file_name_off, lines[0].line_off)) != std::string::npos);
    CHECK(r.json.find(fmt::format("\"func_info\":{{\"addr\":{},\"records\":[{{\"insn_off\":0,\"type_id\":3}}]}}",
                                  u64_of(funcs.data()))) != std::string::npos);
    CHECK(r.json.find(fmt::format("\"line_info\":{{\"addr\":{},\"records\":[{{\"insn_off\":0,\"file_name_off\":{},"
                                  "\"line_off\":{},\"line_col\":{},\"line\":7,\"col\":3}}]}}",
                                  u64_of(lines.data()), lines[0].file_name_off, lines[0].line_off,
                                  (7u << 10) | 3)) != std::string::npos);
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD of BTF objects: the blob, its name, the kernel's own", "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    InfoCall call;
    alignas(8) u::btf_info info{};
    std::array<char, 16> name{};

    SECTION("a loaded blob: its first bytes, no name") {
        const FuncBtf blob;
        const Fd btf(load_btf(&blob, sizeof blob));
        REQUIRE(btf.fd >= 0);
        call.resolver.objects[btf.fd] = kBtf;
        std::array<uint8_t, 8> bytes{};
        info.btf = u64_of(bytes.data());
        info.btf_size = bytes.size();
        info.name = u64_of(name.data());
        info.name_len = name.size();
        const Rendered r = call.run(btf.fd, sizeof info, &info);
        REQUIRE(r.ret == 0);
        REQUIRE(info.btf_size == sizeof blob);
        CHECK(r.text == line(btf.fd, "32",
                             fmt::format("{{btf=\"\\237\\353\\1\\0\\30\\0\\0\\0\", btf_size=8 => {}, id={}, name=\"\", "
                                         "name_len=16 => 0, kernel_btf=0}}",
                                         sizeof blob, info.id)));
        CHECK(r.json.find(fmt::format("\"fields\":{{\"btf\":{{\"addr\":{},\"hex\":\"9feb010018000000\"}},\"btf_size\":"
                                      "{{\"before\":8,\"after\":{}}},\"id\":{},\"name\":{{\"addr\":{},\"string\":\"\"}},",
                                      u64_of(bytes.data()), sizeof blob, info.id, u64_of(name.data()))) !=
              std::string::npos);
    }
    SECTION("vmlinux (BTF id 1): its name and kernel_btf") {
        u::get_id_attr by_id{};
        by_id.btf_id = 1;
        const Fd vmlinux(real_bpf(u::BPF_BTF_GET_FD_BY_ID, &by_id, sizeof by_id));
        REQUIRE(vmlinux.fd >= 0);
        call.resolver.objects[vmlinux.fd] = kBtf;
        info.name = u64_of(name.data());
        info.name_len = name.size();
        Rendered r = call.run(vmlinux.fd, sizeof info, &info);
        REQUIRE(r.ret == 0);
        REQUIRE(std::string_view(name.data()) == "vmlinux");
        CHECK(r.text == line(vmlinux.fd, "32",
                             fmt::format("{{btf=NULL, btf_size=0 => {}, id=1, name=\"vmlinux\", name_len=16 => 7, "
                                         "kernel_btf=1}}",
                                         info.btf_size)));

        // A name buffer of 4: ENOSPC, and yet the struct and the cut name are written.
        info = u::btf_info{};
        name.fill('x');
        info.name = u64_of(name.data());
        info.name_len = 4;
        r = call.run(vmlinux.fd, sizeof info, &info);
        REQUIRE(r.ret == -ENOSPC);
        REQUIRE(info.name_len == 7);
        CHECK(r.text == line(vmlinux.fd, "32",
                             fmt::format("{{btf=NULL, btf_size=0 => {}, id=1, name=\"vml\", name_len=4 => 7, "
                                         "kernel_btf=1}}",
                                         info.btf_size),
                             "-1 ENOSPC (No space left on device)"));
    }
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD of a raw tracepoint link: its tracepoint's name", "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    const Fd prog(load_prog(17 /* BPF_PROG_TYPE_RAW_TRACEPOINT */));
    REQUIRE(prog.fd >= 0);
    const Fd link(open_raw_tracepoint(prog.fd, "sched_switch"));
    REQUIRE(link.fd >= 0);
    InfoCall call;
    call.resolver.objects[link.fd] = link_of(1 /* BPF_LINK_TYPE_RAW_TRACEPOINT */);
    alignas(8) u::link_info info{};
    std::array<char, 64> name{};
    info.raw_tracepoint.tp_name = u64_of(name.data());
    info.raw_tracepoint.tp_name_len = name.size();

    SECTION("entry shows the buffer offered; exit the name, its length and the link") {
        CHECK(call.unfinished(link.fd, sizeof info, &info) ==
              fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=64, info={{raw_tracepoint="
                          "{{tp_name={}, tp_name_len=64}}}}}}}}, 16 <unfinished ...>\n",
                          link.fd, hex(name.data())));
        const Rendered r = call.run(link.fd, sizeof info, &info);
        REQUIRE(r.ret == 0);
        REQUIRE(call.info_len_after == sizeof info);
        CHECK(info.prog_id == prog_id_of(prog.fd));
        CHECK(r.text == line(link.fd, "64",
                             fmt::format("{{type=BPF_LINK_TYPE_RAW_TRACEPOINT, id={}, prog_id={}, raw_tracepoint="
                                         "{{tp_name=\"sched_switch\", tp_name_len=64 => 13, cookie=0}}}}",
                                         info.id, info.prog_id)));
        CHECK(r.json.find(fmt::format("\"struct\":\"bpf_link_info\",\"written\":true,\"fields\":{{\"type\":"
                                      "{{\"value\":1,\"name\":\"BPF_LINK_TYPE_RAW_TRACEPOINT\"}},\"id\":{},\"prog_id\":{},"
                                      "\"raw_tracepoint\":{{\"tp_name\":{{\"addr\":{},\"string\":\"sched_switch\"}},"
                                      "\"tp_name_len\":{{\"before\":64,\"after\":13}},\"cookie\":0}}}}}}",
                                      info.id, info.prog_id, u64_of(name.data()))) != std::string::npos);
    }
    SECTION("a name buffer of 4: ENOSPC; the cut name is written, the struct is not") {
        name.fill('x');
        info.raw_tracepoint.tp_name_len = 4;
        const Rendered r = call.run(link.fd, sizeof info, &info);
        REQUIRE(r.ret == -ENOSPC);
        REQUIRE(info.id == 0);  // the kernel left the struct as it was
        CHECK(r.text == line(link.fd, "64", "{raw_tracepoint={tp_name=\"sch\", tp_name_len=4}}",
                             "-1 ENOSPC (No space left on device)"));
        CHECK(r.json.find("\"written\":false,\"fields\":{\"raw_tracepoint\":{\"tp_name\":") != std::string::npos);
    }
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD of a perf event link on a tracepoint", "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    const Fd event(open_tracepoint_event("sched", "sched_switch"));
    REQUIRE(event.fd >= 0);
    const Fd prog(load_prog(5 /* BPF_PROG_TYPE_TRACEPOINT */));
    REQUIRE(prog.fd >= 0);
    const Fd link(create_link(prog.fd, event.fd, 41 /* BPF_PERF_EVENT */));
    REQUIRE(link.fd >= 0);
    InfoCall call;
    call.resolver.objects[link.fd] = link_of(7 /* BPF_LINK_TYPE_PERF_EVENT */);
    alignas(8) u::link_info info{};
    std::array<char, 64> name{};
    info.perf_event.tracepoint.tp_name = u64_of(name.data());
    info.perf_event.tracepoint.name_len = name.size();
    const Rendered r = call.run(link.fd, sizeof info, &info);
    REQUIRE(r.ret == 0);
    CHECK(r.text == line(link.fd, "64",
                         fmt::format("{{type=BPF_LINK_TYPE_PERF_EVENT, id={}, prog_id={}, perf_event={{"
                                     "type=BPF_PERF_EVENT_TRACEPOINT, tracepoint={{tp_name=\"sched_switch\", "
                                     "name_len=64 => 13, cookie=0}}}}}}",
                                     info.id, prog_id_of(prog.fd))));
    CHECK(r.json.find(fmt::format("\"perf_event\":{{\"type\":{{\"value\":5,\"name\":\"BPF_PERF_EVENT_TRACEPOINT\"}},"
                                  "\"tracepoint\":{{\"tp_name\":{{\"addr\":{},\"string\":\"sched_switch\"}},"
                                  "\"name_len\":{{\"before\":64,\"after\":13}},\"cookie\":0}}}}}}}}",
                                  u64_of(name.data()))) != std::string::npos);
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD of cgroup and tcx links: where they are attached", "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    InfoCall call;
    alignas(8) u::link_info info{};

    SECTION("a cgroup link: the cgroup's id (its inode) and the hook") {
        const TestCgroup cg{"info-link"};
        const Fd prog(load_prog(8 /* BPF_PROG_TYPE_CGROUP_SKB */, 1, 0));
        REQUIRE(prog.fd >= 0);
        const Fd link(create_link(prog.fd, cg.fd, 0 /* BPF_CGROUP_INET_INGRESS */));
        REQUIRE(link.fd >= 0);
        call.resolver.objects[link.fd] = link_of(3 /* BPF_LINK_TYPE_CGROUP */);
        struct stat st{};
        REQUIRE(stat(cg.path.c_str(), &st) == 0);
        const Rendered r = call.run(link.fd, sizeof info, &info);
        REQUIRE(r.ret == 0);
        CHECK(info.cgroup.cgroup_id == st.st_ino);
        CHECK(r.text == line(link.fd, "64",
                             fmt::format("{{type=BPF_LINK_TYPE_CGROUP, id={}, prog_id={}, cgroup={{cgroup_id={}, "
                                         "attach_type=BPF_CGROUP_INET_INGRESS}}}}",
                                         info.id, prog_id_of(prog.fd), st.st_ino)));
    }
    SECTION("a tcx link on the loopback's egress") {
        const Fd prog(load_prog(3 /* BPF_PROG_TYPE_SCHED_CLS */, -1 /* TCX_NEXT */));
        REQUIRE(prog.fd >= 0);
        const Fd link(create_link(prog.fd, 1 /* lo */, 47 /* BPF_TCX_EGRESS */));
        REQUIRE(link.fd >= 0);
        call.resolver.objects[link.fd] = link_of(11 /* BPF_LINK_TYPE_TCX */);
        const Rendered r = call.run(link.fd, sizeof info, &info);
        REQUIRE(r.ret == 0);
        CHECK(r.text == line(link.fd, "64",
                             fmt::format("{{type=BPF_LINK_TYPE_TCX, id={}, prog_id={}, tcx={{ifindex=1, "
                                         "attach_type=BPF_TCX_EGRESS}}}}",
                                         info.id, prog_id_of(prog.fd))));
    }
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD link types this kernel cannot make here (simulated)", "[BPF_OBJ_GET_INFO_BY_FD]") {
    InfoCall call;
    alignas(8) u::link_info info{};
    std::array<char, 32> name{};

    SECTION("an iterator over map elements: its target name and map") {
        call.resolver.objects[9] = link_of(4 /* BPF_LINK_TYPE_ITER */);
        info.iter.target_name = u64_of(name.data());
        info.iter.target_name_len = name.size();
        u::link_info written = info;
        written.type = 4;
        written.id = 12;
        written.prog_id = 34;
        written.iter.target_name_len = 13;
        written.iter.map.map_id = 7;
        std::strcpy(name.data(), "bpf_map_elem");
        const Rendered r = call.run(9, sizeof info, &info, writes_info(&info, written));
        CHECK(r.text == line(9, "64",
                             "{type=BPF_LINK_TYPE_ITER, id=12, prog_id=34, iter={target_name=\"bpf_map_elem\", "
                             "target_name_len=32 => 13, map={map_id=7}}}"));
        CHECK(r.json.find("\"iter\":{\"target_name\":{\"addr\":" + std::to_string(u64_of(name.data())) +
                          ",\"string\":\"bpf_map_elem\"},\"target_name_len\":{\"before\":32,\"after\":13},"
                          "\"map\":{\"map_id\":7}}}}") != std::string::npos);
    }
    SECTION("iterators over cgroups and tasks: their own parts") {
        call.resolver.objects[9] = link_of(4);
        u::link_info written{};
        written.type = 4;
        written.iter.cgroup.cgroup_id = 99;
        written.iter.cgroup.order = 2;
        Rendered r = call.run(9, sizeof info, &info, writes_info(&info, written));
        CHECK(r.text.find("iter={target_name=NULL, target_name_len=0, cgroup={cgroup_id=99, "
                          "order=BPF_CGROUP_ITER_DESCENDANTS_PRE}}}") != std::string::npos);
        written = u::link_info{};
        written.type = 4;
        written.iter.task.pid = 1234;
        info = u::link_info{};
        r = call.run(9, sizeof info, &info, writes_info(&info, written));
        CHECK(r.text.find("iter={target_name=NULL, target_name_len=0, task={tid=0, pid=1234}}}") != std::string::npos);
    }
    SECTION("kprobe_multi: addresses and cookies as hex arrays, cut by -s") {
        call.resolver.objects[9] = link_of(8 /* BPF_LINK_TYPE_KPROBE_MULTI */);
        std::array<uint64_t, 4> addrs{}, cookies{};
        info.kprobe_multi.addrs = u64_of(addrs.data());
        info.kprobe_multi.cookies = u64_of(cookies.data());
        info.kprobe_multi.count = 4;
        u::link_info written = info;
        written.type = 8;
        written.kprobe_multi.count = 3;
        written.kprobe_multi.flags = 1;  // BPF_F_KPROBE_MULTI_RETURN
        written.kprobe_multi.missed = 2;
        addrs = {0xffffffff81000010, 0xffffffff81000020, 0xffffffff81000030, 0};
        cookies = {1, 2, 3, 0};
        DecodeOptions options;
        options.string_limit = 2;
        const Rendered r = call.run(9, sizeof info, &info, writes_info(&info, written), options);
        CHECK(r.text.find(fmt::format("kprobe_multi={{addrs=[0xffffffff81000010, 0xffffffff81000020, ...], "
                                      "count=4 => 3, flags=BPF_F_KPROBE_MULTI_RETURN, missed=2, cookies=[0x1, 0x2, "
                                      "...]}}}}")) != std::string::npos);
        CHECK(r.json.find("\"items\":[\"18446744071578845200\",\"18446744071578845216\"],\"truncated\":true,\"length\":3}") !=
              std::string::npos);
    }
    SECTION("uprobe_multi: the path and the offsets") {
        call.resolver.objects[9] = link_of(12 /* BPF_LINK_TYPE_UPROBE_MULTI */);
        std::array<uint64_t, 2> offsets{};
        info.uprobe_multi.path = u64_of(name.data());
        info.uprobe_multi.path_size = name.size();
        info.uprobe_multi.offsets = u64_of(offsets.data());
        info.uprobe_multi.count = 2;
        u::link_info written = info;
        written.type = 12;
        written.uprobe_multi.path_size = 14;
        written.uprobe_multi.count = 1;
        written.uprobe_multi.pid = 42;
        std::strcpy(name.data(), "/usr/bin/true");
        offsets[0] = 0x1130;
        const Rendered r = call.run(9, sizeof info, &info, writes_info(&info, written));
        CHECK(r.text.find(fmt::format("uprobe_multi={{path=\"/usr/bin/true\", offsets=[0x1130], "
                                      "ref_ctr_offsets=NULL, cookies=NULL, path_size=32 => 14, count=2 => 1, "
                                      "flags=0, pid=42}}}}")) != std::string::npos);
    }
    SECTION("a kprobe perf event: function, offset and address") {
        call.resolver.objects[9] = link_of(7);
        info.perf_event.kprobe.func_name = u64_of(name.data());
        info.perf_event.kprobe.name_len = name.size();
        u::link_info written = info;
        written.type = 7;
        written.perf_event.type = 3;  // BPF_PERF_EVENT_KPROBE
        written.perf_event.kprobe.name_len = 15;
        written.perf_event.kprobe.addr = 0xffffffff81a2b3c0;
        std::strcpy(name.data(), "tcp_v4_connect");
        const Rendered r = call.run(9, sizeof info, &info, writes_info(&info, written));
        CHECK(r.text.find("perf_event={type=BPF_PERF_EVENT_KPROBE, kprobe={func_name=\"tcp_v4_connect\", "
                          "name_len=32 => 15, offset=0, addr=0xffffffff81a2b3c0, missed=0, cookie=0}}}") !=
              std::string::npos);
    }
    SECTION("a link type newer than 6.18: the head, and the union's bytes as they are") {
        call.resolver.objects[9] = link_of(99);
        u::link_info written{};
        written.type = 99;
        written.id = 5;
        written.prog_id = 6;
        reinterpret_cast<uint8_t*>(&written)[20] = 0xab;
        const Rendered r = call.run(9, sizeof info, &info, writes_info(&info, written));
        std::string bytes;
        for (uint32_t at = 16; at < 64; ++at) bytes += at == 20 ? "\\xab" : "\\x00";
        CHECK(r.text == line(9, "64",
                             fmt::format("{{type=0x63 /* BPF_LINK_TYPE_??? */, id=5, prog_id=6, extra_data=\"{}\" /* "
                                         "bytes 16..63 */}}",
                                         bytes)));
        CHECK(r.json.find("\"type\":{\"value\":99,\"name\":null,\"unknown\":\"BPF_LINK_TYPE_???\"},\"id\":5,"
                          "\"prog_id\":6},\"extra_data\":{\"offset\":16,\"hex\":\"00000000ab") != std::string::npos);
    }
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD: a newer kernel's longer struct, and arrays that cannot be read (simulated)",
          "[BPF_OBJ_GET_INFO_BY_FD]") {
    InfoCall call;
    call.resolver.objects[5] = kMap;
    alignas(8) std::array<uint8_t, 128> buf{};

    SECTION("bytes past bpf_map_info that are not zero are shown, never dropped") {
        std::array<uint8_t, 112> written{};
        written[0] = 1;     // BPF_MAP_TYPE_HASH
        written[108] = 0x5a;
        const Rendered r = call.run(5, 120, buf.data(), writes_info(buf.data(), written));
        CHECK(r.text.find("hash=NULL, hash_size=0, extra_data=\"\\x00\\x00\\x00\\x00\\x5a\\x00\\x00\\x00\" /* bytes "
                          "104..111 */}}}, 16) = 0\n") != std::string::npos);
        CHECK(r.text.find("info_len=120 => 112, ") != std::string::npos);
    }
    SECTION("a program's map_ids the tracer cannot read: the address and why") {
        call.resolver.objects[6] = kProg;
        alignas(8) u::prog_info info{};
        info.nr_map_ids = 2;
        info.map_ids = u64_of(call.page.guard());
        u::prog_info written = info;
        written.type = 1;
        written.id = 80;
        written.nr_map_ids = 2;
        const Rendered r = call.run(6, sizeof info, &info, writes_info(&info, written));
        CHECK(r.text.find(fmt::format("nr_map_ids=2, map_ids={} (unreadable: EFAULT), ", hex(call.page.guard()))) !=
              std::string::npos);
        CHECK(r.json.find(fmt::format("\"map_ids\":{{\"addr\":{},\"items\":[],\"error\":\"EFAULT\",\"errno\":14,"
                                      "\"read\":0}}",
                                      u64_of(call.page.guard()))) != std::string::npos);
    }
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD: no struct where the object or the buffer is unknown", "[BPF_OBJ_GET_INFO_BY_FD]") {
    BPFSC_REQUIRE_BPF();
    InfoCall call;
    alignas(8) std::array<uint8_t, 128> buf{};
    const Fd null(open("/dev/null", O_RDONLY | O_CLOEXEC));
    REQUIRE(null.fd >= 0);

    SECTION("an fd the resolver cannot name: the address") {
        const Rendered r = call.run(null.fd, 120, buf.data());
        CHECK(r.ret == -EINVAL);
        CHECK(r.text == line(null.fd, "120", hex(buf.data()), "-1 EINVAL (Invalid argument)"));
    }
    SECTION("an fd taken for a map that is none: the kernel's EINVAL, the address") {
        call.resolver.objects[null.fd] = kMap;
        const Rendered r = call.run(null.fd, 120, buf.data());
        CHECK(r.ret == -EINVAL);
        CHECK(r.text == line(null.fd, "120", hex(buf.data()), "-1 EINVAL (Invalid argument)"));
        CHECK(r.json.find(fmt::format("\"info\":{{\"addr\":{}}}", u64_of(buf.data()))) != std::string::npos);
    }
    SECTION("a map's info buffer with no inputs: an unfinished call shows the address") {
        const Fd map(create_array());
        REQUIRE(map.fd >= 0);
        call.resolver.objects[map.fd] = kMap;
        CHECK(call.unfinished(map.fd, 104, buf.data()) ==
              fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=104, info={}}}}}, 16 "
                          "<unfinished ...>\n",
                          map.fd, hex(buf.data())));
    }
    SECTION("a buffer at an unreadable address: unreadable at entry, EFAULT at exit") {
        const Fd map(create_array());
        REQUIRE(map.fd >= 0);
        call.resolver.objects[map.fd] = kMap;
        const std::byte* guard = call.page.guard();
        CHECK(call.unfinished(map.fd, 104, guard) ==
              fmt::format("bpf(BPF_OBJ_GET_INFO_BY_FD, {{info={{bpf_fd={}, info_len=104, info={} (unreadable: "
                          "EFAULT)}}}}, 16 <unfinished ...>\n",
                          map.fd, hex(guard)));
        const Rendered r = call.run(map.fd, 104, guard);
        CHECK(r.ret == -EFAULT);
        CHECK(r.text == line(map.fd, "104", hex(guard), "-1 EFAULT (Bad address)"));
    }
}

TEST_CASE("BPF_OBJ_GET_INFO_BY_FD: random info structs of every kind never crash and give valid JSON",
          "[BPF_OBJ_GET_INFO_BY_FD]") {
    // Random buffers (pointers planted at NULL, at readable bytes and at the
    // guard page; small counts), every kind and link type, random lengths
    // and a kernel that writes random bytes and a random result.
    InfoCall call;
    GuardedPage info_page;
    std::mt19937_64 rng(20261123);
    std::array<char, 64> readable{};
    for (char& c : readable) c = char(rng());
    const uint64_t pointers[] = {0, u64_of(readable.data()), u64_of(info_page.guard()), u64_of(info_page.guard()) - 3};
    const std::array<FdObject, 5> kinds = {kMap, kProg, kBtf, link_of(0), FdObject{Object::Token, 0}};
    auto random_struct = [&](std::array<std::byte, 300>& bytes) {
        for (auto& b : bytes) b = std::byte(rng() % 3 == 0 ? rng() : 0);
        for (std::size_t off = 0; off + 8 <= bytes.size(); off += 8) {
            const auto pick = rng() % 4;
            const uint64_t v = pick == 0 ? pointers[rng() % 4] : pick == 1 ? rng() % 40 : 0;
            if (pick < 2) std::memcpy(bytes.data() + off, &v, 8);
        }
    };
    for (int round = 0; round < 3000; ++round) {
        FdObject what = kinds[rng() % kinds.size()];
        if (what.kind == Object::Link) what.link_type = uint32_t(rng() % 17);
        call.resolver.objects[7] = what;
        std::array<std::byte, 300> entry{}, exit{};
        random_struct(entry);
        random_struct(exit);
        if (what.kind == Object::Link) std::memcpy(exit.data(), &what.link_type, 4);
        const uint32_t len = uint32_t(rng() % 300);
        std::byte* buf = info_page.place(entry.data(), entry.size());
        const uint32_t written = uint32_t(rng() % 300);
        const int64_t result = std::array<int64_t, 4>{0, 0, -ENOSPC, -EFAULT}[rng() % 4];
        const Kernel kernel = [&](std::byte* attr, uint32_t) -> int64_t {
            std::memcpy(buf, exit.data(), std::min(written, len));
            std::memcpy(attr + offsetof(u::info_attr, info_len), &written, 4);
            return result;
        };
        REQUIRE(call.unfinished(7, len, buf).rfind("bpf(BPF_OBJ_GET_INFO_BY_FD, {info={", 0) == 0);
        DecodeOptions options;
        options.string_limit = uint32_t(rng() % 40);
        const Rendered r = call.run(7, len, rng() % 8 == 0 ? static_cast<const void*>(info_page.guard()) : buf, kernel,
                                    options);
        REQUIRE(valid_json(r.json));
        REQUIRE(r.text.rfind("bpf(BPF_OBJ_GET_INFO_BY_FD, {info={", 0) == 0);
    }
}
