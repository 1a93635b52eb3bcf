// Reading syscall results from perf tracepoints (see syscall_exit_events.h).
#include "syscall_exit_events.h"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "tracefs.h"

namespace bpfsc::tracer {

namespace {

constexpr std::size_t k_page = 4096;
constexpr std::size_t k_data_pages = 64;  // 256 KiB a CPU: thousands of records between two looks
constexpr const char* k_events[] = {"sys_exit_bpf",  "sys_exit_close", "sys_exit_close_range", "sys_exit_dup",
                                    "sys_exit_dup2", "sys_exit_dup3",  "sys_exit_fcntl",       "sys_exit_perf_event_open",
                                    "sys_exit_ioctl"};

long read_number(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "re");
    if (f == nullptr) return -1;
    long v = -1;
    if (std::fscanf(f, "%ld", &v) != 1) v = -1;
    std::fclose(f);
    return v;
}

// The offsets of __syscall_nr and ret in a sys_exit_* record, from its format.
void read_offsets(const std::string& format_path, uint32_t& nr_offset, uint32_t& ret_offset) {
    FILE* f = std::fopen(format_path.c_str(), "re");
    if (f == nullptr) return;
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
        unsigned off = 0;
        if (const char* p = std::strstr(line, "__syscall_nr;"); p && std::sscanf(std::strstr(p, "offset:"), "offset:%u", &off) == 1)
            nr_offset = off;
        if (const char* p = std::strstr(line, " ret;"); p && std::sscanf(std::strstr(p, "offset:"), "offset:%u", &off) == 1)
            ret_offset = off;
    }
    std::fclose(f);
}

std::vector<int> online_cpus() {
    std::vector<int> cpus;
    FILE* f = std::fopen("/sys/devices/system/cpu/online", "re");
    if (f == nullptr) return cpus;
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
    std::fclose(f);
    return cpus;
}

int open_tracepoint(long id, pid_t pid, int cpu) {
    perf_event_attr a{};
    a.type = PERF_TYPE_TRACEPOINT;
    a.size = sizeof a;
    a.config = uint64_t(id);
    a.sample_period = 1;
    a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
    a.inherit = 1;
    a.use_clockid = 1;
    a.clockid = CLOCK_MONOTONIC;
    a.wakeup_events = 0;  // never wake anyone: the backend looks when it needs to
    a.watermark = 1;
    a.wakeup_watermark = uint32_t(k_data_pages * k_page);  // only a full ring would
    return int(syscall(SYS_perf_event_open, &a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC));
}

} // namespace

SyscallExitEvents::~SyscallExitEvents() {
    for (Ring& r : rings_) {
        if (r.base != nullptr) munmap(r.base, (k_data_pages + 1) * k_page);
        close(r.fd);
    }
    for (int fd : extra_fds_) close(fd);
}

bool SyscallExitEvents::open(pid_t pid, std::string* why) {
    const std::string dir = tracefs_events_dir("/syscalls");
    if (dir.empty()) {
        *why = "no tracefs with syscall events (mount tracefs on /sys/kernel/tracing)";
        return false;
    }
    std::vector<long> ids;
    for (const char* event : k_events) {
        const long id = read_number(dir + "/" + event + "/id");
        if (id < 0) {
            *why = fmt::format("no tracepoint syscalls:{}", event);
            return false;
        }
        ids.push_back(id);
    }
    read_offsets(dir + "/sys_exit_bpf/format", nr_offset_, ret_offset_);
    for (const int cpu : online_cpus()) {
        Ring ring;
        ring.fd = open_tracepoint(ids[0], pid, cpu);
        if (ring.fd < 0) {
            *why = fmt::format("perf_event_open(syscalls:sys_exit_bpf): {}", std::strerror(errno));
            return false;
        }
        rings_.push_back(ring);
        Ring& r = rings_.back();
        r.base = mmap(nullptr, (k_data_pages + 1) * k_page, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, 0);
        if (r.base == MAP_FAILED) {
            r.base = nullptr;
            *why = fmt::format("mmap of a perf ring: {}", std::strerror(errno));
            return false;
        }
        for (std::size_t i = 1; i < ids.size(); ++i) {
            const int fd = open_tracepoint(ids[i], pid, cpu);
            if (fd < 0 || ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, r.fd) != 0) {
                *why = fmt::format("perf_event_open(syscalls:{}): {}", k_events[i], std::strerror(errno));
                if (fd >= 0) close(fd);
                return false;
            }
            extra_fds_.push_back(fd);
        }
    }
    if (rings_.empty()) {
        *why = "no online CPU found";
        return false;
    }
    return true;
}

void SyscallExitEvents::drain(std::vector<ExitRecord>& out) {
    for (Ring& r : rings_) read_ring(r, out);
}

void SyscallExitEvents::read_ring(Ring& ring, std::vector<ExitRecord>& out) {
    auto* meta = static_cast<perf_event_mmap_page*>(ring.base);
    const auto* data = static_cast<const unsigned char*>(ring.base) + k_page;
    constexpr uint64_t size = k_data_pages * k_page;
    const uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
    uint64_t tail = meta->data_tail;
    // A record may wrap around the end of the ring: copy it out first.
    unsigned char record[512];
    while (tail < head) {
        perf_event_header h;
        for (std::size_t i = 0; i < sizeof h; ++i) reinterpret_cast<unsigned char*>(&h)[i] = data[(tail + i) % size];
        if (h.size < sizeof h || h.size > head - tail) break;  // cannot happen with a sane ring
        if (h.size <= sizeof record) {
            for (std::size_t i = 0; i < h.size; ++i) record[i] = data[(tail + i) % size];
            const unsigned char* p = record + sizeof h;
            if (h.type == PERF_RECORD_SAMPLE) {
                // PERF_SAMPLE_TID (pid, tid), PERF_SAMPLE_TIME, PERF_SAMPLE_RAW (u32 size, data)
                ExitRecord r;
                uint32_t tid = 0, raw_size = 0;
                std::memcpy(&tid, p + 4, 4);
                std::memcpy(&r.time, p + 8, 8);
                std::memcpy(&raw_size, p + 16, 4);
                const unsigned char* raw = p + 20;
                if (raw_size >= ret_offset_ + 8 && 20 + raw_size <= h.size - sizeof h) {
                    int32_t nr;
                    std::memcpy(&nr, raw + nr_offset_, 4);
                    std::memcpy(&r.ret, raw + ret_offset_, 8);
                    r.tid = pid_t(tid);
                    r.nr = nr;
                    out.push_back(r);
                }
            } else if (h.type == PERF_RECORD_LOST) {
                uint64_t n = 0;
                std::memcpy(&n, p + 8, 8);  // id, lost
                lost_ += n;
            }
        }
        tail += h.size;
    }
    __atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
}

} // namespace bpfsc::tracer
