// The shapes of probe calls taken one at a time (see signatures.h; the
// facts are in docs/feature-probes.md, sections 2 to 7).
#include "signatures.h"

#include <linux/bpf.h>
#include <linux/btf.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include <bpf/btf.h>

#include "../btf/btf_types.h"

namespace bpfsc::probes::detail {

namespace {

using decoder::DecodedCall;
using uapi::bpf_insn_raw;

// One instruction as a probe writes it: opcode, dst | src << 4, off, imm.
struct Insn {
    uint8_t code;
    uint8_t regs;
    int16_t off;
    int32_t imm;
};

constexpr uint8_t kMovK = 0xb7;    // BPF_ALU64 | BPF_MOV | BPF_K
constexpr uint8_t kMovX = 0xbf;    // BPF_ALU64 | BPF_MOV | BPF_X
constexpr uint8_t kAddK = 0x07;    // BPF_ALU64 | BPF_ADD | BPF_K
constexpr uint8_t kSubK = 0x17;    // BPF_ALU64 | BPF_SUB | BPF_K
constexpr uint8_t kJneK = 0x55;    // BPF_JMP | BPF_JNE | BPF_K
constexpr uint8_t kJltK = 0xa5;    // BPF_JMP | BPF_JLT | BPF_K
constexpr uint8_t kJlt32K = 0xa6;  // BPF_JMP32 | BPF_JLT | BPF_K
constexpr uint8_t kJeq32K = 0x16;  // BPF_JMP32 | BPF_JEQ | BPF_K
constexpr uint8_t kJa32 = 0x06;    // BPF_JMP32 | BPF_JA (gotol)
constexpr uint8_t kCall = 0x85;    // BPF_JMP | BPF_CALL
constexpr uint8_t kExit = 0x95;    // BPF_JMP | BPF_EXIT
constexpr uint8_t kLdImm64 = 0x18; // BPF_LD | BPF_IMM | BPF_DW
constexpr uint8_t kStDw = 0x7a;    // BPF_ST | BPF_MEM | BPF_DW
constexpr uint8_t kPseudoMapValue = 2;
constexpr int32_t kProbeReadKernel = 113;
constexpr int32_t kGetFuncIp = 173;

bool same(const bpf_insn_raw& got, const Insn& want) {
    return got.code == want.code && got.regs == want.regs && got.off == want.off && got.imm == want.imm;
}

bool is(std::span<const bpf_insn_raw> got, std::span<const Insn> want) {
    if (got.size() != want.size()) return false;
    for (std::size_t i = 0; i < got.size(); ++i)
        if (!same(got[i], want[i])) return false;
    return true;
}

constexpr Insn kExitInsn{kExit, 0, 0, 0};
constexpr std::array kTrivial{Insn{kMovK, 0, 0, 0}, kExitInsn};
constexpr std::array kProbeReadKernInsns{Insn{kMovX, 0xa1, 0, 0}, Insn{kAddK, 1, 0, -8}, Insn{kMovK, 2, 0, 8},
                                        Insn{kMovK, 3, 0, 0}, Insn{kCall, 0, 0, kProbeReadKernel}, kExitInsn};
constexpr std::array kBoundedLoop{Insn{kMovK, 0, 0, 10}, Insn{kSubK, 0, 0, 1}, Insn{kJneK, 0, -2, 0}, kExitInsn};
constexpr std::array kIsaV2{Insn{kMovK, 0, 0, 0}, Insn{kJltK, 0, 1, 0}, Insn{kMovK, 0, 0, 1}, kExitInsn};
constexpr std::array kIsaV3{Insn{kMovK, 0, 0, 0}, Insn{kJlt32K, 0, 1, 0}, Insn{kMovK, 0, 0, 1}, kExitInsn};
constexpr std::array kIsaV4{Insn{kMovK, 0, 0, 0}, Insn{kJeq32K, 0, 1, 1}, Insn{kJa32, 0, 0, 1},
                            Insn{kMovK, 0, 0, 1}, kExitInsn};
constexpr std::array kBpftraceLoop{Insn{kMovK, 0, 0, 0}, Insn{kAddK, 0, 0, 1}, Insn{kJltK, 0, -2, 4}, kExitInsn};
constexpr std::array kLdImm64Zero{Insn{kLdImm64, 0, 0, 0}, Insn{0, 0, 0, 0}, kExitInsn};

// ld_imm64 r1 = (map value of some fd) + `offset`, as its two slots.
bool map_value_load(std::span<const bpf_insn_raw> two, int32_t offset) {
    return two.size() == 2 && two[0].code == kLdImm64 && two[0].regs == (1 | kPseudoMapValue << 4) &&
           two[0].off == 0 && same(two[1], Insn{0, 0, 0, offset});
}

std::string_view chars_at(const DecodedCall& call, std::size_t offset, std::size_t width) {
    const std::size_t end = std::min<std::size_t>({offset + width, call.readable, call.size});
    if (end <= offset) return {};
    const char* p = reinterpret_cast<const char*>(call.entry_bytes.data()) + offset;
    std::string_view s(p, end - offset);
    return s.substr(0, s.find('\0'));
}

Shape make(Prober by, Feature f, Answer a, bool weak = false) {
    Shape s;
    s.probe.by = by;
    s.probe.feature = f;
    s.probe.answer = a;
    s.weak = weak;
    return s;
}
Answer loaded(const DecodedCall& call) { return call.ret >= 0 ? Answer::Yes : Answer::No; }
bool log_says(const DecodedCall& call, std::string_view text) { return call.log.find(text) != std::string::npos; }

constexpr int kEnotsupp = 524;          // the kernel's internal ENOTSUPP, which struct_ops probes want
constexpr uint64_t kTokenFdFlag = 1u << 16;  // BPF_F_TOKEN_FD (6.9): a token in the attr, ignored here

// The answer of libbpf_probe_bpf_prog_type(), which for some types wants a
// failure that proves the kernel knows the type.
Shape prog_type_probe(const DecodedCall& call, uint32_t type) {
    Shape s = make(Prober::Libbpf, Feature::ProgType, loaded(call), true);
    s.probe.subject = type;
    switch (type) {
    case BPF_PROG_TYPE_STRUCT_OPS:
        s.probe.answer = call.ret == -kEnotsupp ? Answer::Yes : Answer::No;
        if (s.probe.answer == Answer::Yes) s.probe.reason = "ENOTSUPP is the answer it wants: the type exists";
        break;
    case BPF_PROG_TYPE_TRACING:
    case BPF_PROG_TYPE_LSM:
        s.probe.answer = call.ret == -EINVAL && log_says(call, "attach_btf_id 1 is not a function") ? Answer::Yes
                                                                                                   : Answer::No;
        if (s.probe.answer == Answer::Yes) s.probe.reason = "the verifier's refusal of BTF id 1 is the answer it wants";
        break;
    case BPF_PROG_TYPE_EXT:
        s.probe.answer = call.ret == -EINVAL && log_says(call, "Cannot replace kernel functions") ? Answer::Yes
                                                                                                 : Answer::No;
        if (s.probe.answer == Answer::Yes) s.probe.reason = "the verifier's refusal is the answer it wants";
        break;
    default: break;
    }
    return s;
}

// libbpf_probe_bpf_helper(): decided by the verifier's words, not the errno.
Shape helper_probe(const DecodedCall& call, uint32_t type, uint32_t helper) {
    Shape s = make(Prober::Libbpf, Feature::Helper, Answer::Yes);
    s.probe.subject = type;
    s.probe.helper = helper;
    if (call.ret >= 0) return s;
    if (log_says(call, "invalid func ") || log_says(call, "unknown func ")) {
        s.probe.answer = Answer::No;
    } else if (log_says(call, "program of this type cannot use helper ")) {
        s.probe.answer = Answer::No;
        s.probe.reason = "the verifier refused the helper for this type; libbpf before 1.5 reads this as yes";
    } else {
        s.probe.reason = "the verifier knew the helper and objected only to its arguments";
    }
    return s;
}

} // namespace

std::string_view object_name(const DecodedCall& call) {
    if (call.cmd == uapi::BPF_PROG_LOAD)
        return chars_at(call, offsetof(uapi::prog_load_attr, prog_name), sizeof(uapi::prog_load_attr::prog_name));
    if (call.cmd == uapi::BPF_MAP_CREATE)
        return chars_at(call, offsetof(uapi::map_create_attr, map_name), sizeof(uapi::map_create_attr::map_name));
    return {};
}

ProgShape prog_shape(const DecodedCall& call, uint32_t* helper) {
    const auto& insns = call.program.insns;
    const uint64_t count = BPFSC_PROBE_IN(call, prog_load_attr, insn_cnt);
    if (count == 4097 && insns.size() == 4097) {
        for (std::size_t i = 0; i + 1 < insns.size(); ++i)
            if (!same(insns[i], Insn{kMovK, 0, 0, 1})) return ProgShape::Other;
        return same(insns.back(), kExitInsn) ? ProgShape::LargeProgram : ProgShape::Other;
    }
    if (count != insns.size() || count > 6) return ProgShape::Other;
    const std::span<const bpf_insn_raw> p(insns.data(), insns.size());
    if (is(p, kTrivial)) return ProgShape::Trivial;
    if (p.size() == 2 && p[0].code == kCall && p[0].regs == 0 && p[0].off == 0 && p[0].imm > 0 && same(p[1], kExitInsn)) {
        *helper = uint32_t(p[0].imm);
        return ProgShape::CallExit;
    }
    if (p.size() == 5 && map_value_load(p.subspan(0, 2), 16) && same(p[2], Insn{kStDw, 1, 0, 42}) &&
        same(p[3], kTrivial[0]) && same(p[4], kExitInsn))
        return ProgShape::GlobalData;
    if (p.size() == 3 && map_value_load(p.subspan(0, 2), 0x40000000) && same(p[2], kExitInsn))
        return ProgShape::LdImm64Range;
    if (is(p, kProbeReadKernInsns)) return ProgShape::ProbeReadKern;
    if (is(p, kBoundedLoop)) return ProgShape::BoundedLoop;
    if (is(p, kIsaV2)) return ProgShape::IsaV2;
    if (is(p, kIsaV3)) return ProgShape::IsaV3;
    if (is(p, kIsaV4)) return ProgShape::IsaV4;
    if (is(p, kBpftraceLoop)) return ProgShape::BpftraceLoop;
    if (is(p, kLdImm64Zero)) return ProgShape::LdImm64Zero;
    if (p.size() == 4 && same(p[0], Insn{kCall, 0x10, 0, 1}) && same(p[1], kExitInsn) &&
        same(p[2], Insn{kCall, 0, 0, kGetFuncIp}) && same(p[3], kExitInsn))
        return ProgShape::ArgCtx;
    return ProgShape::Other;
}

std::optional<Shape> prog_load_shape(const DecodedCall& call) {
    if (call.attr_state != decoder::AttrState::Ok || call.program.xlated) return std::nullopt;
    const uint32_t type = uint32_t(BPFSC_PROBE_IN(call, prog_load_attr, prog_type));
    const uint32_t expected = uint32_t(BPFSC_PROBE_IN(call, prog_load_attr, expected_attach_type));
    const uint64_t log_level = BPFSC_PROBE_IN(call, prog_load_attr, log_level);
    const bool has_btf = BPFSC_PROBE_IN(call, prog_load_attr, prog_btf_fd) != 0 ||
                         BPFSC_PROBE_IN(call, prog_load_attr, func_info_cnt) != 0;
    const std::string_view name = object_name(call);

    // bpftool's have_bpf_syscall: a load with nothing in it.
    if (BPFSC_PROBE_IN(call, prog_load_attr, insn_cnt) == 0 && BPFSC_PROBE_IN(call, prog_load_attr, insns) == 0 &&
        type == 0 && BPFSC_PROBE_IN(call, prog_load_attr, license) == 0) {
        Shape s = make(Prober::Bpftool, Feature::BpfSyscall, call.ret == -ENOSYS ? Answer::No : Answer::Yes, true);
        if (call.ret < 0 && call.ret != -ENOSYS) s.probe.reason = "any error but ENOSYS means bpf() exists";
        return s;
    }

    uint32_t helper = 0;
    switch (prog_shape(call, &helper)) {
    case ProgShape::Trivial:
        if (has_btf) return std::nullopt;
        if (name == "libbpf_nametest" && type == BPF_PROG_TYPE_SOCKET_FILTER)
            return make(Prober::Libbpf, Feature::ProgName, loaded(call));
        if (type == BPF_PROG_TYPE_CGROUP_SOCK && expected == BPF_CGROUP_INET_SOCK_CREATE && name.empty())
            return make(Prober::Libbpf, Feature::ExpAttachType, loaded(call), true);
        if (type == BPF_PROG_TYPE_KPROBE && (name == "ksys_read" || name == "uprobe_multi") &&
            (expected == uapi::BPF_TRACE_KPROBE_MULTI || expected == uapi::BPF_TRACE_KPROBE_SESSION ||
             expected == uapi::BPF_TRACE_UPROBE_MULTI)) {
            const Feature f = expected == uapi::BPF_TRACE_KPROBE_MULTI     ? Feature::KprobeMulti
                              : expected == uapi::BPF_TRACE_KPROBE_SESSION ? Feature::KprobeSession
                                                                           : Feature::UprobeMulti;
            Shape s = make(Prober::Bpftrace, f, Answer::Step);
            s.probe.reason = "first, the program to link";
            if (call.ret < 0) s.probe.answer = Answer::No;
            return s;
        }
        if (type == BPF_PROG_TYPE_KPROBE && expected == uapi::BPF_TRACE_UPROBE_MULTI && name.empty()) {
            Shape s = make(Prober::Libbpf, Feature::UprobeMultiLink, call.ret >= 0 ? Answer::Step : Answer::No, true);
            s.probe.reason = "first, the program to link";
            return s;
        }
        if (type == BPF_PROG_TYPE_TRACING && name == "sched_fork" && expected == uapi::BPF_TRACE_FENTRY)
            return make(Prober::Bpftrace, Feature::Fentry, loaded(call));
        if (type == BPF_PROG_TYPE_TRACING && name.starts_with("bpf_iter_") && expected == uapi::BPF_TRACE_ITER)
            return make(Prober::Bpftrace, Feature::Iter, loaded(call));
        if (!name.empty()) return std::nullopt;
        return prog_type_probe(call, type);
    case ProgShape::CallExit:
        if (has_btf || !name.empty()) return std::nullopt;
        if (log_level == 0 && helper == 160 /* bpf_ktime_get_coarse_ns */ && type == BPF_PROG_TYPE_SOCKET_FILTER) {
            Shape s = make(Prober::Libbpf, Feature::MemcgAccount, loaded(call));
            s.probe.reason = call.ret >= 0 ? "so it leaves RLIMIT_MEMLOCK as it is" : "so it raises RLIMIT_MEMLOCK";
            return s;
        }
        if (log_level == 0 && helper == 174 /* bpf_get_attach_cookie */ &&
            (type == BPF_PROG_TYPE_KPROBE || type == BPF_PROG_TYPE_TRACEPOINT))
            return make(Prober::Libbpf, Feature::BpfCookie, loaded(call));
        if (log_level != 0 && BPFSC_PROBE_IN(call, prog_load_attr, log_size) >= 4096)
            return helper_probe(call, type, helper);
        return std::nullopt;
    case ProgShape::GlobalData:
        if (type != BPF_PROG_TYPE_SOCKET_FILTER) return std::nullopt;
        return make(Prober::Libbpf, Feature::GlobalData, loaded(call));
    case ProgShape::LdImm64Range: {
        if (name != "global_reloc") return std::nullopt;
        Shape s = make(Prober::Libbpf, Feature::LdImm64FullRange, Answer::No);
        if (log_level == 0 && call.ret == -EINVAL) {
            s.probe.answer = Answer::Step;
            s.probe.reason = "refused at once for a log buffer without a log level; it asks again with level 1";
        } else if (log_says(call, "invalid access to map value pointer")) {
            s.probe.answer = Answer::Yes;
            s.probe.reason = "the verifier took the offset and objected only to the access";
        } else if (log_says(call, "direct value offset of")) {
            s.probe.reason = "the verifier refused the offset";
        }
        return s;
    }
    case ProgShape::ProbeReadKern:
        if (type != BPF_PROG_TYPE_TRACEPOINT) return std::nullopt;
        return make(Prober::Libbpf, Feature::ProbeReadKernel, loaded(call));
    case ProgShape::LargeProgram: return make(Prober::Bpftool, Feature::LargeInsnLimit, loaded(call));
    case ProgShape::BoundedLoop: return make(Prober::Bpftool, Feature::BoundedLoops, loaded(call));
    case ProgShape::IsaV2: return make(Prober::Bpftool, Feature::IsaV2, loaded(call));
    case ProgShape::IsaV3: return make(Prober::Bpftool, Feature::IsaV3, loaded(call));
    case ProgShape::IsaV4: return make(Prober::Bpftool, Feature::IsaV4, loaded(call));
    case ProgShape::BpftraceLoop:
        if (type != BPF_PROG_TYPE_TRACEPOINT) return std::nullopt;
        return make(Prober::Bpftrace, Feature::Loops, loaded(call));
    case ProgShape::LdImm64Zero:
        if (type != BPF_PROG_TYPE_KPROBE || log_level == 0) return std::nullopt;
        return make(Prober::Bpftrace, Feature::InsnLimit, loaded(call));
    case ProgShape::ArgCtx:
        if (name != "det_arg_ctx") return std::nullopt;
        return make(Prober::Libbpf, Feature::ArgCtxTag, loaded(call));
    case ProgShape::Other: break;
    }
    return std::nullopt;
}

std::optional<Shape> map_create_shape(const DecodedCall& call) {
    if (call.attr_state != decoder::AttrState::Ok) return std::nullopt;
    const uint32_t type = uint32_t(BPFSC_PROBE_IN(call, map_create_attr, map_type));
    const uint64_t key = BPFSC_PROBE_IN(call, map_create_attr, key_size);
    const uint64_t value = BPFSC_PROBE_IN(call, map_create_attr, value_size);
    const uint64_t entries = BPFSC_PROBE_IN(call, map_create_attr, max_entries);
    const uint64_t flags = BPFSC_PROBE_IN(call, map_create_attr, map_flags) & ~kTokenFdFlag;
    const uint64_t inner = BPFSC_PROBE_IN(call, map_create_attr, inner_map_fd);
    const uint64_t btf = BPFSC_PROBE_IN(call, map_create_attr, btf_fd);
    const uint64_t vmlinux_value = BPFSC_PROBE_IN(call, map_create_attr, btf_vmlinux_value_type_id);
    const std::string_view name = object_name(call);

    if (type == BPF_MAP_TYPE_ARRAY && key == 4 && entries == 1 && btf == 0) {
        if (value == 32 && flags == 0 && (name == "libbpf_global" || name == "libbpf_det_bind")) {
            Shape s = make(Prober::Libbpf, name == "libbpf_global" ? Feature::GlobalData : Feature::ProgBindMap,
                           call.ret >= 0 ? Answer::Step : Answer::No);
            s.probe.reason = "first, the map its program uses";
            return s;
        }
        if (value == 4 && flags == BPF_F_MMAPABLE && (name == "libbpf_mmap" || name.empty()))
            return make(Prober::Libbpf, Feature::ArrayMmap, loaded(call), name.empty());
        if (value == 1 && flags == 0 && name == "arr") {
            Shape s = make(Prober::Libbpf, Feature::LdImm64FullRange, call.ret >= 0 ? Answer::Step : Answer::No, true);
            s.probe.reason = "first, the map its program loads from";
            return s;
        }
    }
    if (!name.empty()) return std::nullopt;
    // libbpf_probe_bpf_map_type()'s maps (bpftrace's are the same).
    bool shape = false;
    switch (type) {
    case BPF_MAP_TYPE_STACK_TRACE: shape = key == 4 && value == 8 && entries == 1 && flags == 0; break;
    case BPF_MAP_TYPE_LPM_TRIE: shape = key == 8 && value == 8 && entries == 1 && flags == BPF_F_NO_PREALLOC; break;
    case BPF_MAP_TYPE_CGROUP_STORAGE:
    case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE: shape = key == 16 && value == 8 && entries == 0; break;
    case BPF_MAP_TYPE_QUEUE:
    case BPF_MAP_TYPE_STACK:
    case BPF_MAP_TYPE_BLOOM_FILTER: shape = key == 0 && value == 4 && entries == 1; break;
    case BPF_MAP_TYPE_SK_STORAGE:
    case BPF_MAP_TYPE_INODE_STORAGE:
    case BPF_MAP_TYPE_TASK_STORAGE:
    case 32: /* BPF_MAP_TYPE_CGRP_STORAGE, 6.2 */
        shape = key == 4 && value == 8 && entries == 0 && flags == BPF_F_NO_PREALLOC && btf != 0;
        break;
    case BPF_MAP_TYPE_RINGBUF:
    case BPF_MAP_TYPE_USER_RINGBUF: shape = key == 0 && value == 0 && entries == 4096; break;
    case BPF_MAP_TYPE_STRUCT_OPS: {
        if (key != 4 || value != 4 || entries != 1 || vmlinux_value != 1) break;
        Shape s = make(Prober::Libbpf, Feature::MapType, call.ret == -kEnotsupp ? Answer::Yes : Answer::No, true);
        s.probe.subject = type;
        if (s.probe.answer == Answer::Yes) s.probe.reason = "ENOTSUPP is the answer it wants: the type exists";
        return s;
    }
    case BPF_MAP_TYPE_ARRAY_OF_MAPS:
    case BPF_MAP_TYPE_HASH_OF_MAPS: shape = key == 4 && value == 4 && entries == 1 && inner != 0; break;
    case 33: /* BPF_MAP_TYPE_ARENA, 6.9 */ shape = key == 0 && value == 0 && entries == 1 && flags == BPF_F_MMAPABLE; break;
    case 34: /* BPF_MAP_TYPE_INSN_ARRAY */ shape = key == 4 && value == 16 && entries == 1 && flags == 0; break;
    default:
        // The default shape, and bpftrace's map for its batch probe.
        shape = key == 4 && value == 4 && (entries == 1 || (entries == 10 && type == BPF_MAP_TYPE_HASH)) &&
                (flags == 0 || (flags == BPF_F_NO_PREALLOC && type == 35));
        break;
    }
    if (!shape || (inner != 0 && type != BPF_MAP_TYPE_ARRAY_OF_MAPS && type != BPF_MAP_TYPE_HASH_OF_MAPS))
        return std::nullopt;
    Shape s = make(Prober::Libbpf, Feature::MapType, loaded(call), true);
    s.probe.subject = type;
    return s;
}

namespace {

// One BTF type as a probe writes it: its kind, its name, its vlen.
struct BtfShape {
    uint8_t kind;
    std::string_view name;
    uint16_t vlen;
};

bool btf_is(const decoder::BtfTypes& btf, std::span<const BtfShape> want) {
    if (btf.type_count() != want.size() + 1) return false;
    for (std::size_t i = 0; i < want.size(); ++i) {
        const struct btf_type* t = btf.type(uint32_t(i + 1));
        if (t == nullptr || btf_kind(t) != want[i].kind || btf_vlen(t) != want[i].vlen ||
            btf.name_of(uint32_t(i + 1)) != want[i].name)
            return false;
    }
    return true;
}

struct BtfProbe {
    Feature feature;
    std::span<const BtfShape> types;
};

constexpr std::array kBtfInt{BtfShape{BTF_KIND_INT, "int", 0}};
constexpr std::array kBtfFunc{BtfShape{BTF_KIND_INT, "int", 0}, BtfShape{BTF_KIND_FUNC_PROTO, "", 1},
                              BtfShape{BTF_KIND_FUNC, "x", 0}};
constexpr std::array kBtfGlobalFunc{BtfShape{BTF_KIND_INT, "int", 0}, BtfShape{BTF_KIND_FUNC_PROTO, "", 1},
                                    BtfShape{BTF_KIND_FUNC, "x", 1 /* BTF_FUNC_GLOBAL */}};
constexpr std::array kBtfDatasec{BtfShape{BTF_KIND_INT, "", 0}, BtfShape{BTF_KIND_VAR, "x", 0},
                                 BtfShape{BTF_KIND_DATASEC, ".data", 1}};
constexpr std::array kBtfQmarkDatasec{BtfShape{BTF_KIND_INT, "", 0}, BtfShape{BTF_KIND_VAR, "x", 0},
                                      BtfShape{BTF_KIND_DATASEC, "?.data", 1}};
constexpr std::array kBtfFloat{BtfShape{BTF_KIND_FLOAT, "float", 0}};
constexpr std::array kBtfDeclTag{BtfShape{BTF_KIND_INT, "", 0}, BtfShape{BTF_KIND_VAR, "tag", 0},
                                 BtfShape{BTF_KIND_DECL_TAG, "tag", 0}};
constexpr std::array kBtfTypeTag{BtfShape{BTF_KIND_INT, "", 0}, BtfShape{BTF_KIND_TYPE_TAG, "tag", 0},
                                 BtfShape{BTF_KIND_PTR, "", 0}};
constexpr std::array kBtfEnum64{BtfShape{BTF_KIND_ENUM64, "enum64", 0}};
constexpr std::array kBtfArgCtx{BtfShape{BTF_KIND_INT, "a", 0},        BtfShape{BTF_KIND_PTR, "", 0},
                                BtfShape{BTF_KIND_FUNC_PROTO, "", 1}, BtfShape{BTF_KIND_FUNC, "a", 1},
                                BtfShape{BTF_KIND_FUNC_PROTO, "", 1}, BtfShape{BTF_KIND_FUNC, "b", 1},
                                BtfShape{BTF_KIND_DECL_TAG, "arg:ctx", 0}};
constexpr std::array kBtfSpinLock{BtfShape{BTF_KIND_INT, "", 0}, BtfShape{BTF_KIND_STRUCT, "bpf_spin_lock", 1},
                                  BtfShape{BTF_KIND_STRUCT, "val", 2}};

constexpr std::array kBtfProbes{
    BtfProbe{Feature::Btf, kBtfInt},
    BtfProbe{Feature::BtfFunc, kBtfFunc},
    BtfProbe{Feature::BtfGlobalFunc, kBtfGlobalFunc},
    BtfProbe{Feature::BtfDatasec, kBtfDatasec},
    BtfProbe{Feature::BtfQmarkDatasec, kBtfQmarkDatasec},
    BtfProbe{Feature::BtfFloat, kBtfFloat},
    BtfProbe{Feature::BtfDeclTag, kBtfDeclTag},
    BtfProbe{Feature::BtfTypeTag, kBtfTypeTag},
    BtfProbe{Feature::BtfEnum64, kBtfEnum64},
};

constexpr uint64_t kMaxProbeBtf = 200;  // bytes: probe blobs are 43 to 154 bytes; object BTF is kilobytes

} // namespace

std::optional<Shape> btf_load_shape(const DecodedCall& call) {
    if (call.attr_state != decoder::AttrState::Ok) return std::nullopt;
    const uint64_t size = BPFSC_PROBE_IN(call, btf_load_attr, btf_size);
    if (size == 0 || size > kMaxProbeBtf) return std::nullopt;
    if (call.btf_blob == nullptr) {
        // Blobs libbpf could not parse: bpftrace's header-less one (48
        // bytes of types, no magic) and the layout probe's newer header.
        if (size == 48 && call.ret == -EINVAL) {
            Shape s = make(Prober::Bpftrace, Feature::BtfGlobalFuncRaw, Answer::No, true);
            s.probe.reason = "the blob has no BTF header, so every kernel refuses it";
            return s;
        }
        if (size == 61) return make(Prober::Libbpf, Feature::BtfLayout, loaded(call), true);
        return std::nullopt;
    }
    const decoder::BtfTypes& btf = *call.btf_blob;
    for (const BtfProbe& p : kBtfProbes)
        if (btf_is(btf, p.types)) return make(Prober::Libbpf, p.feature, loaded(call), true);
    if (btf_is(btf, kBtfArgCtx)) {
        Shape s = make(Prober::Libbpf, Feature::ArgCtxTag, call.ret >= 0 ? Answer::Step : Answer::No, true);
        s.probe.reason = "first, the BTF its program names";
        return s;
    }
    if (btf_is(btf, kBtfSpinLock)) {
        Shape s = make(Prober::Libbpf, Feature::MapType, call.ret >= 0 ? Answer::Step : Answer::No, true);
        s.probe.reason = "first, the BTF a local storage map needs";
        return s;
    }
    return std::nullopt;
}

} // namespace bpfsc::probes::detail
