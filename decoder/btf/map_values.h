// Keys and values of a map, as the map's BTF types them: one value per
// possible CPU for per-CPU maps (`cpu0=1, cpu1=0`), bytes the type cannot
// describe left to the caller (who shows hex).
#pragma once

#include <string_view>

#include "../resolver.h"
#include "value_format.h"

namespace bpfsc::decoder {

// Appends one key (key = true) or one value of `map` held in `bytes`.
// Returns false, having appended nothing, when the map has no BTF type for
// it or the bytes do not fit that type.
bool append_map_typed(OutBuf& out, const MapShape& map, bool key, std::string_view bytes, const ValueFormat& format);

// Bytes one CPU's slot of a per-CPU value takes in user space (value size
// rounded up to 8), or 0 when values are not per CPU.
uint32_t percpu_slot(const MapShape& map);

} // namespace bpfsc::decoder
