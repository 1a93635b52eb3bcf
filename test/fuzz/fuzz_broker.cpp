// Fuzz target: the seccomp broker's plan for one bpf() call of a hostile
// tracee. The input chooses the command, the size, the attr's address,
// how the tracee's fds duplicate (a real map, a regular file, or gone),
// whether its directory is the tracer's, and the tracee's memory. The
// call is decoded at entry and handed to Replica::prepare(), which either
// refuses with a reason or builds the copy the tracer would run; the copy
// is never run. Then release(): afterwards no fd of the tracer may be
// left open (a duplicate leaked per call would exhaust the tracer).
// BPFSC_FUZZ_VERBOSE=1 prints each plan's outcome (to check seeds).
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "decode.h"
#include "fuzz_input.h"
#include "tracer/seccomp/broker/replica.h"

using namespace bpfsc;

namespace {

// A real array map the duplicates can stand for, so that the plans of map
// commands get past the map's layout; -1 when bpf() is not available.
int shared_map() {
    static const int fd = [] {
        union bpf_attr attr = {};
        attr.map_type = BPF_MAP_TYPE_ARRAY;
        attr.key_size = 4;
        attr.value_size = 8;
        attr.max_entries = 4;
        attr.map_flags = 0;
        return int(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr));
    }();
    return fd;
}

class InputTracee : public tracer::broker::TraceeAccess {
public:
    InputTracee(fuzz::InputMemory& memory, uint8_t answers) : memory_(memory), answers_(answers) {}
    decoder::ReadResult read(decoder::RemoteAddr addr, std::span<std::byte> out) override {
        return memory_.read(addr, out);
    }
    bool confirm() override { return (answers_ & 0x40) == 0; }
    bool write(decoder::RemoteAddr, std::span<const std::byte>) override { return false; }
    tracer::UniqueFd duplicate_fd(int tracee_fd) override {
        switch ((answers_ + unsigned(tracee_fd)) % 3) {
        case 0: return tracer::UniqueFd(shared_map() >= 0 ? fcntl(shared_map(), F_DUPFD_CLOEXEC, 0) : -1);
        case 1: return tracer::UniqueFd(open("/dev/null", O_RDONLY | O_CLOEXEC));
        default: return tracer::UniqueFd();
        }
    }
    bool same_cwd() override { return (answers_ & 0x80) != 0; }

private:
    fuzz::InputMemory& memory_;
    uint8_t answers_;
};

int lowest_free_fd() {
    const int fd = fcntl(0, F_DUPFD_CLOEXEC, 0);
    if (fd >= 0) close(fd);
    return fd;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::InputReader in({data, size});
    const uint32_t cmd = in.take<uint8_t>() % 42;
    const auto attr_size = uint32_t(in.take<uint16_t>() % 4200);
    const auto attr_addr = in.take<uint64_t>() % 0x0000900000000000ull;
    const auto answers = in.take<uint8_t>();
    fuzz::InputMemory memory(in.rest());

    shared_map();
    const int free_before = lowest_free_fd();
    {
        decoder::Decoder d(memory, nullptr, {});
        decoder::DecodedCall call;
        d.decode_entry(call, cmd, decoder::RemoteAddr{attr_addr}, attr_size);
        InputTracee tracee(memory, answers);
        tracer::broker::Replica replica;
        const bool planned = replica.prepare(call, tracee);
        if (!planned && replica.reason()[0] == '\0') {
            std::fprintf(stderr, "prepare() refused without a reason\n");
            std::abort();
        }
        if (std::getenv("BPFSC_FUZZ_VERBOSE") != nullptr)
            std::fprintf(stderr, "command %u: %s\n", cmd, planned ? "planned" : replica.reason());
        replica.release();
    }
    if (lowest_free_fd() != free_before) {
        std::fprintf(stderr, "an fd was left open by prepare()/release()\n");
        std::abort();
    }
    return 0;
}
