// The disassembler against the kernel: real programs are loaded, their
// xlated instructions fetched with BPF_OBJ_GET_INFO_BY_FD; the text of what
// was loaded must match the text of what the kernel kept wherever the
// kernel does not rewrite, and the text of the xlated instructions must be
// what `bpftool prog dump xlated` prints, line by line.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "disasm/disasm.h"
#include "disasm/summary.h"
#include "insn_builder.h"
#include "kernel_symbols.h"
#include "kernel_objects.h"
#include "support.h"

using namespace bpfsc::decoder::disasm;
using namespace bpfsc::test::insn;
using bpfsc::test::Fd;
using bpfsc::test::real_bpf;
using bpfsc::test::u64_of;
namespace uapi = bpfsc::uapi;

namespace {

constexpr uint32_t kMapHash = 1, kMapArray = 2;
constexpr uint32_t kProgSocketFilter = 1, kProgTracepoint = 5;

int64_t create_map(uint32_t type, uint32_t max_entries = 8) {
    uapi::map_create_attr a{};
    a.map_type = type;
    a.key_size = 4;
    a.value_size = 16;
    a.max_entries = max_entries;
    return real_bpf(uapi::BPF_MAP_CREATE, &a, sizeof a);
}

// The object's id: struct bpf_map_info and bpf_prog_info both start with type, id.
uint32_t id_of(int fd) {
    std::array<uint32_t, 2> info{};
    uapi::info_attr a{};
    a.bpf_fd = uint32_t(fd);
    a.info_len = sizeof info;
    a.info = u64_of(info.data());
    REQUIRE(real_bpf(uapi::BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a) == 0);
    return info[1];
}

// Loads the program (GPL); on failure the test stops with the verifier's log.
int64_t load(uint32_t type, const std::vector<Insn>& insns) {
    static char log[1 << 16];
    log[0] = '\0';
    uapi::prog_load_attr a{};
    a.prog_type = type;
    a.insn_cnt = uint32_t(insns.size());
    a.insns = u64_of(insns.data());
    a.license = u64_of("GPL");
    a.log_level = 1;
    a.log_size = sizeof log;
    a.log_buf = u64_of(log);
    const int64_t fd = real_bpf(uapi::BPF_PROG_LOAD, &a, sizeof a);
    INFO("verifier log:\n" << log);
    REQUIRE(fd >= 0);
    return fd;
}

// struct bpf_prog_info up to xlated_prog_insns (the layout of the uapi).
struct ProgInfoHead {
    uint32_t type, id;
    uint8_t tag[8];
    uint32_t jited_prog_len, xlated_prog_len;
    uint64_t jited_prog_insns, xlated_prog_insns;
};

std::vector<Insn> xlated_of(int prog_fd) {
    ProgInfoHead info{};
    uapi::info_attr a{};
    a.bpf_fd = uint32_t(prog_fd);
    a.info_len = sizeof info;
    a.info = u64_of(&info);
    REQUIRE(real_bpf(uapi::BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a) == 0);
    std::vector<Insn> insns(info.xlated_prog_len / sizeof(Insn));
    REQUIRE(!insns.empty());
    const uint32_t len = info.xlated_prog_len;
    info = ProgInfoHead{};
    info.xlated_prog_len = len;
    info.xlated_prog_insns = u64_of(insns.data());
    a.info_len = sizeof info;
    REQUIRE(real_bpf(uapi::BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a) == 0);
    REQUIRE(info.xlated_prog_len == len);
    return insns;
}

// Maps by fd at load, named by id as the kernel names them in xlated instructions.
class MapIds : public Annotator {
public:
    std::vector<std::pair<int32_t, uint32_t>> fd_to_id;
    bool map_text(const MapRef& ref, fmt::memory_buffer& out) override {
        for (const auto& [fd, id] : fd_to_id) {
            if (ref.kind == MapRefKind::Fd && ref.number == fd) {
                fmt::format_to(fmt::appender(out), "map[id:{}]", id);
                return true;
            }
        }
        return false;
    }
};

// Kernel calls named from /proc/kallsyms as bpftool names them (the
// tracer's own table, decoder/kernel_symbols.h): the symbol at
// __bpf_call_base + imm, else the address in hex.
class Kallsyms : public Annotator {
public:
    Kallsyms() : table_(bpfsc::decoder::KernelSymbols::load()) { REQUIRE(table_ != nullptr); }
    bool kernel_call_name(int32_t imm, fmt::memory_buffer& out) override {
        const std::string_view name = table_->call_target(imm);
        if (!name.empty()) out.append(name);
        else fmt::format_to(fmt::appender(out), "{:#x}", table_->call_address(imm));
        return true;
    }
    // All names at the address this call goes to (a symbol can have aliases).
    std::vector<std::string> names_at(int32_t imm) const {
        std::vector<std::string> names;
        for (const std::string_view name : table_->names_at(table_->call_address(imm))) names.emplace_back(name);
        return names;
    }

private:
    std::unique_ptr<bpfsc::decoder::KernelSymbols> table_;
};

Options opts(Origin origin, Annotator* annotator) {
    Options o;
    o.origin = origin;
    o.annotator = annotator;
    return o;
}

std::string text_of(std::span<const Insn> insns, const Options& options) {
    fmt::memory_buffer out;
    append_disasm(insns, out, options);
    return fmt::to_string(out);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const std::size_t start = line.find_first_not_of(' ');
        if (start != std::string::npos) lines.push_back(line.substr(start));
    }
    return lines;
}

// "call NAME#imm" without "#imm": helper calls carry their id at load and
// an address in xlated instructions.
std::string without_call_imm(std::string line) {
    const std::size_t call = line.find(") call ");
    const std::size_t hash = line.rfind('#');
    if (call != std::string::npos && hash != std::string::npos && hash > call) line.resize(hash);
    return line;
}

void push(std::vector<Insn>& v, std::array<Insn, 2> pair) { v.insert(v.end(), pair.begin(), pair.end()); }

// bpftool's output, or why it cannot run.
bool run_bpftool(uint32_t prog_id, std::string& output) {
    const std::string command = fmt::format("bpftool prog dump xlated id {} 2>&1", prog_id);
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return false;
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
    return pclose(pipe) == 0;
}

bool have_bpftool() { return system("command -v bpftool >/dev/null 2>&1") == 0; }

// Our text of the program's xlated instructions and bpftool's agree line
// by line; bpftool alone adds "#<symbol>" to calls of bpf functions.
void check_against_bpftool(int prog_fd) {
    if (!have_bpftool()) {
        if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL("CI=true and bpftool is missing");
        WARN("SKIPPED: bpftool is not installed (scripts/setup.sh installs it)");
        return;
    }
    Kallsyms kallsyms;
    const std::vector<Insn> xlated = xlated_of(prog_fd);
    const std::string ours = text_of(xlated, opts(Origin::Xlated, &kallsyms));
    std::string theirs;
    REQUIRE(run_bpftool(id_of(prog_fd), theirs));
    const std::vector<std::string> our_lines = lines_of(ours), their_lines = lines_of(theirs);
    INFO("ours:\n" << ours << "bpftool:\n" << theirs);
    REQUIRE(our_lines.size() == their_lines.size());
    for (std::size_t i = 0; i < our_lines.size(); ++i) {
        std::string their = their_lines[i];
        const std::size_t pc = their.find(") call pc");
        if (pc != std::string::npos && their.find('#', pc) != std::string::npos) their.resize(their.find('#', pc));
        if (our_lines[i] == their) continue;
        // Where several symbols share an address, bpftool may pick another alias.
        const std::size_t index = std::size_t(std::stoul(our_lines[i]));
        const std::vector<std::string> aliases = kallsyms.names_at(xlated[index].imm);
        const bool alias = std::any_of(aliases.begin(), aliases.end(), [&](const std::string& name) {
            return without_call_imm(their).ends_with(") call " + name);
        });
        INFO("line " << i);
        CHECK(alias);
    }
}

} // namespace

TEST_CASE("what was loaded and what the kernel kept disassemble alike where the kernel does not rewrite",
          "[disasm_kernel]") {
    BPFSC_REQUIRE_BPF();
    // The address of a value in the instructions needs an array of one element.
    const Fd hash(create_map(kMapHash)), array(create_map(kMapArray, 1));
    REQUIRE(hash.fd >= 0);
    REQUIRE(array.fd >= 0);

    std::vector<Insn> prog = {
        mov64_reg(6, 1),                  // 0
        call_helper(14),                  // 1 bpf_get_current_pid_tgid
        mov64_reg(7, 0),                  // 2
        alu64_imm(0x70, 7, 32),           // 3 r7 >>= 32
        alu32_reg(0xb0, 8, 7),            // 4 w8 = w7
        alu32_imm(0x00, 8, 7),            // 5 w8 += 7
        alu32_imm(0x30, 8, 3, 1),         // 6 w8 s/= 3
        alu64_imm(0x90, 8, 5, 1),         // 7 r8 s%= 5
        alu64_reg(0xb0, 9, 7, 16),        // 8 r9 = (s16)r7
        alu32_reg(0xb0, 9, 8, 8),         // 9 w9 = (s8)w8
        raw(0xd7, 9, 0, 0, 32),           // 10 r9 = bswap32 r9
        raw(0xdc, 9, 0, 0, 16),           // 11 r9 = be16 r9
        raw(0xd4, 9, 0, 0, 64),           // 12 r9 = le64 r9
        stx(DW, 10, 7, -8),               // 13
        st(W, 10, -16, 100),              // 14
        ldxsx(W, 1, 10, -16),             // 15 r1 = *(s32 *)(r10 -16)
    };
    push(prog, ld_imm64(1, 0, 0x55667788, 0x11223344));  // 16
    push(prog, ld_imm64(2, 2, array.fd, 8));             // 18 the array's value, at 8
    for (const Insn& i : {
             stx(DW, 2, 1, 0),                 // 20
             atomic(DW, 2, 7, 0, 0x00),        // 21 lock add
             mov64_imm(3, 1),                  // 22
             atomic(DW, 2, 3, 0, 0x01),        // 23 fetch_add
             atomic(DW, 4, 2, 0, 0x100),       // 24 load_acquire
             atomic(DW, 2, 4, 0, 0x110),       // 25 store_release
         })
        prog.push_back(i);
    push(prog, ld_imm64(5, 1, hash.fd));                 // 26 the hash map
    for (const Insn& i : {
             call_helper(5),                   // 28 bpf_ktime_get_ns
             jmp_imm(0x10, 0, 0, 3),           // 29 if r0 == 0x0 goto 33
             jmp32_reg(0x60, 0, 7, 1),         // 30 if w0 s> w7 goto 32
             raw(0x06, 0, 0, 0, 1),            // 31 gotol 33
             mov64_imm(0, 0),                  // 32
             jmp_reg(0x20, 0, 7, 1),           // 33 if r0 > r7 goto 35
             alu64_imm(0x80, 0, 0),            // 34 r0 = -r0
             call_subprog(2),                  // 35 call 38
             alu64_imm(0x50, 0, 1),            // 36
             exit_insn(),                      // 37
             mov64_imm(0, 1),                  // 38 the subprogram
             exit_insn(),                      // 39
         })
        prog.push_back(i);

    const Fd fd(load(kProgTracepoint, prog));
    const std::vector<Insn> xlated = xlated_of(fd.fd);
    REQUIRE(xlated.size() == prog.size());

    MapIds ids;
    ids.fd_to_id = {{hash.fd, id_of(hash.fd)}, {array.fd, id_of(array.fd)}};
    Kallsyms kallsyms;
    const std::string loaded = text_of(prog, opts(Origin::Load, &ids));
    const std::string kept = text_of(xlated, opts(Origin::Xlated, &kallsyms));
    INFO("loaded:\n" << loaded << "xlated:\n" << kept);
    CHECK(loaded.find("  18: (18) r2 = map[id:" + std::to_string(id_of(array.fd)) + "][0]+8\n") != std::string::npos);
    CHECK(loaded.find("  24: (db) r4 = load_acquire((u64 *)(r2 +0))\n") != std::string::npos);
    const std::vector<std::string> a = lines_of(loaded), b = lines_of(kept);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        INFO("line " << i);
        CHECK(without_call_imm(a[i]) == without_call_imm(b[i]));
    }

    const InsnSummary at_load = summarize(prog);
    const InsnSummary in_kernel = summarize(xlated, Origin::Xlated);
    CHECK(std::vector<uint8_t>(at_load.helpers().begin(), at_load.helpers().end()) == std::vector<uint8_t>{14, 5});
    REQUIRE(in_kernel.maps().size() == 2);
    CHECK(uint32_t(in_kernel.maps()[0].number) == id_of(array.fd));
    CHECK(in_kernel.maps()[0].value);
    CHECK(uint32_t(in_kernel.maps()[1].number) == id_of(hash.fd));
    CHECK(in_kernel.subprogram_calls == 1);
}

TEST_CASE("a socket filter's xlated instructions read as bpftool prints them", "[disasm_kernel]") {
    BPFSC_REQUIRE_BPF();
    const Fd hash(create_map(kMapHash)), array(create_map(kMapArray));
    REQUIRE(hash.fd >= 0);
    REQUIRE(array.fd >= 0);
    std::vector<Insn> prog = {
        mov64_reg(6, 1),            // 0
        raw(0x28, 0, 0, 0, 12),     // 1 r0 = *(u16 *)skb[12]
        mov64_reg(7, 0),            // 2
        mov64_imm(8, 14),           // 3
        raw(0x50, 0, 8, 0, 9),      // 4 r0 = *(u8 *)skb[r8 + 9]
        alu32_reg(0x00, 7, 0),      // 5 w7 += w0
        stx(W, 10, 7, -4),          // 6
    };
    push(prog, ld_imm64(1, 1, hash.fd));  // 7
    for (const Insn& i : {
             mov64_reg(2, 10),            // 9
             alu64_imm(0x00, 2, -4),      // 10
             call_helper(1),              // 11 bpf_map_lookup_elem (inlined for a hash)
             jmp_imm(0x10, 0, 0, 2),      // 12 if r0 == 0x0 goto 15
             atomic(DW, 0, 7, 0, 0x00),   // 13 lock *(u64 *)(r0 +0) += r7
             ja(9),                       // 14 goto 24
             stx(DW, 10, 7, -16),         // 15
         })
        prog.push_back(i);
    push(prog, ld_imm64(1, 1, hash.fd));  // 16
    for (const Insn& i : {
             mov64_reg(2, 10),            // 18
             alu64_imm(0x00, 2, -4),      // 19
             mov64_reg(3, 10),            // 20
             alu64_imm(0x00, 3, -16),     // 21
             mov64_imm(4, 0),             // 22
             call_helper(2),              // 23 bpf_map_update_elem
         })
        prog.push_back(i);
    push(prog, ld_imm64(1, 1, array.fd));  // 24
    for (const Insn& i : {
             mov64_reg(2, 10),            // 26
             alu64_imm(0x00, 2, -4),      // 27
             call_helper(1),              // 28 bpf_map_lookup_elem (inlined for an array)
             jmp32_imm(0x20, 7, 5, 1),    // 29 if w7 > 0x5 goto 31
             alu64_imm(0x60, 7, 2),       // 30
             mov64_imm(0, 0),             // 31
             exit_insn(),                 // 32
         })
        prog.push_back(i);
    const Fd fd(load(kProgSocketFilter, prog));
    check_against_bpftool(fd.fd);
}

TEST_CASE("a tracepoint program with a bpf function reads as bpftool prints it", "[disasm_kernel]") {
    BPFSC_REQUIRE_BPF();
    const std::vector<Insn> prog = {
        call_helper(14),            // 0 bpf_get_current_pid_tgid
        mov64_reg(6, 0),            // 1
        call_subprog(4),            // 2 call 7
        alu64_reg(0x00, 0, 6),      // 3
        jmp32_reg(0x50, 0, 6, 1),   // 4 if w0 != w6 goto 6
        alu64_imm(0x50, 0, 1),      // 5
        exit_insn(),                // 6
        call_helper(5),             // 7 the function: bpf_ktime_get_ns
        alu64_imm(0x20, 0, 3),      // 8
        exit_insn(),                // 9
    };
    const Fd fd(load(kProgTracepoint, prog));
    check_against_bpftool(fd.fd);
}
