// The kernel's function symbols (/proc/kallsyms), for the calls of xlated
// instructions: BPF_OBJ_GET_INFO_BY_FD gives each helper or kfunc call as
// an address relative to __bpf_call_base, and bpftool names it by the
// symbol there ("call __htab_map_lookup_elem#354352"). Loaded once, on the
// first program that needs it; names live as long as the table.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bpfsc::decoder {

class KernelSymbols {
public:
    // The text symbols of a kallsyms file; nullptr when it cannot be read,
    // lacks __bpf_call_base, or hides addresses (kptr_restrict: all zero).
    static std::unique_ptr<KernelSymbols> load(const char* path = "/proc/kallsyms");

    // The address a call with this imm jumps to.
    uint64_t call_address(int32_t imm) const { return call_base_ + uint64_t(int64_t(imm)); }
    // The first symbol at that address ("" when none starts there).
    std::string_view call_target(int32_t imm) const;
    // Every symbol at that address (aliases), in file order.
    std::vector<std::string_view> names_at(uint64_t address) const;

private:
    struct Symbol {
        uint64_t address;
        uint32_t name_offset;  // into names_
        uint32_t name_length;
    };
    std::span<const Symbol> at(uint64_t address) const;
    std::string_view name_of(const Symbol& s) const { return std::string_view(names_).substr(s.name_offset, s.name_length); }

    uint64_t call_base_ = 0;
    std::vector<Symbol> symbols_;  // sorted by address, stable
    std::string names_;
};

} // namespace bpfsc::decoder
