// The check that every bpf() command number of Linux 6.18 (0..37) has
// test cases: each command's test file registers what it covers.
#include <catch2/catch.hpp>

#include "support.h"

using namespace bpfsc::test;

TEST_CASE("every command number 0..37 has test cases", "[coverage]") {
    for (uint32_t cmd = 0; cmd < bpfsc::uapi::BPF_CMD_COUNT; ++cmd) {
        INFO("command " << cmd << " " << bpfsc::decoder::xlat::bpf_cmd.name_of(cmd));
        CHECK(covered_commands().count(cmd) == 1);
        CHECK(bpfsc::decoder::find_command(cmd) != nullptr);
    }
    CHECK(bpfsc::decoder::find_command(bpfsc::uapi::BPF_CMD_COUNT) == nullptr);
}
