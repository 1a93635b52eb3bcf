// The names and sentences of feature probes (see probe.h).
#include "probe.h"

#include <array>
#include <cctype>

#include <fmt/format.h>

#include "../disasm/helper_names.h"
#include "../xlat.h"

namespace bpfsc::probes {

namespace {

struct FeatureText {
    Feature feature;
    std::string_view key;       // JSON
    std::string_view brief;     // the collapsed line
    std::string_view question;  // "<prober> probes whether <question>"
};

// In the order of enum Feature (checked by feature_text()).
constexpr std::array kFeatures{
    FeatureText{Feature::MemcgAccount, "memcg_account", "memcg",
                "BPF memory is charged to the memory cgroup"},
    FeatureText{Feature::ProgLoading, "prog_loading", "loading", "the kernel loads a trivial program at all"},
    FeatureText{Feature::ProgName, "prog_name", "program names", "the kernel takes program names"},
    FeatureText{Feature::GlobalData, "global_data", "global data",
                "the kernel supports global data (.data, .rodata, .bss maps loaded through ld_imm64)"},
    FeatureText{Feature::Btf, "btf", "BTF", "the kernel supports BTF"},
    FeatureText{Feature::BtfFunc, "btf_func", "BTF func", "the kernel supports BTF_KIND_FUNC"},
    FeatureText{Feature::BtfGlobalFunc, "btf_global_func", "BTF global func",
                "the kernel supports global functions in BTF"},
    FeatureText{Feature::BtfDatasec, "btf_datasec", "BTF datasec", "the kernel supports BTF_KIND_VAR and BTF_KIND_DATASEC"},
    FeatureText{Feature::BtfQmarkDatasec, "btf_qmark_datasec", "BTF ?datasec",
                "the kernel supports BTF DATASEC names starting with '?'"},
    FeatureText{Feature::BtfFloat, "btf_float", "BTF float", "the kernel supports BTF_KIND_FLOAT"},
    FeatureText{Feature::BtfDeclTag, "btf_decl_tag", "BTF decl_tag", "the kernel supports BTF_KIND_DECL_TAG"},
    FeatureText{Feature::BtfTypeTag, "btf_type_tag", "BTF type_tag", "the kernel supports BTF_KIND_TYPE_TAG"},
    FeatureText{Feature::BtfEnum64, "btf_enum64", "BTF enum64", "the kernel supports BTF_KIND_ENUM64"},
    FeatureText{Feature::BtfLayout, "btf_layout", "BTF layout", "the kernel supports the BTF header's layout section"},
    FeatureText{Feature::ModuleBtf, "module_btf", "module BTF",
                "the kernel supports module BTF (BTF objects that tell their name)"},
    FeatureText{Feature::ArrayMmap, "array_mmap", "array mmap", "the kernel supports mmap() of array maps"},
    FeatureText{Feature::ExpAttachType, "exp_attach_type", "expected attach type",
                "the kernel takes a program's expected_attach_type"},
    FeatureText{Feature::ProbeReadKernel, "probe_read_kernel", "probe_read_kernel",
                "the kernel has the bpf_probe_read_kernel helper"},
    FeatureText{Feature::ProgBindMap, "prog_bind_map", "prog bind map", "the kernel supports BPF_PROG_BIND_MAP"},
    FeatureText{Feature::PerfLink, "perf_link", "perf link", "the kernel supports BPF links for perf events"},
    FeatureText{Feature::BpfCookie, "bpf_cookie", "BPF cookie", "the kernel supports BPF cookies (bpf_get_attach_cookie)"},
    FeatureText{Feature::UprobeMultiLink, "uprobe_multi_link", "uprobe multi link",
                "the kernel supports multi-uprobe links"},
    FeatureText{Feature::UprobeMultiPid, "uprobe_multi_pid", "uprobe multi pid",
                "the kernel checks the pid of a multi-uprobe link"},
    FeatureText{Feature::ArgCtxTag, "arg_ctx_tag", "arg:ctx tag",
                "the kernel reads the decl_tag \"arg:ctx\" of global functions"},
    FeatureText{Feature::LdImm64FullRange, "ldimm64_full_range_off", "ld_imm64 full range",
                "the kernel takes map-value offsets of any size in ld_imm64"},
    FeatureText{Feature::CommonAttrs, "bpf_syscall_common_attrs", "common attrs",
                "bpf() takes common attributes (BPF_COMMON_ATTRS)"},
    FeatureText{Feature::ProgType, "prog_type", "program type", ""},
    FeatureText{Feature::MapType, "map_type", "map type", ""},
    FeatureText{Feature::Helper, "helper", "helper", ""},
    FeatureText{Feature::MemlockRlimit, "memlock_rlimit", "memlock rlimit",
                "the kernel still limits BPF memory by RLIMIT_MEMLOCK"},
    FeatureText{Feature::BpfSyscall, "bpf_syscall", "bpf()", "the kernel has the bpf() system call"},
    FeatureText{Feature::LargeInsnLimit, "large_insn_limit", "large programs",
                "the kernel loads programs of more than 4096 instructions"},
    FeatureText{Feature::BoundedLoops, "bounded_loops", "bounded loops", "the verifier accepts bounded loops"},
    FeatureText{Feature::IsaV2, "isa_v2", "ISA v2", "the kernel supports ISA v2 (JLT, JLE, JSLT, JSLE)"},
    FeatureText{Feature::IsaV3, "isa_v3", "ISA v3", "the kernel supports ISA v3 (32-bit jumps)"},
    FeatureText{Feature::IsaV4, "isa_v4", "ISA v4", "the kernel supports ISA v4 (gotol, sign extension)"},
    FeatureText{Feature::InsnLimit, "insn_limit", "instruction limit", "the verifier's instruction limit is large"},
    FeatureText{Feature::Loops, "loops", "loops", "the verifier accepts loops"},
    FeatureText{Feature::MapBatch, "map_batch", "map batch", "the kernel supports the batch map commands"},
    FeatureText{Feature::KprobeMulti, "kprobe_multi", "kprobe multi", "the kernel supports multi-kprobe links"},
    FeatureText{Feature::KprobeSession, "kprobe_session", "kprobe session", "the kernel supports kprobe session links"},
    FeatureText{Feature::UprobeMulti, "uprobe_multi", "uprobe multi", "the kernel supports multi-uprobe links"},
    FeatureText{Feature::RawTpSpecial, "raw_tp_special", "raw_tp test run",
                "the kernel test-runs raw tracepoint programs (BPF_PROG_TEST_RUN)"},
    FeatureText{Feature::Fentry, "fentry", "fentry", "fentry programs attach"},
    FeatureText{Feature::Iter, "iter", "iterator", "the kernel supports this BPF iterator"},
    FeatureText{Feature::Dpath, "dpath", "d_path", "the kernel has the bpf_d_path helper"},
    FeatureText{Feature::SkbOutput, "skb_output", "skb_output", "the kernel has the bpf_skb_output helper"},
    FeatureText{Feature::BtfGlobalFuncRaw, "btf_func_global", "BTF global func (no header)",
                "the kernel takes global functions in BTF given without a header"},
};

constexpr bool in_order() {
    for (std::size_t i = 0; i < kFeatures.size(); ++i)
        if (std::size_t(kFeatures[i].feature) != i) return false;
    return true;
}
static_assert(in_order(), "kFeatures follows enum Feature");

const FeatureText& text_of(Feature f) { return kFeatures[std::size_t(f)]; }

// "kprobe" for BPF_PROG_TYPE_KPROBE, "hash" for BPF_MAP_TYPE_HASH.
std::string type_word(const decoder::Xlat& table, std::string_view prefix, uint32_t type) {
    std::string_view name = table.name_of(type);
    if (name.empty()) return fmt::format("type {}", type);
    if (name.starts_with(prefix)) name.remove_prefix(prefix.size());
    std::string out(name);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}
std::string prog_word(uint32_t type) { return type_word(decoder::xlat::bpf_prog_type, "BPF_PROG_TYPE_", type); }
std::string map_word(uint32_t type) { return type_word(decoder::xlat::bpf_map_type, "BPF_MAP_TYPE_", type); }
std::string helper_word(uint32_t id) {
    const std::string_view name = decoder::disasm::helper_name(id);
    return name.empty() ? fmt::format("helper {}", id) : std::string(name);
}

std::string_view answer_word(Answer a) {
    switch (a) {
    case Answer::Yes: return "yes";
    case Answer::No: return "no";
    case Answer::Step: return "on the way";
    }
    return {};
}

} // namespace

std::string_view prober_name(Prober by) {
    switch (by) {
    case Prober::Libbpf: return "libbpf";
    case Prober::Bpftool: return "bpftool";
    case Prober::Bpftrace: return "bpftrace";
    }
    return {};
}

std::string short_name(const Probe& p) {
    switch (p.feature) {
    case Feature::ProgType: return prog_word(p.subject);
    case Feature::MapType: return map_word(p.subject);
    case Feature::Helper: return fmt::format("{} in {}", helper_word(p.helper), prog_word(p.subject));
    default: return std::string(text_of(p.feature).brief);
    }
}

std::string_view group_name(Feature f) {
    switch (f) {
    case Feature::ProgType: return "program types";
    case Feature::MapType: return "map types";
    case Feature::Helper: return "helpers";
    default: return {};
    }
}

std::string describe(const Probe& p) {
    std::string question;
    switch (p.feature) {
    case Feature::ProgType: question = fmt::format("the kernel loads {} programs", prog_word(p.subject)); break;
    case Feature::MapType: question = fmt::format("the kernel makes {} maps", map_word(p.subject)); break;
    case Feature::Helper:
        question = fmt::format("{} programs may call {}", prog_word(p.subject), helper_word(p.helper));
        break;
    default: question = text_of(p.feature).question; break;
    }
    if (p.answer == Answer::Step) return fmt::format("{} probes whether {}: {}", prober_name(p.by), question, p.reason);
    std::string out = fmt::format("{} probes whether {}: {}", prober_name(p.by), question, answer_word(p.answer));
    if (!p.reason.empty()) fmt::format_to(std::back_inserter(out), " ({})", p.reason);
    return out;
}

std::string_view feature_key(Feature f) { return text_of(f).key; }

std::string_view answer_key(Answer a) {
    switch (a) {
    case Answer::Yes: return "yes";
    case Answer::No: return "no";
    case Answer::Step: return "step";
    }
    return {};
}

} // namespace bpfsc::probes
