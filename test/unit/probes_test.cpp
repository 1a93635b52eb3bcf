// Feature probes (probes/recogniser.h) sent for real, as libbpf, bpftool and
// bpftrace send them (docs/feature-probes.md), decoded as the tracer
// decodes them: each is named with the kernel's answer, a trivial program
// is a probe only when its fd is closed at once or handed to the probe's
// next step, and a program's own calls of the same shapes are not probes.
#include <linux/btf.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include <catch2/catch.hpp>

#include "insn_builder.h"
#include "kernel_objects.h"
#include "probes/recogniser.h"
#include "tracer/session/probe_calls.h"
#include "support.h"

using namespace bpfsc::test;
using bpfsc::probes::Answer;
using bpfsc::probes::Feature;
using bpfsc::probes::Prober;
using bpfsc::probes::Recogniser;
using Held = bpfsc::probes::Recogniser::Held;
namespace uapi = bpfsc::uapi;

namespace {

constexpr uint32_t kSocketFilter = 1, kKprobe = 2, kTracepoint = 5;  // BPF_PROG_TYPE_*
constexpr pid_t kPid = 100, kTid = 100, kOtherTid = 101;

// One call made for real and decoded at entry and exit, as the tracer does.
struct Call {
    bpfsc::decoder::DecodedCall decoded;
    Call(uint32_t cmd, void* attr, uint32_t size) {
        SelfMemory memory;
        FakeResolver resolver;
        bpfsc::decoder::Decoder decoder(memory, &resolver);
        decoder.decode_entry(decoded, cmd, addr_of(attr), size);
        decoder.decode_exit(decoded, real_bpf(cmd, attr, size));
    }
    int fd() const { return int(decoded.ret); }
    ~Call() {
        if (decoded.ret >= 0 && decoded.cmd != uapi::BPF_OBJ_GET_INFO_BY_FD && decoded.cmd != uapi::BPF_PROG_BIND_MAP)
            close(int(decoded.ret));
    }
};

// A BPF_PROG_LOAD of `insns` as libbpf's bpf_prog_load() sends it (attr size 128, libbpf 1.1).
struct Load {
    uapi::prog_load_attr a{};
    std::vector<insn::Insn> insns;
    std::vector<char> log;
    Load(uint32_t type, std::vector<insn::Insn> program, const char* name = "", uint32_t log_level = 0)
        : insns(std::move(program)) {
        a.prog_type = type;
        a.insn_cnt = uint32_t(insns.size());
        a.insns = u64_of(insns.data());
        a.license = u64_of("GPL");
        std::strncpy(a.prog_name, name, sizeof a.prog_name - 1);
        if (log_level != 0) {
            log.assign(4096, '\0');
            a.log_level = log_level;
            a.log_size = uint32_t(log.size());
            a.log_buf = u64_of(log.data());
        }
    }
};

std::vector<insn::Insn> trivial() { return {insn::mov64_imm(0, 0), insn::exit_insn()}; }

// The FEAT_BTF_FLOAT blob: one FLOAT "float" of 4 bytes.
std::vector<uint8_t> float_btf() {
    std::vector<uint8_t> b;
    auto u32 = [&](uint32_t v) {
        for (int i = 0; i < 4; ++i) b.push_back(uint8_t(v >> (8 * i)));
    };
    b.push_back(0x9f), b.push_back(0xeb), b.push_back(1), b.push_back(0);  // magic, version, flags
    u32(24), u32(0), u32(12), u32(12), u32(7);                               // hdr_len, type_off/len, str_off/len
    u32(1), u32(BTF_KIND_FLOAT << 24), u32(4);                               // FLOAT "float", 4 bytes
    for (const char c : std::string_view("\0float\0", 7)) b.push_back(uint8_t(c));
    return b;
}

} // namespace

TEST_CASE("probes: libbpf's memcg probe is named with the kernel's answer", "[probes]") {
    BPFSC_REQUIRE_BPF();
    Recogniser r;
    Load memcg(kSocketFilter, {insn::call_helper(160), insn::exit_insn()});
    Call c(uapi::BPF_PROG_LOAD, &memcg.a, 116);
    REQUIRE(c.fd() >= 0);
    const auto v = r.bpf_call(c.decoded, kPid, kTid);
    REQUIRE(v.probe);
    CHECK(v.probe->feature == Feature::MemcgAccount);
    CHECK(v.probe->answer == Answer::Yes);
    CHECK(!v.hold);
    CHECK(bpfsc::probes::describe(*v.probe).starts_with(
        "libbpf probes whether BPF memory is charged to the memory cgroup: yes"));
    // Its close is the probe cleaning up.
    const auto closed = r.closed(kPid, kTid, c.fd());
    REQUIRE(closed.probe);
    CHECK(closed.probe->answer == Answer::Step);
}

TEST_CASE("probes: a trivial program is a probe when closed at once, else the program's own", "[probes]") {
    BPFSC_REQUIRE_BPF();
    Recogniser r;
    {
        Load memcg(kSocketFilter, {insn::call_helper(160), insn::exit_insn()});
        Call c(uapi::BPF_PROG_LOAD, &memcg.a, 116);
        REQUIRE(r.bpf_call(c.decoded, kPid, kTid).probe);
    }
    Load probe(kSocketFilter, trivial());
    Call loaded(uapi::BPF_PROG_LOAD, &probe.a, 128);
    REQUIRE(loaded.fd() >= 0);
    auto v = r.bpf_call(loaded.decoded, kPid, kTid);
    CHECK(v.hold);
    CHECK(r.holding());
    v = r.closed(kPid, kTid, loaded.fd());
    CHECK(v.held == Held::Probe);
    CHECK(v.held_probe.feature == Feature::ProgLoading);  // right after the memcg probe
    CHECK(v.held_probe.answer == Answer::Yes);

    // The same program kept and used: the next call says it was no probe.
    Load kept(kSocketFilter, trivial());
    Call again(uapi::BPF_PROG_LOAD, &kept.a, 128);
    v = r.bpf_call(again.decoded, kPid, kTid);
    CHECK(v.hold);
    uapi::map_create_attr m{};
    m.map_type = 1, m.key_size = 4, m.value_size = 8, m.max_entries = 16;
    std::strcpy(m.map_name, "config");
    Call map(uapi::BPF_MAP_CREATE, &m, sizeof m);
    v = r.bpf_call(map.decoded, kPid, kTid);
    CHECK(v.held == Held::NotProbe);
    CHECK(!v.probe);
    CHECK(!r.holding());
}

TEST_CASE("probes: another thread's call settles a held call as the program's own", "[probes]") {
    BPFSC_REQUIRE_BPF();
    Recogniser r;
    Load kept(kTracepoint, trivial());
    Call loaded(uapi::BPF_PROG_LOAD, &kept.a, 128);
    REQUIRE(r.bpf_call(loaded.decoded, kPid, kTid).hold);
    CHECK(r.closed(kPid, kOtherTid, 999).held == Held::NotProbe);
}

TEST_CASE("probes: libbpf's perf link probe wants EBADF", "[probes]") {
    BPFSC_REQUIRE_BPF();
    Recogniser r;
    Load prog(kTracepoint, trivial());
    Call loaded(uapi::BPF_PROG_LOAD, &prog.a, 128);
    REQUIRE(loaded.fd() >= 0);
    REQUIRE(r.bpf_call(loaded.decoded, kPid, kTid).hold);
    uapi::link_create_attr l{};
    l.prog_fd = uint32_t(loaded.fd());
    l.target_fd = uint32_t(-1);
    l.attach_type = uapi::BPF_PERF_EVENT;
    Call link(uapi::BPF_LINK_CREATE, &l, 48);
    REQUIRE(link.decoded.ret == -EBADF);
    const auto v = r.bpf_call(link.decoded, kPid, kTid);
    REQUIRE(v.probe);
    CHECK(v.probe->feature == Feature::PerfLink);
    CHECK(v.probe->answer == Answer::Yes);
    CHECK(std::string(v.probe->reason).find("EBADF is the answer it wants") != std::string::npos);
    CHECK(v.held == Held::Probe);
    CHECK(v.held_probe.feature == Feature::PerfLink);
    CHECK(v.held_probe.answer == Answer::Step);
    // The program's close is the probe's too.
    CHECK(r.closed(kPid, kTid, loaded.fd()).probe);
}

TEST_CASE("probes: a BTF kind probe is named by its blob", "[probes]") {
    BPFSC_REQUIRE_BPF();
    Recogniser r;
    std::vector<uint8_t> blob = float_btf();
    uapi::btf_load_attr b{};
    b.btf = u64_of(blob.data());
    b.btf_size = uint32_t(blob.size());
    Call loaded(uapi::BPF_BTF_LOAD, &b, 28);
    REQUIRE(loaded.fd() >= 0);
    REQUIRE(r.bpf_call(loaded.decoded, kPid, kTid).hold);
    const auto v = r.closed(kPid, kTid, loaded.fd());
    CHECK(v.held == Held::Probe);
    CHECK(v.held_probe.feature == Feature::BtfFloat);
    CHECK(bpfsc::probes::describe(v.held_probe) == "libbpf probes whether the kernel supports BTF_KIND_FLOAT: yes");
}

TEST_CASE("probes: helper probes are decided by the verifier's words", "[probes]") {
    BPFSC_REQUIRE_BPF();
    Recogniser r;
    // bpf_map_lookup_elem without a map: the verifier knows the helper and
    // objects to its argument, which libbpf reads as yes.
    Load known(kKprobe, {insn::call_helper(1), insn::exit_insn()}, "", 1);
    Call a(uapi::BPF_PROG_LOAD, &known.a, 128);
    REQUIRE(a.decoded.ret < 0);
    auto v = r.bpf_call(a.decoded, kPid, kTid);
    REQUIRE(v.probe);
    CHECK(v.probe->feature == Feature::Helper);
    CHECK(v.probe->helper == 1);
    CHECK(v.probe->answer == Answer::Yes);
    // A helper id no kernel has: "invalid func".
    Load unknown(kKprobe, {insn::call_helper(100000), insn::exit_insn()}, "", 1);
    Call b(uapi::BPF_PROG_LOAD, &unknown.a, 128);
    v = r.bpf_call(b.decoded, kPid, kTid);
    REQUIRE(v.probe);
    CHECK(v.probe->answer == Answer::No);
    CHECK(bpfsc::probes::describe(*v.probe).starts_with("libbpf probes whether kprobe programs may call helper 100000: no"));
}

TEST_CASE("probes: bpftool's ISA probes, and the prober named once it is known", "[probes]") {
    BPFSC_REQUIRE_BPF();
    Recogniser r;
    Load loop(kSocketFilter, {insn::mov64_imm(0, 10), insn::alu64_imm(0x10, 0, 1), insn::jmp_imm(0x50, 0, 0, -2),
                              insn::exit_insn()});
    Call c(uapi::BPF_PROG_LOAD, &loop.a, 144);
    const auto v = r.bpf_call(c.decoded, kPid, kTid);
    REQUIRE(v.probe);
    CHECK(v.probe->feature == Feature::BoundedLoops);
    CHECK(v.probe->by == Prober::Bpftool);
    CHECK(v.probe->answer == (c.decoded.ret >= 0 ? Answer::Yes : Answer::No));
    // From now on this process's prog-type probes are bpftool's.
    Load type(kKprobe, trivial());
    Call t(uapi::BPF_PROG_LOAD, &type.a, 128);
    REQUIRE(r.bpf_call(t.decoded, kPid, kTid).hold);
    const auto closed = r.closed(kPid, kTid, t.fd());
    CHECK(closed.held == Held::Probe);
    CHECK(closed.held_probe.feature == Feature::ProgType);
    CHECK(closed.held_probe.by == Prober::Bpftool);
    CHECK(closed.held_probe.subject == kKprobe);
}

TEST_CASE("probes: a program's own named program is never a probe", "[probes]") {
    BPFSC_REQUIRE_BPF();
    Recogniser r;
    Load own(kSocketFilter, trivial(), "sockf");
    Call c(uapi::BPF_PROG_LOAD, &own.a, 128);
    const auto v = r.bpf_call(c.decoded, kPid, kTid);
    CHECK(!v.probe);
    CHECK(!v.hold);
}

TEST_CASE("probes: what the review found: common attrs, bpftool's first call, close_range", "[probes]") {
    BPFSC_REQUIRE_BPF();
    // A BPF_COMMON_ATTRS load with a program in it is a load, not the probe.
    {
        Recogniser r;
        Load real(kSocketFilter, trivial(), "withattrs");
        Call c(uapi::BPF_PROG_LOAD | (1u << 16), &real.a, 148);
        CHECK(!r.bpf_call(c.decoded, kPid, kTid).probe);
        uapi::prog_load_attr empty{};
        Call probe(uapi::BPF_PROG_LOAD | (1u << 16), &empty, 148);
        const auto v = r.bpf_call(probe.decoded, kPid, kTid);
        REQUIRE(v.probe);
        CHECK(v.probe->feature == Feature::CommonAttrs);
    }
    // A trivial socket filter as a process's first call is bpftool's
    // memlock probe only in bpftool; elsewhere (a forked libbpf child) a
    // program-type probe.
    for (const bool bpftool : {true, false}) {
        Recogniser r;
        if (bpftool) r.program_is(kPid, Prober::Bpftool);
        Load first(kSocketFilter, trivial());
        Call c(uapi::BPF_PROG_LOAD, &first.a, 144);
        REQUIRE(r.bpf_call(c.decoded, kPid, kTid).hold);
        const auto v = r.closed(kPid, kTid, c.fd());
        CHECK(v.held == Held::Probe);
        CHECK(v.held_probe.feature == (bpftool ? Feature::MemlockRlimit : Feature::ProgType));
    }
    // close_range over a held probe's fd confirms it, and forgets the fds it closed.
    {
        Recogniser r;
        Load memcg(kSocketFilter, {insn::call_helper(160), insn::exit_insn()});
        Call m(uapi::BPF_PROG_LOAD, &memcg.a, 116);
        REQUIRE(r.bpf_call(m.decoded, kPid, kTid).probe);
        Load probe(kSocketFilter, trivial());
        Call c(uapi::BPF_PROG_LOAD, &probe.a, 128);
        REQUIRE(r.bpf_call(c.decoded, kPid, kTid).hold);
        const int low = std::min(m.fd(), c.fd()), high = std::max(m.fd(), c.fd());
        const auto v = r.closed(kPid, kTid, low, high);
        CHECK(v.held == Held::Probe);
        CHECK(v.probe);
        // Those fds are no probe's now: a later close of the same numbers is not one.
        CHECK(!r.closed(kPid, kTid, low, high).probe);
    }
    // A held call whose process is forgotten does not bring the process back.
    {
        Recogniser r;
        Load probe(kTracepoint, trivial());
        Call c(uapi::BPF_PROG_LOAD, &probe.a, 128);
        REQUIRE(r.bpf_call(c.decoded, kPid, kTid).hold);
        r.forget(kPid);
        r.other_event();
        // A new process with that pid starts afresh: its first trivial socket filter is no memlock probe.
        Load again(kSocketFilter, trivial());
        Call d(uapi::BPF_PROG_LOAD, &again.a, 128);
        REQUIRE(r.bpf_call(d.decoded, kPid, kTid).hold);
        CHECK(r.closed(kPid, kTid, d.fd()).held_probe.feature == Feature::ProgType);
    }
}

TEST_CASE("probe calls: a held record survives another thread's in-progress line", "[probes]") {
    BPFSC_REQUIRE_BPF();
    // The session's order: the verdict holds the call, the in-progress
    // lines of other threads are printed (settle), then the record is kept.
    FakeInspector inspector;
    bpfsc::model::FdModel model{inspector};
    CapturedOutput captured;
    std::vector<std::unique_ptr<bpfsc::decoder::DecodedCall>> pool;
    bpfsc::tracer::ProbeCalls calls(captured.output(), model, pool);
    Load kept(kTracepoint, trivial(), "");
    auto decoded = std::make_unique<bpfsc::decoder::DecodedCall>();
    {
        SelfMemory memory;
        FakeResolver resolver;
        bpfsc::decoder::Decoder decoder(memory, &resolver);
        decoder.decode_entry(*decoded, uapi::BPF_PROG_LOAD, addr_of(&kept.a), 128);
        decoder.decode_exit(*decoded, real_bpf(uapi::BPF_PROG_LOAD, &kept.a, 128));
    }
    const Fd prog(decoded->ret);
    const auto verdict = calls.bpf_call(*decoded, kPid, kTid);
    REQUIRE(verdict.hold);
    calls.settle();  // another thread's <unfinished ...> line
    bpfsc::tracer::CallRecord r;
    r.caller = bpfsc::tracer::Caller{kPid, kTid, 1};
    r.seq = 1;
    r.call = decoded.get();
    std::vector<std::string> notes{"the program's own load"};
    r.notes = notes;
    CHECK(calls.record(verdict, r, notes, decoded));
    CHECK(captured.text().empty());
    // The thread's next call is no probe step: the held record is printed as the program's own.
    uapi::map_create_attr m{};
    m.map_type = 1, m.key_size = 4, m.value_size = 8, m.max_entries = 16;
    Call map(uapi::BPF_MAP_CREATE, &m, sizeof m);
    calls.bpf_call(map.decoded, kPid, kTid);
    const std::string text = captured.text();
    CHECK(text.find("bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_TRACEPOINT") != std::string::npos);
    CHECK(text.find("# the program's own load") != std::string::npos);
    CHECK(pool.size() == 1);  // its decoded call given back
}
