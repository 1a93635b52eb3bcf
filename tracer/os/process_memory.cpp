// process_vm_readv, split at page boundaries (see process_memory.h).
#include "tracer/os/process_memory.h"

#include "decoder/decode.h"

#include <sys/uio.h>

#include <algorithm>
#include <cerrno>

namespace bpfsc::tracer {

decoder::ReadResult ProcessMemory::read(decoder::RemoteAddr addr, std::span<std::byte> out) {
    constexpr uint64_t page = 4096;
    // One call with an iovec per page: the kernel stops at the first page it
    // cannot read and returns what came before it.
    std::size_t done = 0;
    while (done < out.size()) {
        iovec local[16];
        iovec remote[16];
        int n = 0;
        std::size_t planned = done;
        while (n < 16 && planned < out.size()) {
            const uint64_t at = addr.value + planned;
            const std::size_t len = std::min<std::size_t>(out.size() - planned, page - at % page);
            local[n] = {out.data() + planned, len};
            remote[n] = {reinterpret_cast<void*>(at), len};
            planned += len;
            ++n;
        }
        const ssize_t r = process_vm_readv(pid_, local, n, remote, n, 0);
        if (r < 0) return {done, errno};
        done += std::size_t(r);
        if (done < planned) return {done, r == 0 ? EFAULT : EFAULT};
    }
    return {done, 0};
}

bool ProcessMemory::write(decoder::RemoteAddr addr, std::span<const std::byte> data) {
    std::size_t done = 0;
    while (done < data.size()) {
        iovec local{const_cast<std::byte*>(data.data()) + done, data.size() - done};
        iovec remote{reinterpret_cast<void*>(addr.value + done), data.size() - done};
        const ssize_t w = process_vm_writev(pid_, &local, 1, &remote, 1, 0);
        if (w < 0) return false;
        if (w == 0) {
            errno = EFAULT;
            return false;
        }
        done += std::size_t(w);
    }
    return true;
}

} // namespace bpfsc::tracer

namespace bpfsc::tracer {

std::string read_tracee_string(decoder::Memory& memory, uint64_t addr, bool* whole) {
    if (whole != nullptr) *whole = false;
    if (addr == 0) return {};
    decoder::Decoder reader(memory, nullptr);
    decoder::Data data(std::pmr::get_default_resource());
    reader.read_string(data, decoder::RemoteAddr{addr}, 4096);
    if (whole != nullptr) *whole = data.state == decoder::DataState::Ok;
    return std::string(data.bytes.data(), data.bytes.size());
}

} // namespace bpfsc::tracer
