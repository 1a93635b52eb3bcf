// Tracepoints through perf_event_open (see perf_ring.h).
#include "tracer/os/perf_ring.h"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <utility>

#include <fmt/format.h>

#include "tracer/os/unique_file.h"

namespace bpfsc::tracer {

namespace {

constexpr std::size_t k_page = 4096;
constexpr std::size_t k_data_pages = 64;  // 256 KiB a CPU: thousands of records between two looks
constexpr std::size_t k_map_size = (k_data_pages + 1) * k_page;

int open_tracepoint(long id, const TracepointTarget& target) {
    perf_event_attr a{};
    a.type = PERF_TYPE_TRACEPOINT;
    a.size = sizeof a;
    a.config = uint64_t(id);
    a.sample_period = 1;
    a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
    a.inherit = target.inherit ? 1 : 0;
    a.use_clockid = 1;
    a.clockid = CLOCK_MONOTONIC;
    a.wakeup_events = 0;  // never wake anyone: the tracer looks when it needs to
    a.watermark = 1;
    a.wakeup_watermark = uint32_t(k_data_pages * k_page);  // only a full ring would
    return int(syscall(SYS_perf_event_open, &a, target.pid, target.cpu, -1, PERF_FLAG_FD_CLOEXEC));
}

} // namespace

std::vector<int> online_cpus() {
    std::vector<int> cpus;
    const UniqueFile file = open_for_reading("/sys/devices/system/cpu/online");
    if (!file) return cpus;
    std::FILE* f = file.get();
    int lo = 0, hi = 0;
    char sep = 0;
    while (std::fscanf(f, "%d", &lo) == 1) {
        hi = lo;
        if (std::fscanf(f, "%c", &sep) == 1 && sep == '-') {
            if (std::fscanf(f, "%d", &hi) != 1) break;
            if (std::fscanf(f, "%c", &sep) != 1) sep = 0;
        }
        for (int c = lo; c <= hi; ++c) cpus.push_back(c);
        if (sep != ',') break;
    }
    return cpus;
}

PerfRing::~PerfRing() {
    if (base_ != nullptr) munmap(base_, k_map_size);
}

PerfRing::PerfRing(PerfRing&& other) noexcept
    : fd_(std::move(other.fd_)), base_(std::exchange(other.base_, nullptr)), extra_fds_(std::move(other.extra_fds_)) {}

bool PerfRing::open(long id, const TracepointTarget& target, std::string* why) {
    fd_.reset(open_tracepoint(id, target));
    if (!fd_) {
        *why = fmt::format("perf_event_open: {}", std::strerror(errno));
        return false;
    }
    void* base = mmap(nullptr, k_map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0);
    if (base == MAP_FAILED) {
        *why = fmt::format("mmap of a perf ring: {}", std::strerror(errno));
        return false;
    }
    base_ = base;
    return true;
}

bool PerfRing::add(long id, const TracepointTarget& target, std::string* why) {
    UniqueFd fd(open_tracepoint(id, target));
    if (!fd || ioctl(fd.get(), PERF_EVENT_IOC_SET_OUTPUT, fd_.get()) != 0) {
        *why = fmt::format("perf_event_open: {}", std::strerror(errno));
        return false;
    }
    extra_fds_.push_back(std::move(fd));
    return true;
}

bool PerfRing::set_filter(const std::string& filter) {
    return fd_ && ioctl(fd_.get(), PERF_EVENT_IOC_SET_FILTER, filter.c_str()) == 0;
}

uint64_t PerfRing::read(const std::function<void(const TracepointSample&)>& sample) {
    if (base_ == nullptr) return 0;
    auto* meta = static_cast<perf_event_mmap_page*>(base_);
    const auto* data = static_cast<const unsigned char*>(base_) + k_page;
    constexpr uint64_t size = k_data_pages * k_page;
    const uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
    uint64_t tail = meta->data_tail;
    uint64_t lost = 0;
    // A record may wrap around the end of the ring: copy it out first.
    unsigned char record[512];
    while (tail < head) {
        perf_event_header h;
        for (std::size_t i = 0; i < sizeof h; ++i) reinterpret_cast<unsigned char*>(&h)[i] = data[(tail + i) % size];
        if (h.size < sizeof h || h.size > head - tail) break;  // cannot happen with a sane ring
        if (h.size <= sizeof record) {
            for (std::size_t i = 0; i < h.size; ++i) record[i] = data[(tail + i) % size];
            const unsigned char* p = record + sizeof h;
            const std::size_t body = h.size - sizeof h;
            if (h.type == PERF_RECORD_SAMPLE && body >= 20) {
                // PERF_SAMPLE_TID (u32 pid, tid), PERF_SAMPLE_TIME (u64), PERF_SAMPLE_RAW (u32 size, data)
                TracepointSample s;
                uint32_t pid = 0, tid = 0, raw_size = 0;
                std::memcpy(&pid, p, 4);
                std::memcpy(&tid, p + 4, 4);
                std::memcpy(&s.time, p + 8, 8);
                std::memcpy(&raw_size, p + 16, 4);
                if (raw_size <= body - 20) {
                    s.pid = pid_t(pid);
                    s.tid = pid_t(tid);
                    s.raw = {p + 20, raw_size};
                    sample(s);
                }
            } else if (h.type == PERF_RECORD_LOST && body >= 16) {
                uint64_t n = 0;
                std::memcpy(&n, p + 8, 8);  // id, lost
                lost += n;
            }
        }
        tail += h.size;
    }
    __atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
    return lost;
}

} // namespace bpfsc::tracer
