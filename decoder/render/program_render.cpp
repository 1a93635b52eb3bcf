// The program of a BPF_PROG_LOAD (see program_render.h): the disassembler
// (disasm/) fed with what the call and its BTF tell about the program.
#include "program_render.h"

#include <algorithm>
#include <cstring>

#include "../btf/btf_types.h"
#include "../disasm/disasm.h"
#include "../disasm/helper_names.h"
#include "../disasm/summary.h"
#include "../kernel_symbols.h"
#include "json.h"

namespace bpfsc::decoder {

namespace {

using It = std::back_insert_iterator<OutBuf>;

std::span<const disasm::Insn> insns_of(const ProgramData& p) {
    return p.insns;
}

// "map#13:hash:config" -> id 13 and name "config".
void split_label(std::string_view label, std::string_view& id, std::string_view& name) {
    if (!label.starts_with("map#")) return;
    label.remove_prefix(4);
    id = label.substr(0, label.find(':'));
    const std::size_t type_end = label.find(':', id.size() + 1);
    if (type_end != std::string_view::npos) name = label.substr(type_end + 1);
}

// What the call knows about the program, for the disassembler.
class CallAnnotator : public disasm::Annotator {
public:
    explicit CallAnnotator(const DecodedCall& call) : call_(call), p_(call.program) {}

    bool map_text(const disasm::MapRef& ref, fmt::memory_buffer& out) override {
        for (const InsnMap& m : call_.insn_maps) {
            const bool same = ref.kind == disasm::MapRefKind::Fd ? m.index < 0 && m.fd == ref.number
                                                                 : m.index == ref.number;
            if (!same || m.label.empty()) continue;
            std::string_view id, name;
            split_label(std::string_view(m.label.data(), m.label.size()), id, name);
            if (id.empty()) return false;
            fmt::format_to(It(out), "map[id:{}]", id);
            if (!name.empty()) fmt::format_to(It(out), "<{}>", name);
            return true;
        }
        return false;
    }

    bool kfunc_name(int32_t btf_id, int16_t fd_array_index, fmt::memory_buffer& out) override {
        if (fd_array_index != 0 || p_.vmlinux == nullptr) return false;
        return append_name(*p_.vmlinux, uint32_t(btf_id), out);
    }

    bool ksym_name(int32_t btf_id, int32_t btf_fd, fmt::memory_buffer& out) override {
        if (btf_fd != 0 || p_.vmlinux == nullptr) return false;
        return append_name(*p_.vmlinux, uint32_t(btf_id), out);
    }

    // Xlated calls: the kernel function at the address, as bpftool names it
    // (its hex address where no symbol starts there).
    bool kernel_call_name(int32_t imm, fmt::memory_buffer& out) override {
        if (p_.ksyms == nullptr) return false;
        const std::string_view name = p_.ksyms->call_target(imm);
        if (name.empty()) fmt::format_to(It(out), "{:#x}", p_.ksyms->call_address(imm));
        else put(out, name);
        return true;
    }

    bool function_at(uint32_t index, fmt::memory_buffer& out) override {
        if (p_.btf == nullptr || p_.func_info_rec_size < 8) return false;
        const std::size_t n = p_.func_info.size() / p_.func_info_rec_size;
        for (std::size_t i = 0; i < n; ++i) {
            uint32_t rec[2];
            std::memcpy(rec, p_.func_info.data() + i * p_.func_info_rec_size, sizeof rec);
            if (rec[0] != index) continue;
            p_.btf->append_function(out, rec[1]);
            return true;
        }
        return false;
    }

    bool source_line_at(uint32_t index, fmt::memory_buffer& out) override {
        if (p_.btf == nullptr || p_.line_info_rec_size < 16) return false;
        const std::size_t n = p_.line_info.size() / p_.line_info_rec_size;
        // Records are sorted by instruction (the kernel insists): a binary search.
        std::size_t lo = 0, hi = n;
        while (lo < hi) {
            const std::size_t mid = (lo + hi) / 2;
            uint32_t off;
            std::memcpy(&off, p_.line_info.data() + mid * p_.line_info_rec_size, 4);
            if (off < index) lo = mid + 1;
            else hi = mid;
        }
        if (lo == n) return false;
        uint32_t rec[4];  // insn_off, file_name_off, line_off, line_col
        std::memcpy(rec, p_.line_info.data() + lo * p_.line_info_rec_size, sizeof rec);
        if (rec[0] != index) return false;
        std::string_view text = p_.btf->name_at(rec[2]);
        // Without its indentation, as the verifier and bpftool show it.
        text.remove_prefix(std::min(text.size(), text.find_first_not_of(" \t")));
        if (text.empty()) return false;
        // Source text from the loader's BTF: keep it on one printable line.
        for (const char c : text) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
        return true;
    }

private:
    static bool append_name(const BtfTypes& btf, uint32_t id, fmt::memory_buffer& out) {
        const std::string_view name = btf.name_of(id);
        if (name.empty()) return false;
        put(out, name);
        return true;
    }

    const DecodedCall& call_;
    const ProgramData& p_;
};

bool has_program(const ProgramData& p) { return !p.insns.empty() || p.insns_error != 0; }

disasm::Origin origin_of(const ProgramData& p) { return p.xlated ? disasm::Origin::Xlated : disasm::Origin::Load; }

} // namespace

void append_program_text(OutBuf& out, const DecodedCall& call, bool verbose) {
    const ProgramData& p = call.program;
    if (!has_program(p)) return;
    const std::size_t line_start = out.size();
    const std::span<const disasm::Insn> insns = insns_of(p);
    put(out, p.xlated ? "  xlated program: " : "  program: ");
    CallAnnotator annotator(call);
    disasm::append_summary(disasm::summarize(insns, origin_of(p)), out, &annotator);
    if (p.insns_error != 0) {
        const std::string_view name = errno_name(p.insns_error);
        fmt::format_to(It(out), " (unreadable after {} bytes: {})", p.insns.size() * sizeof(disasm::Insn),
                       name.empty() ? "E???" : name);
    } else if (p.insns.size() * sizeof(disasm::Insn) < p.insns_wanted) {
        fmt::format_to(It(out), " (the first {} of {} bytes)", p.insns.size() * sizeof(disasm::Insn), p.insns_wanted);
    }
    // The hint where it fits in a line of 160 columns (README's width budget).
    constexpr std::string_view kHint = " (-v disassembles it)";
    if (!verbose && out.size() - line_start + kHint.size() <= 160) put(out, kHint);
    out.push_back('\n');
    if (!verbose) return;
    disasm::Options o;
    o.origin = origin_of(p);
    o.annotator = &annotator;
    o.indent = "    ";
    disasm::append_disasm(insns, out, o);
}

void append_program_json(OutBuf& out, const DecodedCall& call, bool verbose) {
    const ProgramData& p = call.program;
    if (!has_program(p)) return;
    const std::span<const disasm::Insn> insns = insns_of(p);
    const disasm::InsnSummary s = disasm::summarize(insns, origin_of(p));
    fmt::format_to(It(out), ",\"program\":{{\"xlated\":{},\"insns\":{},\"read\":{},\"helpers\":[", p.xlated, s.insn_slots(),
                   p.insns.size() * sizeof(disasm::Insn));
    bool first = true;
    for (const uint8_t id : s.helpers()) {
        fmt::format_to(It(out), "{}\"{}\"", first ? "" : ",", disasm::helper_name(id));
        first = false;
    }
    fmt::format_to(It(out), "],\"kfunc_calls\":{},\"subprogram_calls\":{},\"tail_calls\":{}", s.kfunc_calls,
                   s.subprogram_calls, s.has_tail_call());
    CallAnnotator annotator(call);
    if (p.xlated) {
        // The kernel functions called, by name where the symbols are known.
        put(out, ",\"kernel_calls\":[");
        first = true;
        for (const int32_t imm : s.kernel_calls()) {
            if (!first) out.push_back(',');
            first = false;
            fmt::memory_buffer name;
            disasm::append_kernel_call(&annotator, imm, name);
            append_json_string(out, std::string_view(name.data(), name.size()));
        }
        fmt::format_to(It(out), "],\"kernel_calls_left_out\":{}", s.kernel_calls_left_out);
    }
    if (p.insns_error != 0) fmt::format_to(It(out), ",\"error\":\"{}\"", errno_name(p.insns_error));
    if (verbose) {
        disasm::Options o;
        o.origin = origin_of(p);
        o.annotator = &annotator;
        OutBuf listing;
        disasm::append_disasm(insns, listing, o);
        put(out, ",\"listing\":");
        append_json_string(out, std::string_view(listing.data(), listing.size()));
    }
    out.push_back('}');
}

} // namespace bpfsc::decoder
