// The names of the BPF helpers by id (enum bpf_func_id of Linux 6.18), as
// the kernel's verifier prints them in "call bpf_map_lookup_elem#1".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bpfsc::decoder::disasm {

// Helper ids 0 (BPF_FUNC_unspec) .. 211 (BPF_FUNC_cgrp_storage_delete).
inline constexpr std::size_t kHelperIdCount = 212;

// "bpf_map_lookup_elem" for 1; an empty view for an id 6.18 does not have.
std::string_view helper_name(int64_t id);

} // namespace bpfsc::decoder::disasm
