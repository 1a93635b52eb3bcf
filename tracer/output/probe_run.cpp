// The collapsed line of a run of feature probes (see probe_run.h).
#include "tracer/output/probe_run.h"

#include <string>
#include <string_view>

namespace bpfsc::tracer {

namespace {

using It = std::back_insert_iterator<fmt::memory_buffer>;
using probes::Answer;
using probes::Feature;

bool same_question(const probes::Probe& a, const probes::Probe& b) {
    return a.feature == b.feature && a.subject == b.subject && a.helper == b.helper;
}

// More than this many questions of one group are counted, not listed.
constexpr std::size_t kListed = 3;
constexpr std::size_t kNamedFailures = 4;

bool about_btf(std::string_view name) { return name == "BTF" || name.starts_with("BTF "); }

// The names, with the BTF ones as one item where the first stood: "BTF (func, float)".
void append_list(fmt::memory_buffer& out, const std::vector<std::string>& names) {
    std::vector<std::string_view> kinds;
    for (const std::string& n : names)
        if (n.starts_with("BTF ")) kinds.push_back(std::string_view(n).substr(4));
    bool first = true, btf_done = false;
    for (const std::string& n : names) {
        if (about_btf(n) && btf_done) continue;
        if (!first) fmt::format_to(It(out), ", ");
        first = false;
        if (!about_btf(n)) {
            fmt::format_to(It(out), "{}", n);
            continue;
        }
        btf_done = true;
        fmt::format_to(It(out), "BTF");
        if (!kinds.empty()) fmt::format_to(It(out), " ({})", fmt::join(kinds, ", "));
    }
}

} // namespace

void ProbeRun::add(const Caller& caller, Timestamp when, uint64_t seq, const probes::Probe& probe) {
    if (calls_ == 0) {
        caller_ = caller;
        first_time_ = when;
        first_seq_ = seq;
    }
    ++calls_;
    if (seq != 0) last_seq_ = seq;
    by_[std::size_t(probe.by)] = true;
    for (probes::Probe& q : questions_) {
        if (!same_question(q, probe)) continue;
        if (probe.answer != Answer::Step) q = probe;
        return;
    }
    questions_.push_back(probe);
}

void ProbeRun::append_text(fmt::memory_buffer& out) const {
    std::vector<std::string_view> who;
    for (std::size_t i = 0; i < 3; ++i)
        if (by_[i]) who.push_back(probes::prober_name(probes::Prober(i)));
    fmt::format_to(It(out), "{} feature probe{} by {} (see -v)", calls_, calls_ == 1 ? "" : "s", fmt::join(who, " and "));

    std::vector<std::string> yes, no;
    struct Group {
        Feature feature;
        std::size_t yes = 0;
        std::vector<std::string> no;
        std::vector<std::string> names;
    };
    std::vector<Group> groups;
    for (const probes::Probe& q : questions_) {
        if (q.answer == Answer::Step) continue;
        if (probes::group_name(q.feature).empty()) {
            (q.answer == Answer::Yes ? yes : no).push_back(probes::short_name(q));
            continue;
        }
        Group* g = nullptr;
        for (Group& each : groups)
            if (each.feature == q.feature) g = &each;
        if (g == nullptr) g = &groups.emplace_back(Group{q.feature, 0, {}, {}});
        g->names.push_back(fmt::format("{} {}", probes::short_name(q), q.answer == Answer::Yes ? "yes" : "no"));
        if (q.answer == Answer::Yes) ++g->yes;
        else g->no.push_back(probes::short_name(q));
    }
    std::string_view sep = ": ";
    if (!yes.empty()) {
        fmt::format_to(It(out), "{}yes: ", sep);
        append_list(out, yes);
        sep = "; ";
    }
    if (!no.empty()) {
        fmt::format_to(It(out), "{}no: ", sep);
        append_list(out, no);
        sep = "; ";
    }
    for (const Group& g : groups) {
        fmt::format_to(It(out), "{}{}: ", sep, probes::group_name(g.feature));
        sep = "; ";
        if (g.names.size() <= kListed) {
            fmt::format_to(It(out), "{}", fmt::join(g.names, ", "));
            continue;
        }
        fmt::format_to(It(out), "{} of {} yes", g.yes, g.names.size());
        // Helpers are too many to name: -v shows each.
        if (g.no.empty() || g.feature == Feature::Helper) continue;
        fmt::format_to(It(out), " (no: ");
        for (std::size_t i = 0; i < g.no.size() && i < kNamedFailures; ++i)
            fmt::format_to(It(out), "{}{}", i == 0 ? "" : ", ", g.no[i]);
        if (g.no.size() > kNamedFailures) fmt::format_to(It(out), ", +{}", g.no.size() - kNamedFailures);
        fmt::format_to(It(out), ")");
    }
}

void ProbeRun::clear() {
    questions_.clear();
    calls_ = 0;
    for (bool& b : by_) b = false;
    first_seq_ = last_seq_ = 0;
}

} // namespace bpfsc::tracer
