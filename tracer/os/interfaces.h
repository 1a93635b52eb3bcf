// The network interfaces of the tracer's network namespace, by index and
// name (if_nameindex, copied and freed at once).
#pragma once

#include <net/if.h>

#include <string>
#include <utility>
#include <vector>

namespace bpfsc::tracer {

inline std::vector<std::pair<unsigned, std::string>> network_interfaces() {
    std::vector<std::pair<unsigned, std::string>> out;
    struct if_nameindex* names = if_nameindex();
    if (names == nullptr) return out;
    for (const struct if_nameindex* i = names; i->if_index != 0; ++i) out.emplace_back(i->if_index, i->if_name);
    if_freenameindex(names);
    return out;
}

} // namespace bpfsc::tracer
