// The calls of the seed lab documents (../shared/seeds/): each strace line
// there is rebuilt as the same attr, decoded, and our line must carry every
// field of strace's with the same value, in the same order (addresses aside:
// they differ from run to run). Kernel outputs are written as the seeds show.
#include <regex>

#include <catch2/catch.hpp>

#include "support.h"

using namespace bpfsc::test;
namespace uapi = bpfsc::uapi;

namespace {

// "name=value" pieces of a strace attr, with group wrappers (info={...})
// removed and addresses replaced by ADDR.
std::vector<std::string> fields_of(const std::string& line) {
    const std::size_t open = line.find('{');
    const std::size_t close = line.rfind('}');
    std::string body = line.substr(open + 1, close - open - 1);
    body = std::regex_replace(body, std::regex("0x[0-9a-f]{5,}"), "ADDR");
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= body.size()) {
        std::size_t next = body.find(", ", at);
        if (next == std::string::npos) next = body.size();
        std::string piece = body.substr(at, next - at);
        for (std::smatch m; std::regex_search(piece, m, std::regex("^[a-z_]+=\\{"));) piece = m.suffix();
        while (!piece.empty() && piece.back() == '}') piece.pop_back();
        out.push_back(piece);
        at = next + 2;
    }
    return out;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

void check_same_fields(const std::string& strace_line, const std::string& ours_text) {
    const std::string ours = first_line(ours_text);
    INFO("strace: " << strace_line);
    INFO("ours:   " << ours);
    const auto theirs = fields_of(strace_line);
    const auto mine = fields_of(ours);
    std::size_t j = 0;
    for (const std::string& f : theirs) {
        while (j < mine.size() && mine[j] != f) ++j;
        CHECK(j < mine.size());  // strace's field, with its value, is in our line, in order
        if (j == mine.size()) { UNSCOPED_INFO("missing: " << f); break; }
    }
    // The command, the size argument and the result are strace's too.
    const auto head = [](const std::string& s) { return s.substr(0, s.find(',')); };
    const auto tail = [](const std::string& s) { return s.substr(s.rfind("}, ") + 3); };
    CHECK(head(ours) == head(strace_line));
    CHECK(tail(ours) == tail(strace_line));
}

// A kernel that writes a u32 at `offset` of the attr and returns `ret`.
Kernel writes_u32(uint32_t offset, uint32_t value, int64_t ret) {
    return [=](std::byte* attr, uint32_t) {
        std::memcpy(attr + offset, &value, 4);
        return ret;
    };
}

} // namespace

TEST_CASE("seed 000: bpftool map dump name config", "[seeds]") {
    GuardedPage page;
    uapi::get_id_attr id{};
    std::byte* attr = page.place(&id, 12);
    check_same_fields("bpf(BPF_MAP_GET_NEXT_ID, {start_id=0, next_id=0 => 14, open_flags=0}, 12) = 0",
                      run_call(uapi::BPF_MAP_GET_NEXT_ID, attr, 12, writes_u32(4, 14, 0)).text);
    id.start_id = 19;
    attr = page.place(&id, 12);
    check_same_fields("bpf(BPF_MAP_GET_NEXT_ID, {start_id=19, next_id=0, open_flags=0}, 12) = -1 ENOENT (No such "
                      "file or directory)",
                      run_call(uapi::BPF_MAP_GET_NEXT_ID, attr, 12, returns(-ENOENT)).text);
    id.map_id = 14;
    attr = page.place(&id, 12);
    check_same_fields("bpf(BPF_MAP_GET_FD_BY_ID, {map_id=14, next_id=0, open_flags=0}, 12) = 3",
                      run_call(uapi::BPF_MAP_GET_FD_BY_ID, attr, 12, returns(3)).text);

    std::array<std::byte, 88> info_buf{};
    uapi::info_attr info{};
    info.bpf_fd = 3;
    info.info_len = 88;
    info.info = u64_of(info_buf.data());
    attr = page.place(&info, 16);
    check_same_fields("bpf(BPF_OBJ_GET_INFO_BY_FD, {info={bpf_fd=3, info_len=88, info=0xffffdc8e0f00}}, 16) = 0",
                      run_call(uapi::BPF_OBJ_GET_INFO_BY_FD, attr, 16, returns(0)).text);

    uapi::get_id_attr btf{};
    btf.btf_id = 97;
    attr = page.place(&btf, 12);
    check_same_fields("bpf(BPF_BTF_GET_FD_BY_ID, {btf_id=97}, 12) = 5",
                      run_call(uapi::BPF_BTF_GET_FD_BY_ID, attr, 12, returns(5)).text);

    std::array<std::byte, 8> key{}, value{};
    uapi::map_elem_attr elem{};
    elem.map_fd = 3;
    elem.next_key = u64_of(key.data());
    attr = page.place(&elem, 24);
    check_same_fields("bpf(BPF_MAP_GET_NEXT_KEY, {map_fd=3, key=NULL, next_key=0xac04b96746f0}, 24) = 0",
                      run_call(uapi::BPF_MAP_GET_NEXT_KEY, attr, 24, returns(0)).text);
    elem.key = u64_of(key.data());
    attr = page.place(&elem, 24);
    check_same_fields("bpf(BPF_MAP_GET_NEXT_KEY, {map_fd=3, key=0xac04b96746f0, next_key=0xac04b96746f0}, 24) = -1 "
                      "ENOENT (No such file or directory)",
                      run_call(uapi::BPF_MAP_GET_NEXT_KEY, attr, 24, returns(-ENOENT)).text);
    elem.value = u64_of(value.data());
    attr = page.place(&elem, 32);
    check_same_fields("bpf(BPF_MAP_LOOKUP_ELEM, {map_fd=3, key=0xac04b96746f0, value=0xac04b9674710, flags=BPF_ANY}, "
                      "32) = 0",
                      run_call(uapi::BPF_MAP_LOOKUP_ELEM, attr, 32, returns(0)).text);
}

TEST_CASE("seed 001: info_len written back, open_flags=BPF_F_RDONLY", "[seeds]") {
    GuardedPage page;
    uapi::get_id_attr id{};
    id.map_id = 10;
    id.open_flags = 1u << 3;
    std::byte* attr = page.place(&id, 12);
    check_same_fields("bpf(BPF_MAP_GET_FD_BY_ID, {map_id=10, next_id=0, open_flags=BPF_F_RDONLY}, 12) = 3",
                      run_call(uapi::BPF_MAP_GET_FD_BY_ID, attr, 12, returns(3)).text);
    std::array<std::byte, 104> info_buf{};
    uapi::info_attr info{};
    info.bpf_fd = 3;
    info.info_len = 104;
    info.info = u64_of(info_buf.data());
    attr = page.place(&info, 16);
    check_same_fields("bpf(BPF_OBJ_GET_INFO_BY_FD, {info={bpf_fd=3, info_len=104 => 88, info=0x7ffe12191aa0}}, 16) = 0",
                      run_call(uapi::BPF_OBJ_GET_INFO_BY_FD, attr, 16, writes_u32(4, 88, 0)).text);
}

namespace {
// The BTF blob of seed 002: its first 32 bytes as strace printed them.
std::vector<std::byte> seed_btf(uint32_t size, std::string_view head) {
    std::vector<std::byte> blob(size);
    std::memcpy(blob.data(), head.data(), head.size());
    return blob;
}

uapi::prog_load_attr prog(uint32_t type, uint32_t insn_cnt, const void* insns, const char* license) {
    uapi::prog_load_attr p{};
    p.prog_type = type;
    p.insn_cnt = insn_cnt;
    p.insns = u64_of(insns);
    p.license = u64_of(license);
    return p;
}
} // namespace

TEST_CASE("seed 002: strace -e bpf python3 hello-buffer-config.py", "[seeds]") {
    GuardedPage page;
    static const char gpl[] = "GPL";
    std::array<uint64_t, 47> insns{};

    auto p = prog(1, 2, insns.data(), gpl);
    std::byte* attr = page.place(&p, 116);
    check_same_fields(
        "bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=2, insns=0xffffdc2f4e30, license=\"GPL\", "
        "log_level=0, log_size=0, log_buf=NULL, kern_version=KERNEL_VERSION(0, 0, 0), prog_flags=0, prog_name=\"\", "
        "prog_ifindex=0, expected_attach_type=BPF_CGROUP_INET_INGRESS, prog_btf_fd=0, func_info_rec_size=0, "
        "func_info=NULL, func_info_cnt=0, line_info_rec_size=0, line_info=NULL, line_info_cnt=0, attach_btf_id=0, "
        "attach_prog_fd=0}, 116) = 3",
        run_call(uapi::BPF_PROG_LOAD, attr, 116, returns(3)).text);

    const auto blob = seed_btf(2292, std::string_view("\237\353\1\0\30\0\0\0\0\0\0\0\374\4\0\0\374\4\0\0\340\3\0\0\1\0\0\0"
                                                      "\0\0\0\10", 32));
    uapi::btf_load_attr b{};
    b.btf = u64_of(blob.data());
    b.btf_size = 2292;
    attr = page.place(&b, 40);
    check_same_fields("bpf(BPF_BTF_LOAD, {btf=\"\\237\\353\\1\\0\\30\\0\\0\\0\\0\\0\\0\\0\\374\\4\\0\\0\\374\\4\\0\\0\\340"
                      "\\3\\0\\0\\1\\0\\0\\0\\0\\0\\0\\10\"..., btf_log_buf=NULL, btf_size=2292, btf_log_size=0, "
                      "btf_log_level=0}, 40) = 3",
                      run_call(uapi::BPF_BTF_LOAD, attr, 40, returns(3)).text);

    p = prog(1, 2, insns.data(), gpl);
    std::strcpy(p.prog_name, "libbpf_nametest");
    attr = page.place(&p, 64);
    check_same_fields(
        "bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=2, insns=0xffffdc2f4ae0, license=\"GPL\", "
        "log_level=0, log_size=0, log_buf=NULL, kern_version=KERNEL_VERSION(0, 0, 0), prog_flags=0, "
        "prog_name=\"libbpf_nametest\"}, 64) = 4",
        run_call(uapi::BPF_PROG_LOAD, attr, 64, returns(4)).text);

    uapi::map_create_attr m{};
    m.map_type = 4;
    m.key_size = 4;
    m.value_size = 4;
    m.max_entries = 4;
    std::strcpy(m.map_name, "output");
    attr = page.place(&m, 80);
    check_same_fields("bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_PERF_EVENT_ARRAY, key_size=4, value_size=4, "
                      "max_entries=4, map_flags=0, inner_map_fd=0, map_name=\"output\", map_ifindex=0, btf_fd=0, "
                      "btf_key_type_id=0, btf_value_type_id=0, btf_vmlinux_value_type_id=0, map_extra=0}, 80) = 4",
                      run_call(uapi::BPF_MAP_CREATE, attr, 80, returns(4)).text);

    m = {};
    m.map_type = 1;
    m.key_size = 4;
    m.value_size = 13;
    m.max_entries = 10240;
    std::strcpy(m.map_name, "config");
    m.btf_fd = 3;
    m.btf_key_type_id = 1;
    m.btf_value_type_id = 4;
    attr = page.place(&m, 80);
    check_same_fields("bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_HASH, key_size=4, value_size=13, "
                      "max_entries=10240, map_flags=0, inner_map_fd=0, map_name=\"config\", map_ifindex=0, btf_fd=3, "
                      "btf_key_type_id=1, btf_value_type_id=4, btf_vmlinux_value_type_id=0, map_extra=0}, 80) = 5",
                      run_call(uapi::BPF_MAP_CREATE, attr, 80, returns(5)).text);

    std::array<std::byte, 16> func_info{};
    std::array<std::byte, 320> line_info{};
    p = prog(2, 47, insns.data(), gpl);
    p.kern_version = (6u << 16) | (11u << 8) | 11u;
    std::strcpy(p.prog_name, "hello");
    p.prog_btf_fd = 3;
    p.func_info_rec_size = 8;
    p.func_info = u64_of(func_info.data());
    p.func_info_cnt = 1;
    p.line_info_rec_size = 16;
    p.line_info = u64_of(line_info.data());
    p.line_info_cnt = 20;
    attr = page.place(&p, 148);
    check_same_fields(
        "bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_KPROBE, insn_cnt=47, insns=0xe3dab6b3e000, license=\"GPL\", "
        "log_level=0, log_size=0, log_buf=NULL, kern_version=KERNEL_VERSION(6, 11, 11), prog_flags=0, "
        "prog_name=\"hello\", prog_ifindex=0, expected_attach_type=BPF_CGROUP_INET_INGRESS, prog_btf_fd=3, "
        "func_info_rec_size=8, func_info=0x2ac97f40, func_info_cnt=1, line_info_rec_size=16, line_info=0x2a2ffbf0, "
        "line_info_cnt=20, attach_btf_id=0, attach_prog_fd=0, fd_array=NULL}, 148) = 6",
        run_call(uapi::BPF_PROG_LOAD, attr, 148, returns(6)).text);
}

TEST_CASE("seed 003: strace -e bpf ./hello-buffer-config.py, size 128", "[seeds]") {
    GuardedPage page;
    std::array<std::byte, 16> key{}, value{};
    uapi::map_elem_attr e{};
    e.map_fd = 5;
    e.key = u64_of(key.data());
    e.value = u64_of(value.data());
    std::array<std::byte, 128> raw{};
    std::memcpy(raw.data(), &e, sizeof e);
    std::byte* attr = page.place(raw.data(), 128);
    check_same_fields("bpf(BPF_MAP_UPDATE_ELEM, {map_fd=5, key=0x7f338e5d1a10, value=0x7f33989d2a90, flags=BPF_ANY}, "
                      "128) = 0",
                      run_call(uapi::BPF_MAP_UPDATE_ELEM, attr, 128, returns(0)).text);

    uapi::map_create_attr m{};
    m.map_type = 4;
    m.key_size = 4;
    m.value_size = 4;
    m.max_entries = 24;
    std::strcpy(m.map_name, "output");
    raw = {};
    std::memcpy(raw.data(), &m, sizeof m);
    attr = page.place(raw.data(), 128);
    check_same_fields("bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_PERF_EVENT_ARRAY, key_size=4, value_size=4, "
                      "max_entries=24, map_flags=0, inner_map_fd=0, map_name=\"output\", map_ifindex=0, btf_fd=0, "
                      "btf_key_type_id=0, btf_value_type_id=0, btf_vmlinux_value_type_id=0, map_extra=0}, 128) = 4",
                      run_call(uapi::BPF_MAP_CREATE, attr, 128, returns(4)).text);
}
