// Feature probes: the bpf() calls a loader makes not to do its work but to
// ask the kernel what it supports (libbpf loads a 2-instruction program
// calling bpf_ktime_get_coarse_ns to learn whether memory is charged to
// the cgroup; bpftool creates one map of every type). A probe is named by
// who makes it, the feature it asks about and the kernel's answer as the
// loader reads it, which is not always the call's success: libbpf's perf
// link probe wants EBADF. The facts behind each signature are in
// docs/feature-probes.md; recogniser.h finds them in a trace.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bpfsc::probes {

// Who makes the probe (the library that sends it).
enum class Prober : uint8_t { Libbpf, Bpftool, Bpftrace };

// What a probe asks. The first group are libbpf's internal FEAT_* probes,
// then libbpf's public probe API (used by bpftool and bpftrace), then
// bpftool's and bpftrace's own.
enum class Feature : uint8_t {
    MemcgAccount,     // memory charged to the memory cgroup (no RLIMIT_MEMLOCK needed)
    ProgLoading,      // a trivial program loads at all (bpf_object__load's first check)
    ProgName,         // BPF_PROG_LOAD takes prog_name
    GlobalData,       // map-value relocations (.data, .rodata, .bss)
    Btf,              // minimal BTF
    BtfFunc,          // BTF_KIND_FUNC and FUNC_PROTO
    BtfGlobalFunc,    // global BTF functions
    BtfDatasec,       // BTF_KIND_VAR and DATASEC
    BtfQmarkDatasec,  // DATASEC names starting with '?'
    BtfFloat,         // BTF_KIND_FLOAT
    BtfDeclTag,       // BTF_KIND_DECL_TAG
    BtfTypeTag,       // BTF_KIND_TYPE_TAG
    BtfEnum64,        // BTF_KIND_ENUM64
    BtfLayout,        // the BTF header's layout section
    ModuleBtf,        // kernel module BTF (BTF objects have names)
    ArrayMmap,        // mmap() of array maps
    ExpAttachType,    // BPF_PROG_LOAD takes expected_attach_type
    ProbeReadKernel,  // the bpf_probe_read_kernel helper
    ProgBindMap,      // BPF_PROG_BIND_MAP
    PerfLink,         // BPF links for perf events
    BpfCookie,        // the bpf_get_attach_cookie helper
    UprobeMultiLink,  // multi-uprobe links
    UprobeMultiPid,   // multi-uprobe links check their pid
    ArgCtxTag,        // the kernel reads decl_tag "arg:ctx" of global functions
    LdImm64FullRange, // map-value offsets of any size in ld_imm64
    CommonAttrs,      // bpf() takes the common attributes (BPF_COMMON_ATTRS)
    ProgType,         // programs of one type load (libbpf_probe_bpf_prog_type)
    MapType,          // maps of one type can be made (libbpf_probe_bpf_map_type)
    Helper,           // programs of one type may call one helper (libbpf_probe_bpf_helper)
    MemlockRlimit,    // bpftool: RLIMIT_MEMLOCK still limits BPF memory
    BpfSyscall,       // bpftool: bpf() exists
    LargeInsnLimit,   // bpftool: programs over 4096 instructions
    BoundedLoops,     // bpftool: bounded loops
    IsaV2,            // bpftool: ISA v2 jumps (JLT, JLE, JSLT, JSLE)
    IsaV3,            // bpftool: ISA v3 (32-bit jumps)
    IsaV4,            // bpftool: ISA v4 (gotol, JMP32 JA)
    InsnLimit,        // bpftrace: the verifier's instruction limit
    Loops,            // bpftrace: loops
    MapBatch,         // bpftrace: the batch map commands
    KprobeMulti,      // bpftrace: multi-kprobe links
    KprobeSession,    // bpftrace: kprobe session links
    UprobeMulti,      // bpftrace: multi-uprobe links
    RawTpSpecial,     // bpftrace: BPF_PROG_TEST_RUN of raw tracepoint programs
    Fentry,           // bpftrace: fentry programs attach
    Iter,             // bpftrace: a BPF iterator
    Dpath,            // bpftrace: the bpf_d_path helper
    SkbOutput,        // bpftrace: the bpf_skb_output helper
    BtfGlobalFuncRaw, // bpftrace 0.20-0.25: global functions in header-less BTF (always refused)
};

// The kernel's answer, as the prober reads it.
enum class Answer : uint8_t {
    Yes,
    No,
    Step,  // a call on the way to the probe's question (the program a link probe links)
};

struct Probe {
    Prober by = Prober::Libbpf;
    Feature feature = Feature::ProgLoading;
    Answer answer = Answer::Yes;
    uint32_t subject = 0;     // ProgType, Helper: the program type; MapType: the map type
    uint32_t helper = 0;      // Helper: the helper's id
    std::string_view reason;  // why the answer is what it is, where the call's result does not say it ("")

    friend bool operator==(const Probe&, const Probe&) = default;
};

// "libbpf", "bpftool", "bpftrace".
std::string_view prober_name(Prober by);
// A short name for the collapsed line: "BTF float", "perf link",
// "kprobe programs" (ProgType), "hash maps" (MapType), "bpf_d_path in kprobe" (Helper).
std::string short_name(const Probe& p);
// The kind of subject, for grouping many probes of one kind: "program
// types", "map types", "helpers"; "" for the others.
std::string_view group_name(Feature f);
// The commentary line: "libbpf probes whether the kernel supports
// BTF_KIND_FLOAT: yes", "libbpf probes whether the kernel supports BPF
// perf links: yes (EBADF is the answer it wants: ...)".
std::string describe(const Probe& p);
// The wire name of the feature in JSON: "btf_float", "perf_link", "prog_type".
std::string_view feature_key(Feature f);
std::string_view answer_key(Answer a);

} // namespace bpfsc::probes
