// The one-line summary of a program's instructions: count, helpers in
// order of first use, distinct maps, kfunc and subprogram calls, fed whole
// or a span at a time.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "disasm/summary.h"
#include "insn_builder.h"

using namespace bpfsc::decoder::disasm;
using namespace bpfsc::test::insn;

namespace {

std::string summary_line(const InsnSummary& s) {
    fmt::memory_buffer out;
    append_summary(s, out);
    return fmt::to_string(out);
}

void push(std::vector<Insn>& v, std::array<Insn, 2> pair) { v.insert(v.end(), pair.begin(), pair.end()); }

// hello-buffer-config's shape: pid, a config lookup by uid, a perf event output.
std::vector<Insn> sample_program() {
    std::vector<Insn> p;
    p.push_back(mov64_reg(6, 1));                   // 0
    p.push_back(call_helper(14));                   // 1 bpf_get_current_pid_tgid
    p.push_back(call_helper(15));                   // 2 bpf_get_current_uid_gid
    push(p, ld_imm64(1, 1, 5));                     // 3 map fd 5
    p.push_back(call_helper(1));                    // 5 bpf_map_lookup_elem
    push(p, ld_imm64(1, 2, 5, 16));                 // 6 fd 5 again, as a value: the same map
    push(p, ld_imm64(2, 6, 3, 24));                 // 8 fd_array[3] value
    p.push_back(call_helper(14));                   // 10 again: listed once
    push(p, ld_imm64(1, 1, 4));                     // 11 map fd 4
    p.push_back(call_helper(25));                   // 13 bpf_perf_event_output
    p.push_back(call_subprog(3));                   // 14
    p.push_back(call_kfunc(777));                   // 15
    p.push_back(call_helper(999));                  // 16 unknown
    push(p, ld_imm64(2, 4, 2));                     // 17 a callback
    p.push_back(call_helper(12));                   // 19 bpf_tail_call
    p.push_back(exit_insn());                       // 20
    return p;
}

} // namespace

TEST_CASE("summary: helpers in first-use order, each map once, calls counted", "[disasm_summary]") {
    const std::vector<Insn> prog = sample_program();
    const InsnSummary s = summarize(prog);
    CHECK(s.insn_slots() == 21);
    CHECK(std::vector<uint8_t>(s.helpers().begin(), s.helpers().end()) == std::vector<uint8_t>{14, 15, 1, 25, 12});
    CHECK(s.has_tail_call());
    CHECK(s.kfunc_calls == 1);
    CHECK(s.subprogram_calls == 1);
    CHECK(s.subprogram_refs == 1);
    CHECK(s.unknown_helper_calls == 1);
    REQUIRE(s.maps().size() == 3);
    CHECK(s.maps()[0].kind == MapRefKind::Fd);
    CHECK(s.maps()[0].number == 5);
    CHECK(s.maps()[0].insn == 3);
    CHECK(s.maps()[0].src_reg == 1);
    CHECK_FALSE(s.maps()[0].value);
    CHECK(s.maps()[1].kind == MapRefKind::Index);
    CHECK(s.maps()[1].number == 3);
    CHECK(s.maps()[1].insn == 8);
    CHECK(s.maps()[1].value);
    CHECK(s.maps()[1].value_off == 24);
    CHECK(s.maps()[2].number == 4);
    CHECK(s.maps()[2].insn == 11);
    CHECK_FALSE(s.maps_overflow());
    CHECK(summary_line(s) ==
          "21 insns; helpers: bpf_get_current_pid_tgid, bpf_get_current_uid_gid, bpf_map_lookup_elem, "
          "bpf_perf_event_output, bpf_tail_call; maps: 3; kfunc calls: 1; subprogram calls: 1; "
          "unknown helper calls: 1");
}

TEST_CASE("summary: spans may split an ld_imm64; the result is the same", "[disasm_summary]") {
    const std::vector<Insn> prog = sample_program();
    const std::string whole = summary_line(summarize(prog));
    for (std::size_t cut = 0; cut <= prog.size(); ++cut) {
        InsnSummary s;
        s.add(std::span(prog).first(cut));
        s.add(std::span(prog).subspan(cut));
        INFO("cut at " << cut);
        CHECK(summary_line(s) == whole);
        REQUIRE(s.maps().size() == 3);
        CHECK(s.maps()[1].value_off == 24);
    }
    // Slot by slot: the second slot of an ld_imm64 whose code is 0x18 is not an ld_imm64.
    InsnSummary s;
    const std::vector<Insn> tricky = {raw(0x18, 1, 1, 0, 5), raw(0x18, 0, 0, 0, 0), raw(0x18, 1, 1, 0, 6),
                                      raw(0, 0, 0, 0, 0)};
    for (const Insn& i : tricky) s.add(std::span(&i, 1));
    REQUIRE(s.maps().size() == 2);
    CHECK(s.maps()[0].number == 5);
    CHECK(s.maps()[1].number == 6);
    CHECK(s.maps()[1].insn == 2);
}

TEST_CASE("summary: xlated maps are ids; a tiny program; more maps than the kernel allows", "[disasm_summary]") {
    std::vector<Insn> prog;
    push(prog, ld_imm64(1, 1, 13));
    push(prog, ld_imm64(1, 2, 13, 8));
    prog.push_back(exit_insn());
    const InsnSummary xlated = summarize(prog, Origin::Xlated);
    REQUIRE(xlated.maps().size() == 1);
    CHECK(xlated.maps()[0].kind == MapRefKind::Id);
    CHECK(summary_line(xlated) == "5 insns; maps: 1");

    const Insn one = exit_insn();
    CHECK(summary_line(summarize(std::span(&one, 1))) == "1 insn");
    CHECK(summary_line(summarize({})) == "0 insns");

    std::vector<Insn> many;
    for (int fd = 0; fd < 70; ++fd) push(many, ld_imm64(1, 1, fd));
    const InsnSummary s = summarize(many);
    CHECK(s.maps().size() == InsnSummary::kMaxMaps);
    CHECK(s.maps_overflow());
    CHECK(summary_line(s) == "140 insns; maps: 64+");
}

namespace {
// Names xlated calls by offset, as the tracer does from /proc/kallsyms.
class FakeSymbols : public Annotator {
public:
    bool kernel_call_name(int32_t imm, fmt::memory_buffer& out) override {
        if (imm == 330864) out.append(std::string_view("__htab_map_lookup_elem"));
        else if (imm == -123528) out.append(std::string_view("bpf_perf_event_output_tp"));
        else return false;
        return true;
    }
};
} // namespace

TEST_CASE("summary: xlated calls are kernel functions, named each once in first-call order", "[disasm_summary]") {
    std::vector<Insn> prog;
    prog.push_back(call_helper(330864));
    prog.push_back(call_kfunc(-123528));  // a kfunc, turned into an address too
    prog.push_back(call_helper(330864));  // again: named once
    prog.push_back(call_helper(4242));    // no symbol there
    prog.push_back(call_subprog(1));
    prog.push_back(exit_insn());
    const InsnSummary s = summarize(prog, Origin::Xlated);
    CHECK(s.helpers().empty());
    CHECK(s.unknown_helper_calls == 0);
    CHECK(s.kfunc_calls == 0);
    REQUIRE(s.kernel_calls().size() == 3);
    FakeSymbols names;
    fmt::memory_buffer out;
    append_summary(s, out, &names);
    CHECK(fmt::to_string(out) ==
          "6 insns; calls: __htab_map_lookup_elem, bpf_perf_event_output_tp, unknown#4242; subprogram calls: 1");
    // Without names, only their number.
    CHECK(summary_line(s) == "6 insns; kernel function calls: 3; subprogram calls: 1");

    std::vector<Insn> many;
    for (int32_t imm = 1000; imm < 1000 + 40; ++imm) many.push_back(call_helper(imm));
    const InsnSummary m = summarize(many, Origin::Xlated);
    CHECK(m.kernel_calls().size() == InsnSummary::kMaxKernelCalls);
    CHECK(m.kernel_calls_left_out == 40 - InsnSummary::kMaxKernelCalls);
    CHECK(summary_line(m) == "40 insns; kernel function calls: 32+");
}

TEST_CASE("libbpf's marks over unfinished instructions are named, not unknown helpers", "[disasm]") {
    std::vector<Insn> p;
    p.push_back(mov64_reg(6, 1));                   // 0
    p.push_back(call_helper(0xbad2310));            // 1 a CO-RE relocation libbpf could not apply
    p.push_back(call_helper(2001000000 + 2));       // 2 map #2 of the object, not created
    p.push_back(call_helper(2002000000 + 1));       // 3 kfunc extern #1, not found
    p.push_back(exit_insn());                       // 4
    const InsnSummary s = summarize(p);
    CHECK(s.unknown_helper_calls == 0);
    CHECK(s.libbpf_marks == 3);
    CHECK(summary_line(s) == "5 insns; insn 1: libbpf: a CO-RE relocation failed here (the kernel's BTF has no field "
                             "or type that matches) (and 2 more such marks)");

    fmt::memory_buffer listing;
    append_disasm(p, listing, Options{});
    const std::string text = fmt::to_string(listing);
    CHECK(text.find("call unknown#195896080 /* libbpf: a CO-RE relocation failed here") != std::string::npos);
    CHECK(text.find("call unknown#2001000002 /* libbpf: map #2 of the object was not created */") != std::string::npos);
    CHECK(text.find("call unknown#2002000001 /* libbpf: kfunc extern #1 of the object was not found in the kernel */") !=
          std::string::npos);
}
