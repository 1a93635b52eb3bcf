// The list of every typed attr member (see attr_member.h).
#include "attr_member.h"

#include <array>

namespace bpfsc::decoder {

namespace {
#define BPFSC_POINT_AT(NS, S, m) &attr::NS::m,
#define BPFSC_POINT_AT_NESTED(NS, S, g, m) &attr::NS::g::m,
constexpr std::array k_all{BPFSC_ATTR_MEMBERS(BPFSC_POINT_AT, BPFSC_POINT_AT_NESTED)};
#undef BPFSC_POINT_AT
#undef BPFSC_POINT_AT_NESTED
} // namespace

std::span<const AttrMember* const> all_attr_members() { return k_all; }

} // namespace bpfsc::decoder
