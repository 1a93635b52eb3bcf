// The text rendering of the records, in strace's shape:
//   [pid 1234] 12:00:01.123456 #5 bpf(BPF_MAP_CREATE, {...}, 72) = 3<map#15:hash:config> <0.000041>
//     # created map 15 "config": ...
//   close(3<map#15:hash:config>) = 0
//   +++ exited with 0 +++
// and the end-of-trace tables (text_summary.cpp). The prefix: `[pid N]`
// on every line once a second thread or process has been traced, the time (-t, -tt, -ttt, -r), the
// call's number (-n). -q leaves only the lines strace would print. Feature
// probes collapse into one line per run (probe_run.h) unless -v or -q.
#pragma once

#include <string>

#include "decoder/render/palette.h"
#include "tracer/cli/options.h"
#include "tracer/output/output.h"
#include "tracer/output/probe_run.h"
#include "tracer/output/sink.h"

namespace bpfsc::tracer {

class TextOutput final : public Output {
public:
    // one_process: the sink holds one process's lines (-ff): `[pid N]` only
    // on the lines of its threads other than the first.
    TextOutput(Sink& sink, const Options& options, bool one_process = false);

    void header(const HeaderRecord& r) override;
    void call(const CallRecord& r) override;
    void syscall(const SyscallRecord& r) override;
    void process(const ProcessRecord& r) override;
    void message(const MessageRecord& r) override;
    void fd_table(const FdTableRecord& r) override;
    void alive(const AliveRecord& r) override;
    void flush() override { sink_.flush(); }
    bool complete() const override { return sink_.complete(); }
    uint64_t lost_bytes() const override { return sink_.lost_bytes(); }

private:
    // `[pid N] `, the time and `#N ` before a line.
    void prefix(const Caller& caller, Timestamp when, uint64_t seq);
    void notes(std::span<const std::string> notes);
    // -T: " <0.000123>" into after_result_ (empty without -T).
    void duration(Timestamp entered, Timestamp exited);
    // Whether feature probes collapse into one line per run.
    bool collapses_probes() const { return !options_.verbose && !options_.quiet; }
    // Prints the collapsed line of the probes so far, if any.
    void end_probe_run();

    Sink& sink_;
    const Options& options_;
    Timestamp start_;
    int64_t start_realtime_ns_ = 0;
    Timestamp previous_;          // -r: the time of the previous line
    const bool one_process_;
    const decoder::Palette& palette_;  // --color
    bool several_tasks_ = false;  // a second thread or process has been traced: `[pid N]` on every line
    std::string after_result_;
    ProbeRun probe_run_;
};

} // namespace bpfsc::tracer
