// -o FILE -ff: one file per process, FILE.PID, as strace writes them. Each
// file is a whole trace of its own (JSON: it starts with the header) and
// is closed when its process exits. A process has a file from its first
// call or fd line on (COMMAND's from the start): one that never makes a
// traced call (a compiler BCC runs) leaves none. The end-of-trace tables and the
// tracer's messages go to the file of COMMAND's process (or the one
// attached to), which stays open to the end. A pid the system reuses
// appends to its earlier file.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "tracer/cli/options.h"
#include "tracer/output/output.h"
#include "tracer/output/sink.h"

namespace bpfsc::tracer {

class SplitOutput final : public Output {
public:
    SplitOutput(std::string base, const Options& options, pid_t main_pid);
    ~SplitOutput() override;

    void header(const HeaderRecord& r) override;
    void call(const CallRecord& r) override { of(r.caller.pid).call(r); }
    void syscall(const SyscallRecord& r) override { of(r.caller.pid).syscall(r); }
    void process(const ProcessRecord& r) override;
    void message(const MessageRecord& r) override { of(main_pid_).message(r); }
    void fd_table(const FdTableRecord& r) override { of(main_pid_).fd_table(r); }
    void alive(const AliveRecord& r) override { of(main_pid_).alive(r); }
    void flush() override;
    bool complete() const override;
    uint64_t lost_bytes() const override;

private:
    struct File {
        std::unique_ptr<Sink> sink;
        std::unique_ptr<Output> output;
    };
    // The output of `pid`'s file, opened (and given the header) at its first record.
    Output& of(pid_t pid);
    void close(pid_t pid);

    std::string base_;
    const Options& options_;
    pid_t main_pid_;
    std::optional<HeaderRecord> header_;
    std::map<pid_t, File> open_;
    std::set<pid_t> written_;   // files already created: a reused pid appends
    bool closed_complete_ = true;
    uint64_t closed_lost_ = 0;  // bytes lost in files already closed
};

} // namespace bpfsc::tracer
