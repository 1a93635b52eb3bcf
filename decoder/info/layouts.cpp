// Which info struct layout an object gets (see layouts.h).
#include "layouts.h"

namespace bpfsc::decoder::info {

const InfoLayout* find_info_layout(Object kind, uint32_t link_type) {
    switch (kind) {
    case Object::Map: return &map_info_layout;
    case Object::Prog: return &prog_info_layout;
    case Object::Btf: return &btf_info_layout;
    case Object::Link: return link_info_layout(link_type);
    default: return nullptr;
    }
}

} // namespace bpfsc::decoder::info
