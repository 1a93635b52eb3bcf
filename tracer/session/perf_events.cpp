// What a perf event is (see perf_events.h).
#include "tracer/session/perf_events.h"

#include <dirent.h>
#include <linux/perf_event.h>

#include <cctype>
#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "tracer/os/process_memory.h"
#include "tracer/os/tracefs.h"

namespace bpfsc::tracer {

namespace {

// The members of perf_event_attr the line shows (offsets of the uapi, the
// same since the first version of the struct).
struct AttrHead {
    uint32_t type;
    uint32_t size;
    uint64_t config;
    uint64_t sample_period;
    uint64_t sample_type;
    uint64_t read_format;
    uint64_t flags;      // disabled, inherit, ... (bitfields)
    uint32_t wakeup_events;
    uint32_t bp_type;
    uint64_t config1;    // kprobe_func, uprobe_path
    uint64_t config2;    // probe_offset, kprobe_addr
};
static_assert(sizeof(AttrHead) == 72, "PERF_ATTR_SIZE_VER1");

const char* type_name(uint32_t type) {
    switch (type) {
    case PERF_TYPE_HARDWARE: return "PERF_TYPE_HARDWARE";
    case PERF_TYPE_SOFTWARE: return "PERF_TYPE_SOFTWARE";
    case PERF_TYPE_TRACEPOINT: return "PERF_TYPE_TRACEPOINT";
    case PERF_TYPE_HW_CACHE: return "PERF_TYPE_HW_CACHE";
    case PERF_TYPE_RAW: return "PERF_TYPE_RAW";
    case PERF_TYPE_BREAKPOINT: return "PERF_TYPE_BREAKPOINT";
    default: return nullptr;
    }
}

// The uapi's name of a software event: PERF_COUNT_SW_BPF_OUTPUT.
std::string_view software_symbol(uint64_t config) {
    switch (config) {
    case PERF_COUNT_SW_CPU_CLOCK: return "PERF_COUNT_SW_CPU_CLOCK";
    case PERF_COUNT_SW_TASK_CLOCK: return "PERF_COUNT_SW_TASK_CLOCK";
    case PERF_COUNT_SW_PAGE_FAULTS: return "PERF_COUNT_SW_PAGE_FAULTS";
    case PERF_COUNT_SW_CONTEXT_SWITCHES: return "PERF_COUNT_SW_CONTEXT_SWITCHES";
    case PERF_COUNT_SW_CPU_MIGRATIONS: return "PERF_COUNT_SW_CPU_MIGRATIONS";
    case PERF_COUNT_SW_PAGE_FAULTS_MIN: return "PERF_COUNT_SW_PAGE_FAULTS_MIN";
    case PERF_COUNT_SW_PAGE_FAULTS_MAJ: return "PERF_COUNT_SW_PAGE_FAULTS_MAJ";
    case PERF_COUNT_SW_ALIGNMENT_FAULTS: return "PERF_COUNT_SW_ALIGNMENT_FAULTS";
    case PERF_COUNT_SW_EMULATION_FAULTS: return "PERF_COUNT_SW_EMULATION_FAULTS";
    case PERF_COUNT_SW_DUMMY: return "PERF_COUNT_SW_DUMMY";
    case PERF_COUNT_SW_BPF_OUTPUT: return "PERF_COUNT_SW_BPF_OUTPUT";
    default: return {};
    }
}

const char* software_name(uint64_t config) {
    switch (config) {
    case PERF_COUNT_SW_CPU_CLOCK: return "cpu-clock";
    case PERF_COUNT_SW_TASK_CLOCK: return "task-clock";
    case PERF_COUNT_SW_PAGE_FAULTS: return "page-faults";
    case PERF_COUNT_SW_CONTEXT_SWITCHES: return "context-switches";
    case PERF_COUNT_SW_CPU_MIGRATIONS: return "cpu-migrations";
    case PERF_COUNT_SW_PAGE_FAULTS_MIN: return "minor-faults";
    case PERF_COUNT_SW_PAGE_FAULTS_MAJ: return "major-faults";
    case PERF_COUNT_SW_ALIGNMENT_FAULTS: return "alignment-faults";
    case PERF_COUNT_SW_EMULATION_FAULTS: return "emulation-faults";
    case PERF_COUNT_SW_DUMMY: return "dummy";
    case PERF_COUNT_SW_BPF_OUTPUT: return "bpf-output";
    default: return nullptr;
    }
}

SyscallArg open_flags(uint64_t flags) {
    return SyscallArg::flags_of("flags", flags,
                                {{PERF_FLAG_FD_NO_GROUP, "PERF_FLAG_FD_NO_GROUP"},
                                 {PERF_FLAG_FD_OUTPUT, "PERF_FLAG_FD_OUTPUT"},
                                 {PERF_FLAG_PID_CGROUP, "PERF_FLAG_PID_CGROUP"},
                                 {PERF_FLAG_FD_CLOEXEC, "PERF_FLAG_FD_CLOEXEC"}});
}

} // namespace

const std::string* PerfEvents::tracepoint(uint64_t id) {
    if (!tracepoints_read_) {
        tracepoints_read_ = true;
        const std::string root = tracefs_events_dir();
        DIR* systems = root.empty() ? nullptr : opendir(root.c_str());
        while (dirent* system = systems != nullptr ? readdir(systems) : nullptr) {
            if (system->d_name[0] == '.' || (system->d_type != DT_DIR && system->d_type != DT_UNKNOWN)) continue;
            const std::string sdir = root + "/" + system->d_name;
            DIR* events = opendir(sdir.c_str());
            while (dirent* event = events != nullptr ? readdir(events) : nullptr) {
                if (event->d_name[0] == '.' || (event->d_type != DT_DIR && event->d_type != DT_UNKNOWN)) continue;
                std::ifstream in(sdir + "/" + event->d_name + "/id");
                uint64_t n;
                if (in >> n) tracepoints_.emplace(n, std::string(system->d_name) + ":" + event->d_name);
            }
            if (events != nullptr) closedir(events);
        }
        if (systems != nullptr) closedir(systems);
    }
    const auto it = tracepoints_.find(id);
    return it != tracepoints_.end() ? &it->second : nullptr;
}

uint32_t PerfEvents::pmu_type(const char* pmu) {
    const auto it = pmu_types_.find(pmu);
    if (it != pmu_types_.end()) return uint32_t(it->second);
    int64_t type = -1;
    std::ifstream in(std::string("/sys/bus/event_source/devices/") + pmu + "/type");
    if (!(in >> type)) type = -1;
    pmu_types_.emplace(pmu, type);
    return uint32_t(type);
}

// The perf_event_attr at attr_addr, and into `label` what the event is
// (`cpu` tells bpf-output events apart).
SyscallArg PerfEvents::describe_attr(decoder::Memory& memory, uint64_t attr_addr, int cpu, std::string& label) {
    using K = SyscallArg::Kind;
    SyscallArg r = SyscallArg::of("attr", K::Struct, attr_addr);
    AttrHead a{};
    const decoder::ReadResult got =
        memory.read(decoder::RemoteAddr{attr_addr}, std::as_writable_bytes(std::span(&a, 1)));
    if (got.bytes < offsetof(AttrHead, config) + 8) {
        label = "perf_event";
        return r;  // the address alone
    }
    const bool whole = got.bytes == sizeof a;
    std::vector<SyscallArg>& m = r.members;
    SyscallArg type = SyscallArg::of("type", K::Enum, a.type);
    if (const char* name = type_name(a.type)) type.symbol = name;
    SyscallArg config = SyscallArg::of("config", K::Unsigned, a.config);
    std::string what;  // the event, for the label
    if (a.type == PERF_TYPE_TRACEPOINT) {
        if (const std::string* name = tracepoint(a.config)) {
            config.comment = *name;
            what = "tracepoint:" + *name;
        } else {
            what = fmt::format("tracepoint:{}", a.config);
        }
    } else if (a.type == PERF_TYPE_SOFTWARE) {
        const char* name = software_name(a.config);
        if (name != nullptr) {
            config.kind = K::Enum;
            config.symbol = software_symbol(a.config);
        }
        what = name != nullptr ? name : fmt::format("software:{}", a.config);
    } else if (whole && (a.type == pmu_type("kprobe") || a.type == pmu_type("uprobe"))) {
        // config1: the function or file; config2: the offset (or the
        // address, for a kprobe without a function); config bit 0: return probe.
        const bool kprobe = a.type == pmu_type("kprobe");
        // The probed function or file, whole or not at all.
        bool whole_target = false;
        std::string target = read_tracee_string(memory, a.config1, &whole_target);
        if (!whole_target) target.clear();
        const char* kind = kprobe ? (a.config & 1 ? "kretprobe" : "kprobe") : (a.config & 1 ? "uretprobe" : "uprobe");
        if (target.empty()) what = fmt::format("{}:{:#x}", kind, a.config2);
        else if (a.config2 != 0) what = fmt::format("{}:{}+{:#x}", kind, target, a.config2);
        else what = fmt::format("{}:{}", kind, target);
        type.comment = kprobe ? "kprobe" : "uprobe";
        m.push_back(std::move(type));
        m.push_back(SyscallArg::of("size", K::Unsigned, a.size));
        m.push_back(std::move(config));
        SyscallArg function = SyscallArg::of(kprobe ? "kprobe_func" : "uprobe_path", K::String, a.config1);
        function.text = std::move(target);
        const bool by_address = kprobe && function.text.empty();
        m.push_back(std::move(function));
        m.push_back(SyscallArg::of(by_address ? "kprobe_addr" : "probe_offset", K::Hex, a.config2));
        label = "perf_event:" + what;
        return r;
    } else {
        // "hardware:0", "hw_cache:..." or the PMU's number.
        std::string kind = type_name(a.type) != nullptr ? type_name(a.type) + 10 : fmt::format("type{}", a.type);
        for (char& c : kind) c = char(std::tolower(static_cast<unsigned char>(c)));
        what = fmt::format("{}:{}", kind, a.config);
    }
    m.push_back(std::move(type));
    m.push_back(SyscallArg::of("size", K::Unsigned, a.size));
    m.push_back(std::move(config));
    if (whole && a.sample_type != 0)
        m.push_back(SyscallArg::flags_of("sample_type", a.sample_type,
                                         {{PERF_SAMPLE_IP, "PERF_SAMPLE_IP"},
                                          {PERF_SAMPLE_TID, "PERF_SAMPLE_TID"},
                                          {PERF_SAMPLE_TIME, "PERF_SAMPLE_TIME"},
                                          {PERF_SAMPLE_ADDR, "PERF_SAMPLE_ADDR"},
                                          {PERF_SAMPLE_READ, "PERF_SAMPLE_READ"},
                                          {PERF_SAMPLE_CALLCHAIN, "PERF_SAMPLE_CALLCHAIN"},
                                          {PERF_SAMPLE_ID, "PERF_SAMPLE_ID"},
                                          {PERF_SAMPLE_CPU, "PERF_SAMPLE_CPU"},
                                          {PERF_SAMPLE_PERIOD, "PERF_SAMPLE_PERIOD"},
                                          {PERF_SAMPLE_STREAM_ID, "PERF_SAMPLE_STREAM_ID"},
                                          {PERF_SAMPLE_RAW, "PERF_SAMPLE_RAW"}}));
    if (whole && a.wakeup_events != 0) m.push_back(SyscallArg::of("wakeup_events", K::Unsigned, a.wakeup_events));
    // bpf-output events are one per CPU: the CPU tells them apart.
    if (a.type == PERF_TYPE_SOFTWARE && a.config == PERF_COUNT_SW_BPF_OUTPUT && cpu >= 0)
        what += fmt::format(":cpu{}", cpu);
    label = "perf_event:" + what;
    return r;
}

PerfEventOpen PerfEvents::describe_open(decoder::Memory& memory, const std::array<uint64_t, 6>& args,
                                        const FdRef& group) {
    using K = SyscallArg::Kind;
    PerfEventOpen r;
    r.args.push_back(describe_attr(memory, args[0], int(args[2]), r.label));
    r.args.push_back(SyscallArg::of("pid", K::Signed, uint64_t(int64_t(int(args[1])))));
    r.args.push_back(SyscallArg::of("cpu", K::Signed, uint64_t(int64_t(int(args[2])))));
    SyscallArg group_fd = SyscallArg::of("group_fd", K::Fd, uint64_t(int64_t(group.fd)));
    group_fd.fd = group;
    r.args.push_back(std::move(group_fd));
    r.args.push_back(open_flags(args[4]));
    return r;
}

} // namespace bpfsc::tracer
