// Test support (see support.h).
#include "support.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "json_samples.h"
#include "tracer/output/json_output.h"
#include "tracer/output/text_output.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <catch2/catch.hpp>

namespace bpfsc::test {

GuardedPage::GuardedPage() {
    void* p = mmap(nullptr, 2 * kPageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap failed");
    base_ = static_cast<std::byte*>(p);
    if (mprotect(base_ + kPageSize, kPageSize, PROT_NONE) != 0) throw std::runtime_error("mprotect failed");
}

GuardedPage::~GuardedPage() { munmap(base_, 2 * kPageSize); }

std::byte* GuardedPage::place(const void* bytes, std::size_t n) {
    std::memset(base_, 0, kPageSize);
    std::byte* at = guard() - n;
    if (n != 0) std::memcpy(at, bytes, n);
    return at;
}

ReadResult SelfMemory::read(RemoteAddr addr, std::span<std::byte> out) {
    // One iovec per page, like the tracer, so a read stops exactly at the
    // first unreadable page.
    std::size_t done = 0;
    while (done < out.size()) {
        const uint64_t at = addr.value + done;
        const std::size_t n = std::min<std::size_t>(out.size() - done, kPageSize - at % kPageSize);
        iovec local{out.data() + done, n};
        iovec remote{reinterpret_cast<void*>(at), n};
        const ssize_t r = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
        if (r <= 0) return {done, r < 0 ? errno : EIO};
        done += std::size_t(r);
        if (std::size_t(r) < n) return {done, EFAULT};
    }
    return {done, 0};
}

std::optional<MapShape> FakeResolver::map_shape(int32_t fd) {
    const auto it = maps.find(fd);
    if (it == maps.end()) return std::nullopt;
    return it->second;
}

FdObject FakeResolver::fd_object(int32_t fd) {
    const auto it = objects.find(fd);
    return it == objects.end() ? FdObject{} : it->second;
}

model::ObjectFacts object_facts(model::ObjectKind kind, uint32_t id, uint32_t type) {
    model::ObjectFacts f;
    f.kind = kind;
    f.id = id;
    f.type = type;
    return f;
}

model::FdOperation fd_operation(model::FdOperation::Kind kind, int fd, int new_fd, bool cloexec) {
    model::FdOperation o;
    o.kind = kind;
    o.fd = fd;
    o.new_fd = new_fd;
    o.cloexec = cloexec;
    return o;
}

void open_prog_and_perf_event(FakeInspector& inspector, model::FdModel& model, pid_t pid, const std::string& label) {
    model::ObjectFacts event;
    event.what = "perf_event";
    inspector.fds[{pid, 7}] = event;
    inspector.fds[{pid, 3}] = object_facts(model::ObjectKind::Prog, 80, 5);
    model.opened(pid, 3, true, model::CallRef{1, pid, "BPF_PROG_LOAD", true});
    model::FdOperation open = fd_operation(model::FdOperation::Kind::PerfEventOpened, -1, 7, true);
    open.what = label;
    const model::FdOutcome opened = model::apply_fd_operation(model, pid, open, model::CallRef{2, pid, "perf_event_open"});
    REQUIRE(opened.new_fd == 7);
}

CapturedOutput::CapturedOutput(tracer::Options options) : options_(std::move(options)) {
    const int fd = memfd_create("captured-output", MFD_CLOEXEC);
    REQUIRE(fd >= 0);
    read_fd_ = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    sink_ = std::make_unique<tracer::Sink>(tracer::UniqueFd(fd), "memory");
    if (options_.format == tracer::Format::Json) output_ = std::make_unique<tracer::JsonOutput>(*sink_, options_);
    else output_ = std::make_unique<tracer::TextOutput>(*sink_, options_);
}

CapturedOutput::~CapturedOutput() {
    if (options_.format == tracer::Format::Json) keep_json_sample(text());
    close(read_fd_);
}

std::string CapturedOutput::text() {
    output_->flush();
    std::string all;
    char buf[65536];
    for (off_t at = 0;;) {
        const ssize_t n = pread(read_fd_, buf, sizeof buf, at);
        if (n <= 0) break;
        all.append(buf, std::size_t(n));
        at += n;
    }
    return all;
}

std::string hex(const void* p) { return fmt::format("{:#x}", reinterpret_cast<uintptr_t>(p)); }

Rendered run_call(uint32_t cmd, std::byte* attr, uint32_t size, const Kernel& kernel, ObjectResolver* resolver,
                  DecodeOptions options) {
    SelfMemory memory;
    Decoder decoder(memory, resolver, options);
    DecodedCall call;
    decoder.decode_entry(call, cmd, addr_of(attr), size);
    const int64_t ret = kernel(attr, size);
    decoder.decode_exit(call, ret);
    Rendered r;
    OutBuf text, brief, verbose_text, json;
    render_text(call, TextPhase::Complete, TextOptions{.all_members = true}, text);
    render_text(call, TextPhase::Complete, TextOptions{}, brief);
    render_text(call, TextPhase::Complete, TextOptions{.whole_data = true, .verbose = true, .all_members = true},
                verbose_text);
    render_json(call, json);
    r.text = fmt::to_string(text);
    r.brief = fmt::to_string(brief);
    r.verbose_text = fmt::to_string(verbose_text);
    r.json = fmt::to_string(json);
    r.ret = ret;
    CHECK(valid_json(r.json));
    {
        // The call as a record of the JSON trace, for the schema test.
        tracer::Options json;
        json.format = tracer::Format::Json;
        CapturedOutput captured(json);
        tracer::CallRecord record;
        record.caller = tracer::Caller{1, 1, 1};
        record.seq = 1;
        record.call = &call;
        record.entered = tracer::Timestamp{1};
        record.exited = tracer::Timestamp{2};
        captured.output().call(record);
    }
    return r;
}

std::string render_unfinished(uint32_t cmd, std::byte* attr, uint32_t size, ObjectResolver* resolver) {
    SelfMemory memory;
    Decoder decoder(memory, resolver);
    DecodedCall call;
    decoder.decode_entry(call, cmd, addr_of(attr), size);
    OutBuf text;
    render_text(call, TextPhase::Unfinished, TextOptions{.all_members = true}, text);
    return fmt::to_string(text);
}

Kernel returns(int64_t ret) {
    return [ret](std::byte*, uint32_t) { return ret; };
}

int64_t real_bpf(uint32_t cmd, void* attr, uint32_t size) {
    const long r = syscall(SYS_bpf, cmd, attr, size);
    return r < 0 ? -int64_t(errno) : int64_t(r);
}

Kernel real_kernel(uint32_t cmd) {
    return [cmd](std::byte* attr, uint32_t size) { return real_bpf(cmd, attr, size); };
}

Kernel real_kernel_closing(uint32_t cmd) {
    return [cmd](std::byte* attr, uint32_t size) {
        const int64_t r = real_bpf(cmd, attr, size);
        const Command* c = find_command(cmd);
        if (r >= 0 && c != nullptr && c->returns == Returns::Fd) close(int(r));
        return r;
    };
}

std::string with_ret(std::string text, int64_t ret) {
    const std::string value = ret < 0 ? fmt::format("-1 {} ({})", errno_name(int(-ret)), errno_message(int(-ret)))
                                      : std::to_string(ret);
    for (std::size_t at; (at = text.find("{ret}")) != std::string::npos;) text.replace(at, 5, value);
    return text;
}

void check_size_cases(const SizeCases& c) {
    const Command* command = find_command(c.cmd);
    REQUIRE(command != nullptr);
    REQUIRE(c.full.size() >= command->known_size);
    const std::string name(command->name);
    GuardedPage page;

    SECTION(name + ": size 0 prints the address") {
        std::byte* attr = page.place(c.full.data(), 0);
        const Rendered r = run_call(c.cmd, attr, 0, returns(-EINVAL), c.resolver);
        CHECK(r.text == fmt::format("bpf({}, {}, 0) = -1 EINVAL (Invalid argument)\n", name, hex(attr)));
    }
    SECTION(name + ": a partial size decodes the members inside it, ending at a guard page") {
        std::byte* attr = page.place(c.full.data(), c.partial);
        const Rendered r = run_call(c.cmd, attr, c.partial, c.kernel, c.resolver);
        CHECK(r.text == with_ret(c.expected_partial, r.ret));
    }
    SECTION(name + ": the full size decodes every member, ending at a guard page") {
        std::byte* attr = page.place(c.full.data(), command->known_size);
        const Rendered r = run_call(c.cmd, attr, command->known_size, c.kernel, c.resolver);
        CHECK(r.text == with_ret(c.expected_full, r.ret));
    }
    SECTION(name + ": non-zero bytes past the known layout are shown") {
        std::vector<std::byte> longer(c.full.begin(), c.full.begin() + command->known_size);
        longer.resize(longer.size() + 8);
        longer[command->known_size + 2] = std::byte{0xab};
        std::byte* attr = page.place(longer.data(), longer.size());
        const Rendered r = run_call(c.cmd, attr, uint32_t(longer.size()), c.kernel, c.resolver);
        const std::string tail = fmt::format("extra_data=\"\\x00\\x00\\xab\\x00\\x00\\x00\\x00\\x00\" /* bytes {}..{} */}}",
                                             command->known_size, command->known_size + 7);
        CHECK(r.text.find(tail) != std::string::npos);
        CHECK(r.json.find("\"extra_data\"") != std::string::npos);
    }
    SECTION(name + ": an attr that runs into the guard page is shown as far as it can be read") {
        // The size claims `cut` bytes more than are mapped before the guard page.
        const uint32_t cut = std::min<uint32_t>(16, command->known_size / 2);
        std::byte* attr = page.place(c.full.data(), command->known_size) + cut;
        const Rendered r = run_call(c.cmd, attr, command->known_size, returns(-EFAULT), c.resolver);
        const std::string marker =
            fmt::format("... /* unreadable from byte {}: EFAULT */", command->known_size - cut);
        CHECK(r.text.find(marker) != std::string::npos);
        CHECK(r.text.find(") = -1 EFAULT (Bad address)") != std::string::npos);
    }
}

std::set<uint32_t>& covered_commands() {
    static std::set<uint32_t> s;
    return s;
}

bool can_use_bpf(std::string* why) {
    // BPF_MAP_CREATE of a tiny array: the cheapest call that needs the privilege.
    uapi::map_create_attr a{};
    a.map_type = 2;
    a.key_size = 4;
    a.value_size = 4;
    a.max_entries = 1;
    const int64_t fd = real_bpf(uapi::BPF_MAP_CREATE, &a, sizeof a);
    if (fd < 0) {
        *why = fmt::format("bpf(BPF_MAP_CREATE) fails with {}: run as root on a kernel with BPF", errno_name(int(-fd)));
        return false;
    }
    close(int(fd));
    return true;
}

} // namespace bpfsc::test
