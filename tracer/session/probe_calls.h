// The session's side of feature probes (decoder/probes/): asks the
// recogniser about each completed call, gives a probe's record its label
// (`libbpf probes whether the kernel supports BTF_KIND_FLOAT: yes`) in
// place of the commentary a program's own call gets, marks the objects a
// probe made (the end-of-trace tables leave them out), and keeps back the
// record of a call that is a probe only if the thread's next call says
// so, printing it, labelled one way or the other, before the next record.
// A held record waits for the next traced event of any thread: a probe's
// close follows it at once, a program's own call is printed at the latest
// with the next line.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <unordered_set>
#include <string>
#include <vector>

#include "decoder/decoded_call.h"
#include "decoder/model/fd_model.h"
#include "decoder/probes/recogniser.h"
#include "tracer/output/output.h"

namespace bpfsc::tracer {

class ProbeCalls {
public:
    // `pool` takes back the decoded calls of held records once printed.
    ProbeCalls(Output& out, model::FdModel& model, std::vector<std::unique_ptr<decoder::DecodedCall>>& pool)
        : out_(out), model_(model), pool_(pool) {}

    // A bpf() call completed (before the model learns of it): prints a
    // held record the call decides, and says what the call is.
    probes::Recogniser::Verdict bpf_call(const decoder::DecodedCall& call, pid_t pid, pid_t tid);
    // After the model learnt of the call: for a probe, `notes` become its
    // label, `r.probe` points at it and the object it made is marked. For a
    // call to hold (verdict.hold), returns true: the record, its notes and
    // `call` are kept and printed later; the caller prints nothing.
    bool record(const probes::Recogniser::Verdict& verdict, CallRecord& r, std::vector<std::string>& notes,
                std::unique_ptr<decoder::DecodedCall>& call);
    // Thread `tid` closed `fd` (to `last`, for close_range) before its
    // record, if any: prints a held record, and gives the probe whose
    // object it closed (nullptr if none).
    const probes::Probe* closed(pid_t pid, pid_t tid, int fd, int last);
    // Before any other record: a held record is printed, as no probe (a
    // call the recogniser holds whose record is not kept yet stays held).
    void settle();
    void forget(pid_t pid) {
        recogniser_.forget(pid);
        named_.erase(pid);
    }

private:
    struct Held {
        std::unique_ptr<decoder::DecodedCall> call;
        CallRecord record;
        std::vector<std::string> notes;        // its commentary as the program's own call
        std::shared_ptr<model::Object> object; // what it made
        probes::Probe probe;
    };
    void print_held(const probes::Recogniser::Verdict& v);

    Output& out_;
    model::FdModel& model_;
    std::vector<std::unique_ptr<decoder::DecodedCall>>& pool_;
    probes::Recogniser recogniser_;
    std::optional<Held> held_;
    probes::Probe probe_;                     // the probe of the record being printed
    std::unordered_set<pid_t> named_;         // processes whose command was read
};

} // namespace bpfsc::tracer
