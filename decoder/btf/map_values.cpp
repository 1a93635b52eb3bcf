// Typed map keys and values (see map_values.h).
#include "map_values.h"

namespace bpfsc::decoder {

uint32_t percpu_slot(const MapShape& map) {
    return is_percpu_map_type(map.map_type) ? (map.value_size + 7) & ~7u : 0;
}

bool append_map_typed(OutBuf& out, const MapShape& map, bool key, std::string_view bytes, const ValueFormat& format) {
    const uint32_t type = key ? map.btf_key_type_id : map.btf_value_type_id;
    if (map.btf == nullptr || type == 0) return false;
    const uint32_t slot = key ? 0 : percpu_slot(map);
    if (slot == 0) return append_typed_value(out, *map.btf, type, bytes, format);
    if (bytes.size() % slot != 0) return false;
    const std::size_t mark = out.size();
    const bool json = format.style == ValueStyle::Json;
    out.push_back(json ? '[' : '{');
    for (std::size_t cpu = 0; cpu * slot < bytes.size(); ++cpu) {
        if (cpu != 0) put(out, json ? "," : ", ");
        if (json) fmt::format_to(std::back_inserter(out), "{{\"cpu\":{},\"value\":", cpu);
        else fmt::format_to(std::back_inserter(out), "cpu{}=", cpu);
        if (!append_typed_value(out, *map.btf, type, bytes.substr(cpu * slot, map.value_size), format)) {
            out.resize(mark);
            return false;
        }
        if (json) out.push_back('}');
    }
    out.push_back(json ? ']' : '}');
    return true;
}

} // namespace bpfsc::decoder
