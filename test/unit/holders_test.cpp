// What holds BPF objects on the machine (tracer/kernel/holders.h), asked of
// the real kernel: a forked child's fd on a map (with its comm), the map's
// pin on bpffs, a program attached to a test cgroup without a link, and the
// map's and program's ids in the kernel's own lists.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "kernel_objects.h"
#include "support.h"
#include "tracer/kernel/holders.h"

using namespace bpfsc::test;
using bpfsc::model::KernelHolders;
using bpfsc::model::ObjectKind;

namespace {

constexpr uint32_t kHash = 1, kCgroupSkb = 8, kIngress = 0;

uint32_t map_id_of(int fd) {
    uint32_t info[32] = {};  // struct bpf_map_info: type, id, ...
    bpfsc::uapi::info_attr a{};
    a.bpf_fd = uint32_t(fd);
    a.info_len = sizeof info;
    a.info = u64_of(info);
    return real_bpf(bpfsc::uapi::BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a) == 0 ? info[1] : 0;
}

} // namespace

TEST_CASE("holders: another process's fd, a pin, a cgroup attachment", "[holders]") {
    BPFSC_REQUIRE_BPF();
    const std::string pin = fmt::format("/sys/fs/bpf/bpfsc-holders-{}", getpid());
    const Fd map(create_map(kHash, 4, 4, 1));
    REQUIRE(map.fd >= 0);
    bpfsc::uapi::obj_attr p{};
    p.pathname = u64_of(pin.c_str());
    p.bpf_fd = uint32_t(map.fd);
    if (real_bpf(bpfsc::uapi::BPF_OBJ_PIN, &p, sizeof p) != 0) {
        if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL("no bpffs on /sys/fs/bpf");
        WARN("SKIPPED: no bpffs mounted on /sys/fs/bpf (scripts/setup.sh mounts it)");
        return;
    }
    const TestCgroup cg{"holders"};
    REQUIRE(cg.fd >= 0);
    const Fd prog(load_prog(kCgroupSkb));
    REQUIRE(prog.fd >= 0);
    bpfsc::uapi::prog_attach_attr attach{};
    attach.target_fd = uint32_t(cg.fd);
    attach.attach_bpf_fd = uint32_t(prog.fd);
    attach.attach_type = kIngress;
    REQUIRE(real_bpf(bpfsc::uapi::BPF_PROG_ATTACH, &attach, sizeof attach) == 0);

    // A child that keeps its inherited fd on the map until told to go.
    int go[2];
    REQUIRE(pipe(go) == 0);
    const pid_t child = fork();
    if (child == 0) {
        close(go[1]);
        char c;
        (void)!read(go[0], &c, 1);
        _exit(0);
    }
    close(go[0]);

    const KernelHolders h = bpfsc::tracer::gather_holders(getpid());
    const uint32_t map_id = map_id_of(map.fd);
    const uint32_t prog_id = prog_id_of(prog.fd);
    close(go[1]);
    waitpid(child, nullptr, 0);
    unlink(pin.c_str());

    CHECK(h.gathered);
    CHECK(h.searched.size() >= 4);
    const auto* fds = KernelHolders::find(h.fds, ObjectKind::Map, map_id);
    REQUIRE(fds != nullptr);
    bool childs = false, own = false;
    for (const KernelHolders::ProcessFd& f : *fds) {
        childs |= f.pid == child && f.fd == map.fd && !f.comm.empty();
        own |= f.pid == getpid();
    }
    CHECK(childs);
    CHECK(!own);  // the tracer's own fds hold nothing
    const auto* pins = KernelHolders::find(h.pins, ObjectKind::Map, map_id);
    REQUIRE(pins != nullptr);
    CHECK((*pins)[0] == pin);
    const auto at = h.attached.find(prog_id);
    REQUIRE(at != h.attached.end());
    CHECK(at->second[0] == fmt::format("attached to {} at BPF_CGROUP_INET_INGRESS", cg.path));
    CHECK(h.facts.count({ObjectKind::Prog, prog_id}) == 1);
}
