// A run of feature probes in the default text view: the calls of one
// process that only ask the kernel what it supports, and the closes of
// what they made, are printed as one line when the run ends (the next
// other record):
//   # 26 feature probes by libbpf (see -v): yes: memcg, loading, BTF (func, float), perf link
// Memory: one entry per question asked in the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "tracer/output/records.h"

namespace bpfsc::tracer {

class ProbeRun {
public:
    bool empty() const { return calls_ == 0; }
    // Whether a probe of `caller` continues this run (an empty run takes any).
    bool continues(const Caller& caller) const { return empty() || caller.pid == caller_.pid; }
    void add(const Caller& caller, Timestamp when, uint64_t seq, const probes::Probe& probe);
    const Caller& caller() const { return caller_; }
    Timestamp first_time() const { return first_time_; }
    uint64_t first_seq() const { return first_seq_; }
    uint64_t last_seq() const { return last_seq_; }
    // "26 feature probes by libbpf (see -v): yes: ...; no: ..." (a
    // probe's calls and the closes of what it made count one each).
    void append_text(fmt::memory_buffer& out) const;
    void clear();

private:
    std::vector<probes::Probe> questions_;  // one per question, with its last answer
    std::size_t calls_ = 0;
    bool by_[3] = {false, false, false};     // by probes::Prober
    Caller caller_;
    Timestamp first_time_;
    uint64_t first_seq_ = 0;
    uint64_t last_seq_ = 0;
};

} // namespace bpfsc::tracer
