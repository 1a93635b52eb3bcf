// The verifier replay (see verifier_replay.h).
#include "verifier_replay.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "decoder/uapi/bpf_attr.h"
#include "decoder/whole_data.h"

namespace bpfsc::tracer {

using decoder::DecodedCall;
using decoder::Memory;
using decoder::RemoteAddr;

namespace {

constexpr uint8_t kLdImm64 = 0x18;
constexpr uint32_t kFirstLogSize = 1u << 20;   // grown once to what the kernel says it needs
constexpr uint32_t kMaxLogSize = 1u << 26;

// The effective capabilities of a process ("CapEff:" of /proc/PID/status).
bool cap_eff(pid_t pid, unsigned long long* caps) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", int(pid));
    FILE* f = std::fopen(path, "re");
    if (f == nullptr) return false;
    char line[256];
    bool found = false;
    while (!found && std::fgets(line, sizeof line, f)) found = std::sscanf(line, "CapEff: %llx", caps) == 1;
    std::fclose(f);
    return found;
}

// The tracer's duplicates of the tracee's fds, closed when the replay ends.
class Borrowed {
public:
    explicit Borrowed(pid_t pid) : pidfd_(int(syscall(SYS_pidfd_open, pid, 0))) {}
    ~Borrowed() {
        for (int fd : fds_) close(fd);
        if (pidfd_ >= 0) close(pidfd_);
    }
    Borrowed(const Borrowed&) = delete;
    Borrowed& operator=(const Borrowed&) = delete;

    bool ok() const { return pidfd_ >= 0; }
    // Our fd for the tracee's `fd` (0 and negative values pass unchanged:
    // they mean "none" to the kernel). false if the tracee has no such fd.
    bool take(int32_t fd, uint32_t& into) {
        if (fd <= 0) return true;
        const int own = int(syscall(SYS_pidfd_getfd, pidfd_, fd, 0));
        if (own < 0) return false;
        fds_.push_back(own);
        into = uint32_t(own);
        return true;
    }

private:
    int pidfd_;
    std::vector<int> fds_;
};

bool read_exact(Memory& memory, uint64_t addr, std::vector<char>& out, uint64_t len) {
    out.resize(len);
    if (len == 0) return true;
    return memory.read(RemoteAddr{addr}, std::as_writable_bytes(std::span(out.data(), len))).bytes == len;
}

// A NUL-terminated string of at most `limit` bytes.
bool read_cstring(Memory& memory, uint64_t addr, std::vector<char>& out, std::size_t limit) {
    out.assign(limit + 1, '\0');
    const decoder::ReadResult r = memory.read(RemoteAddr{addr}, std::as_writable_bytes(std::span(out.data(), limit)));
    return std::memchr(out.data(), 0, r.bytes) != nullptr;
}

long sys_bpf(int cmd, void* attr, unsigned size) { return syscall(SYS_bpf, cmd, attr, size); }

// Runs the load with our log buffer, grown once if the kernel says it
// needed more; closes whatever it made.
template <typename Attr>
void load_with_log(int cmd, Attr& a, uint32_t size, uint64_t Attr::*buf, uint32_t Attr::*log_size,
                   uint32_t Attr::*true_size, DecodedCall& call) {
    std::vector<char> log(kFirstLogSize);
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::memset(log.data(), 0, log.size());
        a.*buf = reinterpret_cast<uintptr_t>(log.data());
        a.*log_size = uint32_t(log.size());
        a.*true_size = 0;
        const long ret = sys_bpf(cmd, &a, size);
        const int err = errno;
        if (ret >= 0) close(int(ret));
        call.log_load_ret = ret >= 0 ? ret : -err;
        if (!(ret < 0 && err == ENOSPC && a.*true_size > log.size() && a.*true_size <= kMaxLogSize)) break;
        log.resize(a.*true_size);
    }
    call.log.assign(log.data(), strnlen(log.data(), log.size()));
    call.log_source = decoder::LogSource::Tracer;
}

bool replay_prog(pid_t pid, Memory& memory, DecodedCall& call, std::string* why_not) {
    using A = uapi::prog_load_attr;
    A a{};
    const uint32_t size = std::min<uint32_t>(call.size, sizeof a);
    std::memcpy(&a, call.entry_bytes.data(), std::min(size, call.readable));
    const decoder::ProgramData& p = call.program;
    if (p.insns_error != 0 || p.insns.size() != p.insns_wanted || p.insns.empty()) {
        *why_not = "its instructions could not be read whole";
        return false;
    }
    Borrowed fds(pid);
    if (!fds.ok()) { *why_not = "pidfd_open failed"; return false; }

    // Instructions, with every map fd of an ld_imm64 replaced by ours.
    std::vector<uapi::bpf_insn_raw> insns(p.insns.size() / sizeof(uapi::bpf_insn_raw));
    std::memcpy(insns.data(), p.insns.data(), insns.size() * sizeof insns[0]);
    uint32_t max_index = 0;  // highest fd_array index the instructions use
    bool uses_index = false;
    for (std::size_t i = 0; i < insns.size(); ++i) {
        uapi::bpf_insn_raw& insn = insns[i];
        const uint8_t src = insn.regs >> 4;
        if (insn.code == kLdImm64 && (src == 1 || src == 2)) {
            uint32_t own = 0;
            if (!fds.take(insn.imm, own)) { *why_not = fmt::format("map fd {} is not open", insn.imm); return false; }
            insn.imm = int32_t(own);
        } else if (insn.code == kLdImm64 && (src == 5 || src == 6)) {
            uses_index = true;
            max_index = std::max(max_index, uint32_t(insn.imm));
        } else if (insn.code == 0x85 && src == 2 && insn.off > 0) {  // kfunc in a module BTF: fd_array[off]
            uses_index = true;
            max_index = std::max(max_index, uint32_t(insn.off));
        }
        if (insn.code == kLdImm64) ++i;
    }
    a.insns = reinterpret_cast<uintptr_t>(insns.data());

    std::vector<char> license, func_info(p.func_info.begin(), p.func_info.end()),
        line_info(p.line_info.begin(), p.line_info.end()), core_relos, signature;
    if (a.license != 0 && !read_cstring(memory, a.license, license, 256)) { *why_not = "license unreadable"; return false; }
    a.license = a.license != 0 ? reinterpret_cast<uintptr_t>(license.data()) : 0;
    if (a.func_info != 0) a.func_info = reinterpret_cast<uintptr_t>(func_info.data());
    if (a.line_info != 0) a.line_info = reinterpret_cast<uintptr_t>(line_info.data());
    if (size > offsetof(A, core_relos) && a.core_relos != 0) {
        if (!read_exact(memory, a.core_relos, core_relos, uint64_t(a.core_relo_cnt) * a.core_relo_rec_size) ||
            core_relos.size() > decoder::kMaxInsnBytes) {
            *why_not = "core_relos unreadable";
            return false;
        }
        a.core_relos = reinterpret_cast<uintptr_t>(core_relos.data());
    }
    if (size > offsetof(A, signature) && a.signature != 0) {
        if (!read_exact(memory, a.signature, signature, a.signature_size)) { *why_not = "signature unreadable"; return false; }
        a.signature = reinterpret_cast<uintptr_t>(signature.data());
    }
    // fd_array: fd_array_cnt entries, or as many as the instructions index.
    std::vector<int32_t> fd_array;
    if (size > offsetof(A, fd_array) && a.fd_array != 0) {
        const uint32_t count = size > offsetof(A, fd_array_cnt) && a.fd_array_cnt != 0 ? a.fd_array_cnt
                               : uses_index                                            ? max_index + 1
                                                                                       : 0;
        fd_array.resize(count);
        if (count > (1u << 16) || memory.read(RemoteAddr{a.fd_array}, std::as_writable_bytes(std::span(fd_array))).bytes !=
                                      count * sizeof(int32_t)) {
            *why_not = "fd_array unreadable";
            return false;
        }
        for (int32_t& fd : fd_array) {
            uint32_t own = uint32_t(fd);
            if (fd > 0 && !fds.take(fd, own)) { *why_not = fmt::format("fd_array fd {} is not open", fd); return false; }
            fd = int32_t(own);
        }
        a.fd_array = reinterpret_cast<uintptr_t>(fd_array.data());
    }
    if (!fds.take(int32_t(a.prog_btf_fd), a.prog_btf_fd) || !fds.take(int32_t(a.attach_prog_fd), a.attach_prog_fd)) {
        *why_not = "an fd of the attr is not open";
        return false;
    }
    if (size > offsetof(A, prog_token_fd)) {
        uint32_t token = uint32_t(a.prog_token_fd);
        if (!fds.take(a.prog_token_fd, token)) { *why_not = "prog_token_fd is not open"; return false; }
        a.prog_token_fd = int32_t(token);
    }
    a.log_level = call.log_source == decoder::LogSource::None && a.log_level == 0 ? 1 : a.log_level;
    const uint32_t run_size = std::max<uint32_t>(size, offsetof(A, log_true_size) + 4);
    load_with_log(uapi::BPF_PROG_LOAD, a, run_size, &A::log_buf, &A::log_size, &A::log_true_size, call);
    return true;
}

bool replay_btf(pid_t pid, Memory& memory, DecodedCall& call, std::string* why_not) {
    using A = uapi::btf_load_attr;
    A a{};
    const uint32_t size = std::min<uint32_t>(call.size, sizeof a);
    std::memcpy(&a, call.entry_bytes.data(), std::min(size, call.readable));
    std::vector<char> blob;
    if (a.btf_size > decoder::kMaxBlobBytes || !read_exact(memory, a.btf, blob, a.btf_size)) {
        *why_not = "the BTF blob could not be read whole";
        return false;
    }
    a.btf = reinterpret_cast<uintptr_t>(blob.data());
    Borrowed fds(pid);
    if (size > offsetof(A, btf_token_fd)) {
        uint32_t token = uint32_t(a.btf_token_fd);
        if (!fds.ok() || !fds.take(a.btf_token_fd, token)) { *why_not = "btf_token_fd is not open"; return false; }
        a.btf_token_fd = int32_t(token);
    }
    if (a.btf_log_level == 0) a.btf_log_level = 1;
    const uint32_t run_size = std::max<uint32_t>(size, offsetof(A, btf_log_true_size) + 4);
    load_with_log(uapi::BPF_BTF_LOAD, a, run_size, &A::btf_log_buf, &A::btf_log_size, &A::btf_log_true_size, call);
    return true;
}

} // namespace

bool replay_for_log(pid_t pid, Memory& memory, DecodedCall& call, std::string* why_not) {
    unsigned long long theirs = 0, ours = 0;
    if (!cap_eff(pid, &theirs) || !cap_eff(getpid(), &ours)) {
        *why_not = "the program's capabilities could not be read";
        return false;
    }
    if (theirs != ours) {
        // The verifier is stricter without CAP_BPF/CAP_PERFMON: a load by the
        // tracer would be judged otherwise, and could do what the program may not.
        *why_not = "the program runs with other capabilities than the tracer";
        return false;
    }
    if (call.attr_state != decoder::AttrState::Ok) { *why_not = "its attr could not be read whole"; return false; }
    if (call.cmd == uapi::BPF_PROG_LOAD) return replay_prog(pid, memory, call, why_not);
    if (call.cmd == uapi::BPF_BTF_LOAD) return replay_btf(pid, memory, call, why_not);
    *why_not = "not a load";
    return false;
}

} // namespace bpfsc::tracer
