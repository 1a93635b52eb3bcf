// Formatting pieces (see format.h).
#include "format.h"

#include <algorithm>

#include <cstring>

namespace bpfsc::decoder {

void append_quoted(OutBuf& out, std::string_view bytes, bool force_hex) {
    out.push_back('"');
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (force_hex) {
            fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
            continue;
        }
        switch (c) {
        case '"': put(out, "\\\""); continue;
        case '\\': put(out, "\\\\"); continue;
        case '\n': put(out, "\\n"); continue;
        case '\t': put(out, "\\t"); continue;
        case '\r': put(out, "\\r"); continue;
        case '\v': put(out, "\\v"); continue;
        case '\f': put(out, "\\f"); continue;
        default: break;
        }
        if (c >= 0x20 && c < 0x7f) {
            out.push_back(char(c));
            continue;
        }
        // Octal, in as few digits as stay unambiguous before a digit.
        const bool digit_follows = i + 1 < bytes.size() && bytes[i + 1] >= '0' && bytes[i + 1] <= '7';
        if (digit_follows) fmt::format_to(std::back_inserter(out), "\\{:03o}", c);
        else fmt::format_to(std::back_inserter(out), "\\{:o}", c);
    }
    out.push_back('"');
}

void append_hex_bytes(OutBuf& out, std::string_view bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i != 0) out.push_back(' ');
        fmt::format_to(std::back_inserter(out), "{:02x}", static_cast<unsigned char>(bytes[i]));
    }
}

void append_enum(OutBuf& out, const Xlat& x, uint64_t value) {
    const std::string_view name = x.name_of(value);
    if (!name.empty()) put(out, name);
    else fmt::format_to(std::back_inserter(out), "{:#x} /* {} */", value, x.unknown);
}

uint64_t unknown_flag_bits(const Xlat& x, uint64_t value) {
    uint64_t known = 0;
    for (const auto& e : x.entries) known |= e.value;
    return value & ~known;
}

void append_flags(OutBuf& out, const Xlat& x, uint64_t value) {
    if (value == 0) {
        const std::string_view zero = x.name_of(0);
        put(out, zero.empty() ? std::string_view("0") : zero);
        return;
    }
    bool first = true;
    for (const auto& e : x.entries) {
        if (e.value == 0 || (value & e.value) != e.value) continue;
        if (!first) out.push_back('|');
        put(out, e.name);
        first = false;
    }
    const uint64_t rest = unknown_flag_bits(x, value);
    if (rest != 0) {
        if (!first) out.push_back('|');
        fmt::format_to(std::back_inserter(out), "{:#x} /* {} */", rest, x.unknown);
    }
}

namespace {

// The kernel's own codes (include/linux/errno.h), which must never reach
// user space but do: ENOTSUPP (524) from BPF's offload and feature checks
// above all. libc names none of them.
struct KernelErrno {
    int number;
    std::string_view name;
    std::string_view message;
};
constexpr KernelErrno k_kernel_errnos[] = {
    {512, "ERESTARTSYS", "Interrupted, to be restarted (kernel-internal code 512)"},
    {513, "ERESTARTNOINTR", "Interrupted, to be restarted (kernel-internal code 513)"},
    {514, "ERESTARTNOHAND", "Interrupted, restarted if no handler (kernel-internal code 514)"},
    {515, "ENOIOCTLCMD", "No ioctl command (kernel-internal code 515)"},
    {516, "ERESTART_RESTARTBLOCK", "Interrupted, restarted by restart_syscall (kernel-internal code 516)"},
    {517, "EPROBE_DEFER", "Driver requests probe retry (kernel-internal code 517)"},
    {518, "EOPENSTALE", "Open found a stale dentry (kernel-internal code 518)"},
    {519, "ENOPARAM", "Parameter not supported (kernel-internal code 519)"},
    {521, "EBADHANDLE", "Illegal NFS file handle (kernel-internal code 521)"},
    {522, "ENOTSYNC", "Update synchronization mismatch (kernel-internal code 522)"},
    {523, "EBADCOOKIE", "Cookie is stale (kernel-internal code 523)"},
    {524, "ENOTSUPP", "Operation is not supported (kernel-internal code 524; user space expects EOPNOTSUPP)"},
    {525, "ETOOSMALL", "Buffer or request is too small (kernel-internal code 525)"},
    {526, "ESERVERFAULT", "An untranslatable error occurred (kernel-internal code 526)"},
    {527, "EBADTYPE", "Type not supported by server (kernel-internal code 527)"},
    {528, "EJUKEBOX", "Request initiated, but will not complete before timeout (kernel-internal code 528)"},
    {529, "EIOCBQUEUED", "iocb queued, will get completion event (kernel-internal code 529)"},
    {530, "ERECALLCONFLICT", "Conflict with recalled state (kernel-internal code 530)"},
    {531, "ENOGRACE", "NFS file lock reclaim refused (kernel-internal code 531)"},
};

const KernelErrno* kernel_errno(int err) {
    for (const KernelErrno& k : k_kernel_errnos)
        if (k.number == err) return &k;
    return nullptr;
}

} // namespace

std::string_view errno_name(int err) {
    if (const KernelErrno* k = kernel_errno(err)) return k->name;
    const char* n = strerrorname_np(err);
    return n != nullptr ? std::string_view(n) : std::string_view();
}

std::string_view errno_message(int err) {
    if (const KernelErrno* k = kernel_errno(err)) return k->message;
    const char* d = strerrordesc_np(err);
    return d != nullptr ? std::string_view(d) : std::string_view("Unknown error");
}

void append_error_return(OutBuf& out, int64_t ret) {
    // Only -4095..-1 are errors; anything else is shown as the number it is
    // (and never negated: -INT64_MIN does not exist).
    if (ret < -k_max_errno || ret >= 0) {
        fmt::format_to(std::back_inserter(out), "{}", ret);
        return;
    }
    const int err = int(-ret);
    const std::string_view name = errno_name(err);
    if (name.empty()) fmt::format_to(std::back_inserter(out), "-1 E??? ({} {})", errno_message(err), err);
    else fmt::format_to(std::back_inserter(out), "-1 {} ({})", name, errno_message(err));
}

std::string text_safe(std::string_view s) {
    const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    });
    if (plain) return std::string(s);
    OutBuf b;
    append_quoted(b, s);
    return fmt::to_string(b);
}

} // namespace bpfsc::decoder
