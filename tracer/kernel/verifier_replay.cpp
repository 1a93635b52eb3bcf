// The verifier replay (see verifier_replay.h), on the seccomp broker's
// replica (broker/replica.h): the same copy of the call the broker would
// run, with the log members pointed at the tracer's own buffer.
#include "tracer/kernel/verifier_replay.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tracer/seccomp/broker/replica.h"
#include "tracer/os/proc_status.h"
#include "tracer/os/unique_fd.h"
#include "decoder/uapi/bpf_attr.h"

namespace bpfsc::tracer {

using decoder::DecodedCall;
using decoder::Memory;

namespace {

constexpr std::size_t kLogSize = std::size_t(1) << 23;  // the end of a longer log is kept (rotating log)

// The tracee as the replica reads it: its memory (never written: the
// replay is the tracer's own call) and its fds through a pidfd.
class StoppedTracee : public broker::TraceeAccess {
public:
    StoppedTracee(pid_t pid, Memory& memory) : memory_(memory), pidfd_(Pidfd::open(pid)) {}

    decoder::ReadResult read(decoder::RemoteAddr addr, std::span<std::byte> out) override {
        return memory_.read(addr, out);
    }
    bool write(decoder::RemoteAddr, std::span<const std::byte>) override { return false; }
    UniqueFd duplicate_fd(int tracee_fd) override { return pidfd_.duplicate(tracee_fd); }
    bool same_cwd() override { return false; }  // a load names no path

private:
    Memory& memory_;
    Pidfd pidfd_;
};

} // namespace

bool replay_for_log(pid_t pid, Memory& memory, DecodedCall& call, std::string* why_not) {
    const std::optional<uint64_t> theirs = effective_capabilities(pid), ours = effective_capabilities(getpid());
    if (!theirs || !ours) {
        *why_not = "the program's capabilities could not be read";
        return false;
    }
    if (theirs != ours) {
        // The verifier is stricter without CAP_BPF/CAP_PERFMON: a load by the
        // tracer would be judged otherwise, and could do what the program may not.
        *why_not = "the program runs with other capabilities than the tracer";
        return false;
    }
    const bool prog = call.cmd == uapi::BPF_PROG_LOAD;
    if (!prog && call.cmd != uapi::BPF_BTF_LOAD) {
        *why_not = "not a load";
        return false;
    }
    StoppedTracee tracee(pid, memory);
    broker::Replica replica;
    if (!replica.prepare(call, tracee)) {
        *why_not = replica.reason();
        return false;
    }
    namespace attr = decoder::attr;
    const decoder::AttrMember& buf = prog ? attr::prog_load::log_buf : attr::btf_load::btf_log_buf;
    const decoder::AttrMember& size = prog ? attr::prog_load::log_size : attr::btf_load::btf_log_size;
    const decoder::AttrMember& level = prog ? attr::prog_load::log_level : attr::btf_load::btf_log_level;
    const std::span<std::byte> log = replica.own_buffer(buf, kLogSize);
    if (log.empty() || !replica.set(size, kLogSize) || !replica.set(level, 1)) {
        replica.release();
        *why_not = "its log members could not be set";
        return false;
    }
    // 0 for a load that succeeded: the fd was the tracer's, its number means nothing.
    const int64_t ret = replica.run();
    call.log_load_ret = ret < 0 ? ret : 0;
    replica.take_returned_fd().reset();  // a program (or BTF) of the tracer's own: gone at once
    const std::span<const std::byte> written = replica.buffer(buf);
    const char* text = reinterpret_cast<const char*>(written.data());
    call.log.assign(text, strnlen(text, written.size()));
    call.log_source = decoder::LogSource::Tracer;
    replica.release();
    return true;
}

} // namespace bpfsc::tracer
