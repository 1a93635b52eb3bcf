// Values of fd-holding maps: a program array is written with program fds
// (each shown with its object) and read back as program ids.
#include <unistd.h>

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

int load_socket_filter() {
    const uapi::bpf_insn_raw prog[] = {{0xb7, 0, 0, 0}, {0x95, 0, 0, 0}};  // r0 = 0; exit
    static const char gpl[] = "GPL";
    uapi::prog_load_attr a{};
    a.prog_type = 1;  // BPF_PROG_TYPE_SOCKET_FILTER
    a.insn_cnt = 2;
    a.insns = u64_of(prog);
    a.license = u64_of(gpl);
    return int(real_bpf(uapi::BPF_PROG_LOAD, &a, sizeof a));
}

} // namespace

TEST_CASE("a program array is written with program fds and read back as ids", "[fd_values]") {
    BPFSC_REQUIRE_BPF();
    uapi::map_create_attr m{};
    m.map_type = 3;  // BPF_MAP_TYPE_PROG_ARRAY
    m.key_size = 4;
    m.value_size = 4;
    m.max_entries = 1;
    const int map = int(real_bpf(uapi::BPF_MAP_CREATE, &m, sizeof m));
    REQUIRE(map >= 0);
    const int prog = load_socket_filter();
    REQUIRE(prog >= 0);

    LabellingResolver resolver;
    resolver.maps[map] = MapShape{3, 4, 4, 1, 0};
    resolver.labels[prog] = "prog#99:socket_filter:p";
    uint32_t key = 0;
    int32_t value = prog;
    uapi::map_elem_attr e{};
    e.map_fd = uint32_t(map);
    e.key = u64_of(&key);
    e.value = u64_of(&value);
    GuardedPage page;
    std::byte* attr = page.place(&e, 32);
    const Rendered update = run_call(uapi::BPF_MAP_UPDATE_ELEM, attr, 32, real_kernel(uapi::BPF_MAP_UPDATE_ELEM), &resolver);
    CHECK(update.ret == 0);
    CHECK(update.text.find(fmt::format("\n  value: fd {}<prog#99:socket_filter:p> ({:02x} 00 00 00)\n", prog, prog)) !=
          std::string::npos);
    CHECK(update.json.find("\"fds\":[{\"fd\":4,\"label\":\"prog#99:socket_filter:p\",\"kind\":\"prog\",\"id\":99,"
                             "\"type\":\"socket_filter\",\"name\":\"p\"}]") != std::string::npos);

    value = -1;
    attr = page.place(&e, 32);
    const Rendered lookup = run_call(uapi::BPF_MAP_LOOKUP_ELEM, attr, 32, real_kernel(uapi::BPF_MAP_LOOKUP_ELEM), &resolver);
    if (lookup.ret == 0) {
        // The kernel hands back the program's id, not an fd.
        CHECK(lookup.text.find(fmt::format("\n  value: id {} (", uint32_t(value))) != std::string::npos);
        CHECK(lookup.json.find("\"values_are\":\"ids\"") != std::string::npos);
    } else {
        CHECK(lookup.text.find("  value:") == std::string::npos);  // nothing was written
    }
    close(prog);
    close(map);
}
