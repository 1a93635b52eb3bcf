// Maps named by a program's instructions: ld_imm64 with BPF_PSEUDO_MAP_FD or
// BPF_PSEUDO_MAP_VALUE carries an fd; BPF_PSEUDO_MAP_IDX(_VALUE) an index
// into fd_array. Each map is listed once with its label and first insn.
#include <catch2/catch.hpp>

#include "support.h"

using namespace bpfsc::test;
namespace uapi = bpfsc::uapi;

namespace {

class LabellingResolver : public FakeResolver {
public:
    std::map<int32_t, std::string> labels;
    void fd_label(int32_t fd, std::pmr::string& out) override {
        const auto it = labels.find(fd);
        if (it != labels.end()) out.assign(it->second.data(), it->second.size());
    }
};

uapi::bpf_insn_raw insn(uint8_t code, uint8_t dst, uint8_t src, int32_t imm) {
    return uapi::bpf_insn_raw{code, uint8_t(dst | (src << 4)), 0, imm};
}

} // namespace

TEST_CASE("BPF_PROG_LOAD lists the maps its instructions name, with their labels", "[insn_maps]") {
    LabellingResolver resolver;
    resolver.labels[7] = "map#12:perf_event_array:output";
    resolver.labels[9] = "map#13:hash:config";
    const uapi::bpf_insn_raw prog[] = {
        insn(0xb7, 0, 0, 0),   // r0 = 0
        insn(0x18, 1, 1, 9),   // r1 = map fd 9 (BPF_PSEUDO_MAP_FD)
        insn(0x00, 0, 0, 0),
        insn(0x18, 2, 2, 7),   // r2 = map value of fd 7 (BPF_PSEUDO_MAP_VALUE)
        insn(0x00, 0, 0, 0),
        insn(0x18, 3, 1, 9),   // fd 9 again: listed once
        insn(0x00, 0, 0, 0),
        insn(0x18, 4, 0, 42),  // a plain 64-bit constant: not a map
        insn(0x00, 0, 0, 0),
        insn(0x95, 0, 0, 0),   // exit
    };
    static const char gpl[] = "GPL";
    uapi::prog_load_attr a{};
    a.prog_type = 1;
    a.insn_cnt = sizeof prog / sizeof prog[0];
    a.insns = u64_of(prog);
    a.license = u64_of(gpl);
    GuardedPage page;
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(uapi::BPF_PROG_LOAD, attr, sizeof a, returns(-EINVAL), &resolver);
    CHECK(r.text.find("\n  maps in the instructions: 9<map#13:hash:config> (insn 1) "
                      "7<map#12:perf_event_array:output> (insn 3)\n") != std::string::npos);
    CHECK(r.json.find("\"insn_maps\":[{\"insn\":1,\"fd\":{\"fd\":9,\"label\":\"map#13:hash:config\",\"kind\":\"map\","
                      "\"id\":13,\"type\":\"hash\",\"name\":\"config\"}},{\"insn\":3,\"fd\":{\"fd\":7,\"label\":"
                      "\"map#12:perf_event_array:output\",\"kind\":\"map\",\"id\":12,\"type\":\"perf_event_array\","
                      "\"name\":\"output\"}}]") != std::string::npos);
}

TEST_CASE("BPF_PROG_LOAD map indexes go through fd_array", "[insn_maps]") {
    LabellingResolver resolver;
    resolver.labels[11] = "map#20:array:counts";
    const int32_t fds[] = {10, 11};
    const uapi::bpf_insn_raw prog[] = {
        insn(0x18, 1, 5, 1),   // r1 = fd_array[1] (BPF_PSEUDO_MAP_IDX)
        insn(0x00, 0, 0, 0),
        insn(0x95, 0, 0, 0),
    };
    static const char gpl[] = "GPL";
    uapi::prog_load_attr a{};
    a.prog_type = 1;
    a.insn_cnt = 3;
    a.insns = u64_of(prog);
    a.license = u64_of(gpl);
    a.fd_array = u64_of(fds);
    a.fd_array_cnt = 2;
    GuardedPage page;
    std::byte* attr = page.place(&a, sizeof a);
    const Rendered r = run_call(uapi::BPF_PROG_LOAD, attr, sizeof a, returns(-EINVAL), &resolver);
    CHECK(r.text.find("fd_array=[10, 11<map#20:array:counts>]") != std::string::npos);
    CHECK(r.text.find("\n  maps in the instructions: 11<map#20:array:counts> (insn 0)\n") != std::string::npos);
}

TEST_CASE("BPF_PROG_LOAD with instructions running into the guard page stops there", "[insn_maps]") {
    GuardedPage page;
    const uapi::bpf_insn_raw tail[] = {insn(0x18, 1, 1, 4), insn(0x00, 0, 0, 0)};
    std::byte* at = page.place(tail, sizeof tail);
    LabellingResolver resolver;
    resolver.labels[4] = "map#1:hash:m";
    uapi::prog_load_attr a{};
    a.insn_cnt = 1000;  // claims far more than is mapped
    a.insns = u64_of(at);
    GuardedPage attr_page;
    std::byte* attr = attr_page.place(&a, sizeof a);
    const Rendered r = run_call(uapi::BPF_PROG_LOAD, attr, sizeof a, returns(-EFAULT), &resolver);
    CHECK(r.text.find("maps in the instructions: 4<map#1:hash:m> (insn 0)") != std::string::npos);
}
