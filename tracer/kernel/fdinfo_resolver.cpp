// /proc/PID/fdinfo parsing (see fdinfo_resolver.h).
#include "tracer/kernel/fdinfo_resolver.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <string_view>

#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer {

namespace {

// Reads a small file into buf; returns its text.
std::string_view slurp(const char* path, char* buf, std::size_t size) {
    const UniqueFd fd(open(path, O_RDONLY | O_CLOEXEC));
    if (!fd) return {};
    std::size_t used = 0;
    for (ssize_t r; used < size && (r = ::read(fd.get(), buf + used, size - used)) > 0;) used += std::size_t(r);
    return std::string_view(buf, used);
}

bool field(std::string_view text, std::string_view name, uint32_t& out) {
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(at, end - at);
        at = end + 1;
        if (!line.starts_with(name) || line.size() <= name.size() || line[name.size()] != ':') continue;
        line.remove_prefix(name.size() + 1);
        while (!line.empty() && (line.front() == '\t' || line.front() == ' ')) line.remove_prefix(1);
        const bool hex = line.starts_with("0x") || name == "map_flags";
        if (line.starts_with("0x")) line.remove_prefix(2);
        return std::from_chars(line.data(), line.data() + line.size(), out, hex ? 16 : 10).ec == std::errc();
    }
    return false;
}

} // namespace

std::optional<decoder::MapShape> FdinfoResolver::map_shape(int32_t fd) {
    if (fd < 0) return std::nullopt;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", int(pid_), int(fd));
    char buf[1024];
    const std::string_view text = slurp(path, buf, sizeof buf);
    decoder::MapShape m;
    if (!field(text, "map_type", m.map_type) || !field(text, "key_size", m.key_size) ||
        !field(text, "value_size", m.value_size))
        return std::nullopt;
    field(text, "max_entries", m.max_entries);
    field(text, "map_flags", m.map_flags);
    return m;
}

uint32_t count_cpu_list(std::string_view list) {
    uint32_t n = 0;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view part = list.substr(0, comma);
        while (!part.empty() && (part.back() == '\n' || part.back() == ' ')) part.remove_suffix(1);
        unsigned a = 0, b = 0;
        const std::size_t dash = part.find('-');
        const std::string_view first = part.substr(0, dash);
        if (std::from_chars(first.data(), first.data() + first.size(), a).ec == std::errc()) {
            b = a;
            if (dash != std::string_view::npos) {
                const std::string_view last = part.substr(dash + 1);
                std::from_chars(last.data(), last.data() + last.size(), b);
            }
            if (b >= a) n += b - a + 1;
        }
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return n;
}

uint32_t FdinfoResolver::possible_cpus() {
    if (cpus_ == 0) {
        char buf[256];
        cpus_ = count_cpu_list(slurp("/sys/devices/system/cpu/possible", buf, sizeof buf));
        if (cpus_ == 0) cpus_ = 1;
    }
    return cpus_;
}

} // namespace bpfsc::tracer
