// Labelling and holding the records of feature probes (see probe_calls.h).
#include "tracer/session/probe_calls.h"

#include "decoder/uapi/bpf_attr.h"
#include "tracer/os/proc_status.h"

namespace bpfsc::tracer {


void ProbeCalls::print_held(const probes::Recogniser::Verdict& v) {
    if (v.held == probes::Recogniser::Held::None || !held_) return;
    Held h = std::move(*held_);
    held_.reset();
    CallRecord r = h.record;
    r.call = h.call.get();
    std::vector<std::string> label;
    if (v.held == probes::Recogniser::Held::Probe) {
        h.probe = v.held_probe;
        if (h.object != nullptr) h.object->probe = true;
        label.push_back(probes::describe(h.probe));
        r.probe = &h.probe;
        r.notes = label;
    } else {
        r.notes = h.notes;
    }
    out_.call(r);
    pool_.push_back(std::move(h.call));
}

probes::Recogniser::Verdict ProbeCalls::bpf_call(const decoder::DecodedCall& call, pid_t pid, pid_t tid) {
    // bpftool and bpftrace make probes through libbpf's probe API (and
    // bpftrace its own of the same shapes): the command says whose they are.
    if (named_.insert(pid).second) {
        const std::string comm = process_comm(pid);
        if (comm == "bpftool") recogniser_.program_is(pid, probes::Prober::Bpftool);
        if (comm == "bpftrace") recogniser_.program_is(pid, probes::Prober::Bpftrace);
    }
    const probes::Recogniser::Verdict v = recogniser_.bpf_call(call, pid, tid);
    print_held(v);
    return v;
}

bool ProbeCalls::record(const probes::Recogniser::Verdict& verdict, CallRecord& r, std::vector<std::string>& notes,
                        std::unique_ptr<decoder::DecodedCall>& call) {
    if (!verdict.probe) return false;
    std::shared_ptr<model::Object> made;
    if (call->ret >= 0 && probes::returns_new_fd(call->cmd)) made = model_.object_of(r.caller.pid, int(call->ret));
    if (verdict.hold) {
        Held h;
        h.record = r;
        h.notes = std::move(notes);
        h.object = std::move(made);
        h.probe = *verdict.probe;
        h.call = std::move(call);
        held_ = std::move(h);
        notes.clear();
        return true;
    }
    if (made != nullptr) made->probe = true;
    probe_ = *verdict.probe;
    notes.assign(1, probes::describe(probe_));
    r.probe = &probe_;
    r.notes = notes;
    return false;
}

const probes::Probe* ProbeCalls::closed(pid_t pid, pid_t tid, int fd, int last) {
    const probes::Recogniser::Verdict v = recogniser_.closed(pid, tid, fd, last);
    print_held(v);
    if (!v.probe) return nullptr;
    probe_ = *v.probe;
    return &probe_;
}

void ProbeCalls::settle() {
    // Between the verdict that holds a call and record() keeping it (the
    // in-progress lines of other threads come first), nothing is kept yet:
    // the call stays held, to be kept and settled by a later event.
    if (held_ && recogniser_.holding()) print_held(recogniser_.other_event());
}

} // namespace bpfsc::tracer
