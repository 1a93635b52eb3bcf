// One file per process for -o FILE -ff (see split_output.h).
#include "tracer/output/split_output.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "tracer/output/json_output.h"
#include "tracer/output/text_output.h"

namespace bpfsc::tracer {

SplitOutput::SplitOutput(std::string base, const Options& options, pid_t main_pid)
    : base_(std::move(base)), options_(options), main_pid_(main_pid) {}

SplitOutput::~SplitOutput() { flush(); }

void SplitOutput::header(const HeaderRecord& r) {
    header_ = r;
    // COMMAND's file exists from the start, even if it never makes a call.
    of(main_pid_);
}

Output& SplitOutput::of(pid_t pid) {
    auto it = open_.find(pid);
    if (it != open_.end()) return *it->second.output;
    const std::string path = fmt::format("{}.{}", base_, pid);
    const bool again = !written_.insert(pid).second;
    File file;
    UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (again ? O_APPEND : O_TRUNC), 0644));
    if (fd) {
        file.sink = std::make_unique<Sink>(std::move(fd), path);
    } else {
        const int err = errno;
        fmt::print(stderr, "bpftrace-syscalls: cannot write -o {}: {}; the trace of pid {} is lost (the program runs "
                   "on)\n", path, std::strerror(err), pid);
        file.sink = std::make_unique<Sink>(path, err);
    }
    if (options_.format == Format::Json) file.output = std::make_unique<JsonOutput>(*file.sink, options_);
    else file.output = std::make_unique<TextOutput>(*file.sink, options_, true);
    if (header_) file.output->header(*header_);
    return *open_.emplace(pid, std::move(file)).first->second.output;
}

void SplitOutput::process(const ProcessRecord& r) {
    // A process gets its file with its first call or fd line: the helpers
    // a loader runs (a compiler, a shell) leave no empty files behind.
    if (!open_.contains(r.caller.pid)) return;
    of(r.caller.pid).process(r);
    if (r.kind == ProcessRecord::Kind::Exit && r.caller.pid != main_pid_) close(r.caller.pid);
}

void SplitOutput::close(pid_t pid) {
    auto it = open_.find(pid);
    if (it == open_.end()) return;
    it->second.output->flush();
    closed_complete_ = closed_complete_ && it->second.output->complete();
    closed_lost_ += it->second.output->lost_bytes();
    open_.erase(it);
}

void SplitOutput::flush() {
    for (auto& [pid, file] : open_) file.output->flush();
}

bool SplitOutput::complete() const {
    if (!closed_complete_) return false;
    for (const auto& [pid, file] : open_)
        if (!file.output->complete()) return false;
    return true;
}

uint64_t SplitOutput::lost_bytes() const {
    uint64_t lost = closed_lost_;
    for (const auto& [pid, file] : open_) lost += file.output->lost_bytes();
    return lost;
}

} // namespace bpfsc::tracer
