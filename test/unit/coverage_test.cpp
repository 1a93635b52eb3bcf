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

TEST_CASE("every typed attr member names a row of a command table", "[coverage]") {
    using bpfsc::decoder::AttrMember;
    for (const AttrMember* m : bpfsc::decoder::all_attr_members()) {
        INFO("member " << m->group << (m->group.empty() ? "" : ".") << m->name << " at offset " << m->offset);
        bool found = false;
        for (const bpfsc::decoder::Command* c : bpfsc::decoder::all_commands())
            for (const bpfsc::decoder::Field& f : c->fields) found = found || m->names(f);
        CHECK(found);
    }
    // A member of another layout does not match: map_batch's map_fd is not map_elem's.
    const auto& elem = bpfsc::decoder::attr::map_elem::map_fd;
    const auto& batch = bpfsc::decoder::attr::map_batch::map_fd;
    for (const bpfsc::decoder::Field& f : bpfsc::decoder::find_command(bpfsc::uapi::BPF_MAP_LOOKUP_BATCH)->fields)
        CHECK_FALSE(elem.names(f));
    bool batch_found = false;
    for (const bpfsc::decoder::Field& f : bpfsc::decoder::find_command(bpfsc::uapi::BPF_MAP_LOOKUP_BATCH)->fields)
        batch_found = batch_found || batch.names(f);
    CHECK(batch_found);
}
