// The kernel's function symbols (see kernel_symbols.h).
#include "kernel_symbols.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <string>

namespace bpfsc::decoder {

namespace {

// Fields of one kallsyms line: "ffffffff81000000 T _stext [module]".
bool parse_line(std::string_view line, uint64_t& address, char& type, std::string_view& name) {
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 + 3 > line.size() || line[sp1 + 2] != ' ') return false;
    const auto r = std::from_chars(line.data(), line.data() + sp1, address, 16);
    if (r.ec != std::errc() || r.ptr != line.data() + sp1) return false;
    type = line[sp1 + 1];
    name = line.substr(sp1 + 3);
    name = name.substr(0, name.find_first_of(" \t"));
    return !name.empty();
}

} // namespace

std::unique_ptr<KernelSymbols> KernelSymbols::load(const char* path) {
    std::ifstream in(path);
    if (!in) return nullptr;
    auto table = std::unique_ptr<KernelSymbols>(new KernelSymbols);
    std::string text;
    while (std::getline(in, text)) {
        const std::string_view line(text);
        uint64_t address;
        char type;
        std::string_view name;
        if (!parse_line(line, address, type, name) || address == 0) continue;
        if (name == "__bpf_call_base") table->call_base_ = address;
        // Calls go to functions: text symbols, global or local.
        if (type != 't' && type != 'T') continue;
        table->symbols_.push_back({address, uint32_t(table->names_.size()), uint32_t(name.size())});
        table->names_.append(name);
    }
    if (table->call_base_ == 0 || table->symbols_.empty()) return nullptr;
    std::stable_sort(table->symbols_.begin(), table->symbols_.end(),
                     [](const Symbol& a, const Symbol& b) { return a.address < b.address; });
    return table;
}

std::span<const KernelSymbols::Symbol> KernelSymbols::at(uint64_t address) const {
    const auto [lo, hi] = std::equal_range(symbols_.begin(), symbols_.end(), Symbol{address, 0, 0},
                                           [](const Symbol& a, const Symbol& b) { return a.address < b.address; });
    return {lo, hi};
}

std::string_view KernelSymbols::call_target(int32_t imm) const {
    const auto found = at(call_address(imm));
    return found.empty() ? std::string_view() : name_of(found.front());
}

std::vector<std::string_view> KernelSymbols::names_at(uint64_t address) const {
    std::vector<std::string_view> names;
    for (const Symbol& s : at(address)) names.push_back(name_of(s));
    return names;
}

} // namespace bpfsc::decoder
