// What holds BPF objects on the machine (tracer/kernel/holders.h), asked of
// the real kernel: a forked child's fd on a map (with its comm), the map's
// pin on bpffs, a program attached to a test cgroup without a link, a tc
// filter in a private network namespace, and the
// map's and program's ids in the kernel's own lists.
#include <sched.h>
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
    CHECK(at->second[0].where == fmt::format("attached to {} at BPF_CGROUP_INET_INGRESS", cg.path));
    CHECK(h.facts.count({ObjectKind::Prog, prog_id}) == 1);
}

TEST_CASE("holders: a tc filter on the clsact ingress hook, in a private network namespace", "[holders]") {
    BPFSC_REQUIRE_BPF();
    if (access("/usr/sbin/tc", X_OK) != 0 && access("/sbin/tc", X_OK) != 0) {
        if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL("no tc (iproute2)");
        WARN("SKIPPED: no tc (iproute2, which scripts/setup.sh installs)");
        return;
    }
    // A sched_cls program tc can take by its pin.
    const uint64_t insns[] = {0xb7, 0x95};  // r0 = 0; exit
    bpfsc::uapi::prog_load_attr load{};
    load.prog_type = 3;                     // BPF_PROG_TYPE_SCHED_CLS
    load.insn_cnt = 2;
    load.insns = u64_of(insns);
    load.license = u64_of("GPL");
    const Fd prog(real_bpf(bpfsc::uapi::BPF_PROG_LOAD, &load, sizeof load));
    REQUIRE(prog.fd >= 0);
    const uint32_t prog_id = prog_id_of(prog.fd);
    const std::string pin = fmt::format("/sys/fs/bpf/bpfsc-holders-tc-{}", getpid());
    bpfsc::uapi::obj_attr p{};
    p.pathname = u64_of(pin.c_str());
    p.bpf_fd = uint32_t(prog.fd);
    REQUIRE(real_bpf(bpfsc::uapi::BPF_OBJ_PIN, &p, sizeof p) == 0);

    // In a child with its own network namespace: the filter on its lo, and
    // what the holders say of the program, back through a pipe.
    int result[2];
    REQUIRE(pipe(result) == 0);
    const pid_t child = fork();
    if (child == 0) {
        close(result[0]);
        std::string said = "no netns";
        if (unshare(CLONE_NEWNET) == 0) {
            const std::string cmd = fmt::format("ip link set lo up && tc qdisc add dev lo clsact && "
                                                "tc filter add dev lo ingress bpf da object-pinned {}", pin);
            said = "tc failed";
            if (std::system(cmd.c_str()) == 0) {
                const KernelHolders h = bpfsc::tracer::gather_holders(getpid());
                const auto at = h.attached.find(prog_id);
                said = at != h.attached.end() ? at->second[0].where : "not found";
            }
        }
        (void)!write(result[1], said.data(), said.size());
        _exit(0);
    }
    close(result[1]);
    char buf[256] = {};
    (void)!read(result[0], buf, sizeof buf - 1);
    close(result[0]);
    waitpid(child, nullptr, 0);
    unlink(pin.c_str());
    CHECK(std::string(buf).starts_with("tc ingress filter on lo"));
}
