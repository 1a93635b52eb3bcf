// Test support for the decoder: attrs placed so they end at a guard page,
// a Memory that reads this very process with process_vm_readv (so a read of
// the guard page fails with EFAULT, as a tracee's would), a fake resolver,
// and the registry that proves every command number has test cases.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include "decode.h"
#include "model/call_effects.h"
#include "model/fd_model.h"
#include "json_check.h"
#include "render/json.h"
#include "render/text.h"
#include "uapi/bpf_attr.h"
#include "tracer/cli/options.h"
#include "tracer/output/output.h"
#include "tracer/output/sink.h"

namespace bpfsc::test {

using namespace bpfsc::decoder;

// Two pages: the first readable, the second PROT_NONE. place() puts bytes so
// that they end exactly where the guard page starts.
class GuardedPage {
public:
    GuardedPage();
    ~GuardedPage();
    GuardedPage(const GuardedPage&) = delete;
    GuardedPage& operator=(const GuardedPage&) = delete;

    // Copies `bytes` to end at the guard page; returns where they start.
    std::byte* place(const void* bytes, std::size_t n);
    std::byte* guard() const { return base_ + kPageSize; }

private:
    std::byte* base_;
};

// Reads this process's memory the way the tracer reads a tracee's.
class SelfMemory : public Memory {
public:
    ReadResult read(RemoteAddr addr, std::span<std::byte> out) override;
};

class FakeResolver : public ObjectResolver {
public:
    std::map<int32_t, MapShape> maps;
    std::map<int32_t, const BtfTypes*> btfs;  // fds whose BTF is known
    const BtfTypes* vmlinux = nullptr;
    uint32_t cpus = 2;
    std::optional<MapShape> map_shape(int32_t fd) override;
    uint32_t possible_cpus() override { return cpus; }
    const BtfTypes* btf_of_fd(int32_t fd) override {
        const auto it = btfs.find(fd);
        return it != btfs.end() ? it->second : nullptr;
    }
    const BtfTypes* vmlinux_btf() override { return vmlinux; }
    std::map<int32_t, FdObject> objects;   // what fd_object answers
    FdObject fd_object(int32_t fd) override;
};

// What the kernel would say to the fd model: the object behind each
// (pid, fd), and which objects still exist. Records every still_exists question.
class FakeInspector : public model::ObjectInspector {
public:
    std::map<std::pair<pid_t, int>, model::ObjectFacts> fds;
    std::set<std::pair<model::ObjectKind, uint32_t>> existing;
    std::vector<std::pair<model::ObjectKind, uint32_t>> asked;

    std::optional<model::ObjectFacts> inspect(pid_t pid, int fd) override {
        const auto it = fds.find({pid, fd});
        if (it == fds.end()) return std::nullopt;
        return it->second;
    }
    bool still_exists(model::ObjectKind kind, uint32_t id) override {
        asked.emplace_back(kind, id);
        return existing.count({kind, id}) != 0;
    }
};

// The facts FakeInspector::fds gives for an fd.
model::ObjectFacts object_facts(model::ObjectKind kind, uint32_t id, uint32_t type = 0);
// An operation on `fd` (and `new_fd`), as a completed fd syscall reports it.
model::FdOperation fd_operation(model::FdOperation::Kind kind, int fd, int new_fd = -1, bool cloexec = false);
// Process `pid` holds prog#80 (type 5, a tracepoint program) at fd 3, known
// to the model, and has just opened the perf event `label` as fd 7.
void open_prog_and_perf_event(FakeInspector& inspector, model::FdModel& model, pid_t pid, const std::string& label);

inline RemoteAddr addr_of(const void* p) { return RemoteAddr{reinterpret_cast<uintptr_t>(p)}; }
inline uint64_t u64_of(const void* p) { return reinterpret_cast<uintptr_t>(p); }
std::string hex(const void* p);  // "0x7ffd..." as the renderers print addresses

// What a test sees of one call: the text line(s) and the JSON object.
struct Rendered {
    std::string text;          // every member, in strace's shape (-e abbrev=none)
    std::string brief;         // the default line: members that say nothing left out
    std::string verbose_text;  // with the program, BTF and log lines, as -v prints them
    std::string json;
    int64_t ret = 0;
};

// The kernel's part between entry and exit: perform the call for real, or
// write what the kernel would, and return the syscall's result (-errno).
using Kernel = std::function<int64_t(std::byte* attr, uint32_t size)>;

// Decodes a call at entry, runs `kernel`, decodes at exit, renders both ways.
Rendered run_call(uint32_t cmd, std::byte* attr, uint32_t size, const Kernel& kernel,
                  ObjectResolver* resolver = nullptr, DecodeOptions options = {});
// The entry-only rendering (an unfinished call).
std::string render_unfinished(uint32_t cmd, std::byte* attr, uint32_t size, ObjectResolver* resolver = nullptr);

// A kernel that returns `ret` and writes nothing.
Kernel returns(int64_t ret);
// The real bpf() system call.
int64_t real_bpf(uint32_t cmd, void* attr, uint32_t size);
Kernel real_kernel(uint32_t cmd);
// The real call; a returned fd is closed at once (the test keeps only its number).
Kernel real_kernel_closing(uint32_t cmd);
// `text` with every "{ret}" replaced by the call's result.
std::string with_ret(std::string text, int64_t ret);

// The four size cases every command gets, with the attr ending at a guard
// page: size 0, a partial size, the full size, and the full size plus a
// non-zero tail. `full` is the command's attr as a test builds it.
struct SizeCases {
    uint32_t cmd;
    std::vector<std::byte> full;     // the whole attr (Command::known_size bytes)
    uint32_t partial;                // a size that cuts the attr short
    std::string expected_full;       // the text of the full call ("{ret}": its result)
    std::string expected_partial;    // the text of the partial call
    Kernel kernel = returns(0);
    ObjectResolver* resolver = nullptr;
};
void check_size_cases(const SizeCases& cases);

template <typename T>
std::vector<std::byte> bytes_of(const T& attr) {
    std::vector<std::byte> v(sizeof attr);
    std::memcpy(v.data(), &attr, sizeof attr);
    return v;
}


// The records as the tracer prints them: through the real TextOutput or
// JsonOutput (per options.format) into memory. JSON lines are also kept for
// the schema test (json_samples.h).
class CapturedOutput {
public:
    explicit CapturedOutput(bpfsc::tracer::Options options = {});
    ~CapturedOutput();
    CapturedOutput(const CapturedOutput&) = delete;
    CapturedOutput& operator=(const CapturedOutput&) = delete;
    bpfsc::tracer::Output& output() { return *output_; }
    // Everything printed so far.
    std::string text();

private:
    int read_fd_ = -1;
    bpfsc::tracer::Options options_;
    std::unique_ptr<bpfsc::tracer::Sink> sink_;
    std::unique_ptr<bpfsc::tracer::Output> output_;
};

// Every command's test file registers the numbers it covers.
std::set<uint32_t>& covered_commands();
struct CoverCommand {
    explicit CoverCommand(std::initializer_list<uint32_t> cmds) { covered_commands().insert(cmds); }
};

// Privileged tests skip with a reason, except under CI=true where skipping fails.
bool can_use_bpf(std::string* why);
#define BPFSC_SKIP_UNLESS(ok, why)                                   \
    do {                                                             \
        if (!(ok)) {                                                 \
            if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") \
                FAIL("CI=true and " << (why));                       \
            WARN("SKIPPED: " << (why));                              \
            return;                                                  \
        }                                                            \
    } while (0)
#define BPFSC_REQUIRE_BPF()                                          \
    do {                                                             \
        std::string why_;                                            \
        const bool usable_ = ::bpfsc::test::can_use_bpf(&why_);      \
        BPFSC_SKIP_UNLESS(usable_, "bpf() is unusable: " + why_);    \
    } while (0)

} // namespace bpfsc::test
