// Whole reads of instructions, BTF blobs and logs (see whole_data.h).
#include "whole_data.h"

#include <algorithm>
#include <vector>

#include "btf/btf_types.h"
#include "uapi/bpf_attr.h"
#include "uapi/bpf_info.h"

namespace bpfsc::decoder {

namespace {

// Reads `len` bytes at addr into out; returns the errno of a short read.
int read_whole(Memory& memory, uint64_t addr, uint64_t len, std::pmr::string& out) {
    out.resize(len);
    const ReadResult r = memory.read(RemoteAddr{addr}, std::as_writable_bytes(std::span(out.data(), len)));
    out.resize(r.bytes);
    return r.bytes < len ? (r.error != 0 ? r.error : EFAULT) : 0;
}

// Reads the instructions of `len` bytes at addr into out (whole ones);
// returns the errno of a short read.
int read_insns(Memory& memory, uint64_t addr, uint64_t len, std::pmr::vector<uapi::bpf_insn_raw>& out) {
    const uint64_t count = len / sizeof(uapi::bpf_insn_raw);
    out.resize(count);
    const ReadResult r = memory.read(RemoteAddr{addr}, std::as_writable_bytes(std::span(out)));
    out.resize(r.bytes / sizeof(uapi::bpf_insn_raw));
    return r.bytes < count * sizeof(uapi::bpf_insn_raw) ? (r.error != 0 ? r.error : EFAULT) : 0;
}

// func_info or line_info records, read only in the sizes this decoder
// understands (the kernel accepts larger records whose tail is zero).
void read_records(Memory& memory, uint64_t addr, uint32_t rec_size, uint32_t min_rec_size, uint64_t count,
                  uint32_t& out_rec_size, std::pmr::string& out) {
    if (addr == 0 || rec_size < min_rec_size || rec_size > 256 || count * rec_size > kMaxInsnBytes) return;
    out_rec_size = rec_size;
    read_whole(memory, addr, count * rec_size, out);
}

} // namespace

void read_program(Memory& memory, ObjectResolver* resolver, DecodedCall& call) {
    using A = uapi::prog_load_attr;
    const AttrView v = call.entry_view();
    ProgramData& p = call.program;
    const uint64_t insns = v.get(offsetof(A, insns), 8);
    p.insns_wanted = v.get(offsetof(A, insn_cnt), 4) * uint64_t(sizeof(uapi::bpf_insn_raw));
    if (insns != 0 && p.insns_wanted != 0)
        p.insns_error = read_insns(memory, insns, std::min(p.insns_wanted, kMaxInsnBytes), p.insns);

    read_records(memory, v.get(offsetof(A, func_info), 8), uint32_t(v.get(offsetof(A, func_info_rec_size), 4)), 8,
                 v.get(offsetof(A, func_info_cnt), 4), p.func_info_rec_size, p.func_info);
    read_records(memory, v.get(offsetof(A, line_info), 8), uint32_t(v.get(offsetof(A, line_info_rec_size), 4)), 16,
                 v.get(offsetof(A, line_info_cnt), 4), p.line_info_rec_size, p.line_info);
    const int32_t btf_fd = int32_t(v.get(offsetof(A, prog_btf_fd), 4));
    if (btf_fd > 0 && resolver != nullptr) p.btf = resolver->btf_of_fd(btf_fd);
    // kfunc calls and ksym loads name kernel BTF ids: the kernel's BTF then.
    for (std::size_t i = 0; resolver != nullptr && i < p.insns.size(); ++i) {
        const uapi::bpf_insn_raw& insn = p.insns[i];
        const uint8_t src = insn.regs >> 4;
        if ((insn.code == 0x85 && src == 2) || (insn.code == 0x18 && src == 3)) {
            p.vmlinux = resolver->vmlinux_btf();
            break;
        }
    }
}

void read_xlated_program(Memory& memory, ObjectResolver* resolver, DecodedCall& call, const AttrView& entry,
                         const AttrView& exit) {
    using P = uapi::prog_info;
    // What the kernel copied: the smaller of the caller's capacity and what
    // it reports; without bpf_dump_raw_ok it clears the address instead.
    auto written = [&](std::size_t count_off) {
        return std::min(entry.get(count_off, 4), exit.get(count_off, 4));
    };
    const uint64_t insns = exit.get(offsetof(P, xlated_prog_insns), 8);
    const uint64_t len = written(offsetof(P, xlated_prog_len));
    if (insns == 0 || len == 0 || exit.size < offsetof(P, xlated_prog_insns) + 8) return;
    ProgramData& p = call.program;
    p.xlated = true;
    p.insns_wanted = len - len % sizeof(uapi::bpf_insn_raw);
    p.insns_error = read_insns(memory, insns, std::min(p.insns_wanted, kMaxInsnBytes), p.insns);
    if (exit.size >= offsetof(P, line_info_rec_size) + 4) {
        read_records(memory, exit.get(offsetof(P, func_info), 8), uint32_t(exit.get(offsetof(P, func_info_rec_size), 4)),
                     8, written(offsetof(P, nr_func_info)), p.func_info_rec_size, p.func_info);
        read_records(memory, exit.get(offsetof(P, line_info), 8), uint32_t(exit.get(offsetof(P, line_info_rec_size), 4)),
                     16, written(offsetof(P, nr_line_info)), p.line_info_rec_size, p.line_info);
    }
    if (resolver == nullptr) return;
    const uint32_t btf_id = exit.size >= offsetof(P, btf_id) + 4 ? uint32_t(exit.get(offsetof(P, btf_id), 4)) : 0;
    if (btf_id != 0) p.btf = resolver->btf_by_id(btf_id);
    p.ksyms = resolver->kernel_symbols();
}

void read_btf_blob(Memory& memory, DecodedCall& call) {
    using A = uapi::btf_load_attr;
    const AttrView v = call.entry_view();
    const uint64_t addr = v.get(offsetof(A, btf), 8);
    const uint64_t size = v.get(offsetof(A, btf_size), 4);
    if (addr == 0 || size == 0) return;
    if (size > kMaxBlobBytes) {
        call.btf_blob_error = E2BIG;
        return;
    }
    std::vector<char> blob(size);
    const ReadResult r = memory.read(RemoteAddr{addr}, std::as_writable_bytes(std::span(blob.data(), blob.size())));
    if (r.bytes < size) {
        call.btf_blob_error = r.error != 0 ? r.error : EFAULT;
        return;
    }
    call.btf_blob = BtfTypes::parse(std::string_view(blob.data(), blob.size()), &call.btf_blob_error);
}

void read_log(Memory& memory, DecodedCall& call) {
    // The two commands keep their log members in different places.
    uint64_t buf, size, level, true_size = 0;
    const AttrView v = call.entry_view();
    if (call.cmd == uapi::BPF_PROG_LOAD) {
        using A = uapi::prog_load_attr;
        buf = v.get(offsetof(A, log_buf), 8);
        size = v.get(offsetof(A, log_size), 4);
        level = v.get(offsetof(A, log_level), 4);
    } else if (call.cmd == uapi::BPF_BTF_LOAD) {
        using A = uapi::btf_load_attr;
        buf = v.get(offsetof(A, btf_log_buf), 8);
        size = v.get(offsetof(A, btf_log_size), 4);
        level = v.get(offsetof(A, btf_log_level), 4);
    } else {
        return;
    }
    if (buf == 0 || size == 0 || level == 0) return;
    // What the kernel says it wrote (6.4+). A call it refused before
    // looking at the program wrote nothing, not even this: the buffer then
    // holds whatever the loader left there, which is no log.
    bool has_true_size = false;
    for (const FieldValue& f : call.fields) {
        const bool true_size_member =
            attr::prog_load::log_true_size.names(*f.field) || attr::btf_load::btf_log_true_size.names(*f.field);
        if (true_size_member && f.has_exit) {
            has_true_size = true;
            true_size = f.exit;
        }
    }
    if (has_true_size && true_size == 0) return;
    const uint64_t len = std::min({size, true_size != 0 ? true_size : size, kMaxBlobBytes});
    read_whole(memory, buf, len, call.log);
    const auto nul = call.log.find('\0');
    if (nul != std::pmr::string::npos) call.log.resize(nul);
    call.log_source = LogSource::Loader;
}

} // namespace bpfsc::decoder
