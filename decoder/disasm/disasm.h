// BPF instructions as text, in the notation of the kernel's verifier and of
// `bpftool prog dump xlated` (kernel/bpf/disasm.c is the reference for the
// notation):
//
//        0: (b7) r1 = 0
//        5: (85) call bpf_get_current_pid_tgid#14
//        7: (18) r1 = map[id:13]
//       12: (7b) *(u64 *)(r10 -8) = r1
//       14: (15) if r0 == 0x0 goto pc+3
//       20: (95) exit
//
// Every 6.18 encoding has its text; anything else is one line marked
// "invalid:" with the reason and the raw bytes, and an ld_imm64 cut off by
// the end of the span is marked "truncated:". Nothing is read outside the
// span. What only the caller knows (map labels, kfunc names, function
// prototypes, source lines) comes through an Annotator. Text is appended to
// the caller's buffer: no allocation per instruction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "disasm/encoding.h"

namespace bpfsc::decoder::disasm {

// Where instructions come from decides what some of their numbers mean.
enum class Origin : uint8_t {
    // As a loader hands them to BPF_PROG_LOAD: ld_imm64 names maps by fd or
    // fd_array index, kfunc calls by BTF id, subprogram calls pc-relative in
    // imm. Fields the verifier requires to be zero are checked.
    Load,
    // As BPF_OBJ_GET_INFO_BY_FD returns xlated_prog_insns: maps by id, calls
    // by kernel address (imm relative to __bpf_call_base), subprogram calls
    // pc-relative in off, and the verifier's own instructions (r11, nospec,
    // per-CPU address moves). Reserved fields are not checked: the kernel
    // reuses them.
    Xlated,
};

// How an ld_imm64 names a map.
enum class MapRefKind : uint8_t {
    Fd,     // BPF_PSEUDO_MAP_FD / _VALUE at load: imm is an fd of the loader
    Index,  // BPF_PSEUDO_MAP_IDX / _IDX_VALUE: imm indexes fd_array (5.14)
    Id,     // BPF_PSEUDO_MAP_FD / _VALUE in xlated instructions: imm is the map id
};

// One map reference of an ld_imm64.
struct MapRef {
    MapRefKind kind = MapRefKind::Fd;
    uint8_t src_reg = 0;      // BPF_PSEUDO_MAP_FD, _VALUE, _IDX or _IDX_VALUE
    int32_t number = 0;       // the fd, fd_array index or map id (imm)
    bool value = false;       // the address of the value (_VALUE, _IDX_VALUE)
    uint32_t value_off = 0;   // offset into the value (the second slot's imm)
    uint32_t insn = 0;        // index of the ld_imm64
};

// Appends "map[fd:5]", "map[idx:2]" or "map[id:13]": the fallback text of
// a map, without the value suffix.
void append_map_fallback(const MapRef& ref, fmt::memory_buffer& out);

// What only the caller knows. Each method appends its text to `out` and
// returns true, or returns false for the fallback (whatever it appended is
// then dropped). Every method is optional.
class Annotator {
public:
    virtual ~Annotator() = default;
    // The map of an ld_imm64, e.g. "map[id:13]<config>". The disassembler
    // adds "[0]+8" for a reference into the value. Fallback: append_map_fallback.
    virtual bool map_text(const MapRef& ref, fmt::memory_buffer& out);
    // A kfunc called by BTF id (Load); fd_array_index is the call's off:
    // 0 for vmlinux, else the index of the module's BTF fd in fd_array.
    // Fallback: "kernel-function", as the verifier prints it.
    virtual bool kfunc_name(int32_t btf_id, int16_t fd_array_index, fmt::memory_buffer& out);
    // A kernel variable of an ld_imm64 BPF_PSEUDO_BTF_ID (Load); btf_fd is
    // the module's BTF fd, 0 for vmlinux. Fallback: "ksym[btf_id:N]".
    virtual bool ksym_name(int32_t btf_id, int32_t btf_fd, fmt::memory_buffer& out);
    // The kernel function an xlated helper or kfunc call jumps to, at
    // __bpf_call_base + imm (from /proc/kallsyms). Fallback: the helper
    // table for a helper id, else "unknown" ("kernel-function" for kfuncs).
    virtual bool kernel_call_name(int32_t imm, fmt::memory_buffer& out);
    // The function starting at instruction `index` (func_info), e.g.
    // "int hello(void * ctx)"; printed as a line "int hello(void * ctx):".
    virtual bool function_at(uint32_t index, fmt::memory_buffer& out);
    // The source line starting at instruction `index` (line_info), e.g.
    // "int x = 0;" or "int x = 0; @ hello.bpf.c:12"; printed as "; <text>".
    virtual bool source_line_at(uint32_t index, fmt::memory_buffer& out);
};

struct Options {
    Origin origin = Origin::Load;
    Annotator* annotator = nullptr;
    std::string_view indent;   // before every line (renderers indent under the call)
    uint32_t first_index = 0;  // the index of the span's first instruction
    // More instructions follow the span (a caller reading a page at a time):
    // an ld_imm64 in the last slot is left for the next span instead of
    // being printed as truncated.
    bool more_follows = false;
};

// Appends the instruction at insns[at] as one line, preceded by its
// function header and source line if the annotator has them; returns the
// slots it took (2 for a whole ld_imm64, else 1; 0 past the end). An
// ld_imm64 in the span's last slot is printed as truncated.
std::size_t append_insn(std::span<const Insn> insns, std::size_t at, fmt::memory_buffer& out,
                        const Options& options = {});

// Appends every instruction of the span; returns the slots consumed (all of
// them, but for an ld_imm64 left to the next span under more_follows).
std::size_t append_disasm(std::span<const Insn> insns, fmt::memory_buffer& out, const Options& options = {});

} // namespace bpfsc::decoder::disasm
