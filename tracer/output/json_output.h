// The JSON Lines rendering of the records: one object per line, each with
// a "type" (header, call, syscall, process, message, summary), the first
// one the header. The contract (which members exist, which are stable, the
// numbers rule, the versioning rule) is docs/json.md, and
// docs/trace.schema.json checks it; the test suite validates every line it
// produces against that schema.
#pragma once

#include "tracer/cli/options.h"
#include "tracer/output/output.h"
#include "tracer/output/sink.h"

namespace bpfsc::tracer {

// The schema's version: major.minor. A new member or record type is a new
// minor; a member removed, renamed or given another type a new major.
inline constexpr std::string_view kJsonSchemaVersion = "1.1";

class JsonOutput final : public Output {
public:
    JsonOutput(Sink& sink, const Options& options) : sink_(sink), options_(options) {}

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
    // {"type":TYPE,"ts":... : the start every event record shares.
    void begin(std::string_view type, Timestamp when);
    // ,"pid":N,"tid":N[,"seq":N]
    void caller(const Caller& c, uint64_t seq);
    void duration(Timestamp entered, Timestamp exited);
    void notes(std::span<const std::string> notes);
    void end();

    Sink& sink_;
    const Options& options_;
    Timestamp start_;
};

} // namespace bpfsc::tracer
