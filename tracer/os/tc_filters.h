// The BPF programs of tc: the cls_bpf filters on each interface's clsact
// ingress and egress hooks, from a netlink dump (RTM_GETTFILTER), as
// `bpftool net` lists them. libbpf's bpf_tc_query needs a filter's handle
// and priority already known; this asks for every one. Filters attached
// through tcx links are links, and are not here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bpfsc::tracer {

struct TcFilter {
    uint32_t prog_id = 0;
    std::string interface;  // "lo"
    bool ingress = true;
    std::string name;       // the filter's name (TCA_BPF_NAME), "" if none
};

// Every BPF filter on every interface; `interfaces` says how many were asked.
std::vector<TcFilter> tc_bpf_filters(std::size_t* interfaces);

} // namespace bpfsc::tracer
