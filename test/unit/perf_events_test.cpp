// What perf_event_open's line and label say (tracer/perf_events.h): a
// tracepoint by its tracefs name, a perf buffer's bpf-output event by CPU,
// a uprobe by file and offset, flags by name; an unreadable attr by address.
#include <linux/perf_event.h>

#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "support.h"
#include "tracer/session/perf_events.h"

using bpfsc::tracer::PerfEvents;
using namespace bpfsc::test;

namespace {

// The id tracefs gives syscalls:sys_enter_execve, 0 without tracefs.
uint64_t execve_tracepoint_id() {
    for (const char* root : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
        std::ifstream in(std::string(root) + "/events/syscalls/sys_enter_execve/id");
        uint64_t id = 0;
        if (in >> id) return id;
    }
    return 0;
}

struct Described {
    std::string args;   // the arguments as the text line shows them
    std::string json;   // the record's JSON line
    std::string label;
};

// perf_event_open(attr, pid, cpu, group_fd, flags) described, and printed
// as the tracer prints the call (with a result of 7).
Described describe(PerfEvents& events, bpfsc::decoder::Memory& memory, uint64_t attr, int pid, int cpu, int group_fd,
                   uint64_t flags) {
    using bpfsc::tracer::SyscallArg;
    bpfsc::tracer::FdRef group;
    group.fd = group_fd;
    bpfsc::tracer::PerfEventOpen p = events.describe_open(
        memory, {attr, uint64_t(int64_t(pid)), uint64_t(int64_t(cpu)), uint64_t(int64_t(group_fd)), flags, 0}, group);
    const std::vector<SyscallArg>& args = p.args;
    bpfsc::tracer::SyscallRecord r;
    r.caller = bpfsc::tracer::Caller{1, 1, 1};
    r.seq = 1;
    r.syscall = bpfsc::tracer::Syscall::PerfEventOpen;
    r.args = args;
    r.ret = 7;
    r.returned.fd = 7;
    Described d;
    d.label = p.label;
    {
        CapturedOutput text;
        text.output().syscall(r);
        const std::string line = text.text();
        const std::string head = "perf_event_open(", tail = ") = 7\n";
        REQUIRE(line.starts_with(head));
        REQUIRE(line.ends_with(tail));
        d.args = line.substr(head.size(), line.size() - head.size() - tail.size());
    }
    bpfsc::tracer::Options json_options;
    json_options.format = bpfsc::tracer::Format::Json;
    CapturedOutput json(json_options);
    json.output().syscall(r);
    d.json = json.text();
    CHECK(valid_json(d.json.substr(0, d.json.size() - 1)));
    return d;
}

} // namespace

TEST_CASE("perf_event_open: a tracepoint named from tracefs, flags by name", "[perf_events]") {
    const uint64_t id = execve_tracepoint_id();
    BPFSC_SKIP_UNLESS(id != 0, std::string("tracefs is not mounted (scripts/setup.sh mounts it)"));
    perf_event_attr attr{};
    attr.type = PERF_TYPE_TRACEPOINT;
    attr.size = sizeof attr;
    attr.config = id;
    SelfMemory memory;
    PerfEvents events;
    const auto r = describe(events, memory, u64_of(&attr), -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
    CHECK(r.args == fmt::format("{{type=PERF_TYPE_TRACEPOINT, size={}, config={} /* syscalls:sys_enter_execve */}}, "
                                "-1, 0, -1, PERF_FLAG_FD_CLOEXEC",
                                sizeof attr, id));
    CHECK(r.label == "perf_event:tracepoint:syscalls:sys_enter_execve");
    CHECK(r.json.find(fmt::format("\"args\":{{\"attr\":{{\"addr\":{},\"readable\":true,\"type\":{{\"value\":2,"
                                  "\"name\":\"PERF_TYPE_TRACEPOINT\"}},\"size\":{},\"config\":{{\"value\":{},"
                                  "\"meaning\":\"syscalls:sys_enter_execve\"}}}},\"pid\":-1,\"cpu\":0,\"group_fd\":{{\"fd\":-1}},"
                                  "\"flags\":{{\"value\":8,\"names\":[\"PERF_FLAG_FD_CLOEXEC\"],\"unknown_bits\":0}}}},"
                                  "\"return\":{{\"value\":7,\"fd\":{{\"fd\":7}}}}",
                                  u64_of(&attr), sizeof attr, id)) != std::string::npos);
    // An id tracefs does not have is shown as a number.
    attr.config = ~uint64_t(0) >> 1;
    CHECK(describe(events, memory, u64_of(&attr), 0, -1, -1, 0).label ==
          fmt::format("perf_event:tracepoint:{}", attr.config));
}

TEST_CASE("perf_event_open: a perf buffer's bpf-output events by CPU, other events by kind", "[perf_events]") {
    perf_event_attr attr{};
    attr.type = PERF_TYPE_SOFTWARE;
    attr.size = sizeof attr;
    attr.config = PERF_COUNT_SW_BPF_OUTPUT;
    attr.sample_type = PERF_SAMPLE_RAW;
    attr.wakeup_events = 1;
    SelfMemory memory;
    PerfEvents events;
    const auto r = describe(events, memory, u64_of(&attr), -1, 1, -1, PERF_FLAG_FD_CLOEXEC | 0x100);
    CHECK(r.args == fmt::format("{{type=PERF_TYPE_SOFTWARE, size={}, config=PERF_COUNT_SW_BPF_OUTPUT, "
                                "sample_type=PERF_SAMPLE_RAW, wakeup_events=1}}, -1, 1, -1, PERF_FLAG_FD_CLOEXEC|0x100",
                                sizeof attr));
    CHECK(r.label == "perf_event:bpf-output:cpu1");
    attr.type = PERF_TYPE_HARDWARE;
    attr.config = PERF_COUNT_HW_CPU_CYCLES;
    CHECK(describe(events, memory, u64_of(&attr), 0, -1, -1, 0).label == "perf_event:hardware:0");
    attr.type = 4242;
    CHECK(describe(events, memory, u64_of(&attr), 0, -1, -1, 0).label == "perf_event:type4242:0");
}

TEST_CASE("perf_event_open: an unreadable attr by address", "[perf_events]") {
    SelfMemory memory;
    PerfEvents events;
    const auto r = describe(events, memory, 8, -1, 0, -1, 0);
    CHECK(r.args == "0x8, -1, 0, -1, 0");
    CHECK(r.label == "perf_event");
}

TEST_CASE("perf_event_open: a uprobe by file and offset", "[perf_events]") {
    SelfMemory memory;
    PerfEvents events;
    std::ifstream type_file("/sys/bus/event_source/devices/uprobe/type");
    uint32_t uprobe_type = 0;
    const bool has_uprobes = bool(type_file >> uprobe_type);
    BPFSC_SKIP_UNLESS(has_uprobes, std::string("this kernel has no uprobe PMU"));
    const char path[] = "/usr/bin/true";
    perf_event_attr attr{};
    attr.type = uprobe_type;
    attr.size = sizeof attr;
    attr.config1 = u64_of(path);  // uprobe_path
    attr.config2 = 0x1234;        // probe_offset
    const auto r = describe(events, memory, u64_of(&attr), -1, 0, -1, 0);
    CHECK(r.label == "perf_event:uprobe:/usr/bin/true+0x1234");
    CHECK(r.args == fmt::format("{{type={} /* uprobe */, size={}, config=0, uprobe_path=\"/usr/bin/true\", "
                                "probe_offset=0x1234}}, -1, 0, -1, 0",
                                uprobe_type, sizeof attr));
    attr.config = 1;  // a return probe
    CHECK(describe(events, memory, u64_of(&attr), -1, 0, -1, 0).label ==
          "perf_event:uretprobe:/usr/bin/true+0x1234");
}
