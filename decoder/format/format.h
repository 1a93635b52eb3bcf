// Small formatting pieces shared by the renderers: strace-style quoting,
// enum and flag names with ??? markers, errno names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "../xlat.h"

namespace bpfsc::decoder {

using OutBuf = fmt::memory_buffer;

inline void put(OutBuf& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

// Quotes bytes as strace does: printable ASCII as is, C escapes, octal for
// the rest (or \xNN for everything when force_hex).
void append_quoted(OutBuf& out, std::string_view bytes, bool force_hex = false);
// Plain printable ASCII as is; anything else (or "") quoted as strace
// quotes, so that a name or path can never break a line of the text.
std::string text_safe(std::string_view s);
// Hex bytes separated by spaces: "01 00 00 00".
void append_hex_bytes(OutBuf& out, std::string_view bytes);
// An enum value: its name, or "0x2a /* BPF_MAP_TYPE_??? */".
void append_enum(OutBuf& out, const Xlat& x, uint64_t value);
// A flags word: "BPF_F_RDONLY|BPF_F_NO_PREALLOC", "0", or with leftover
// bits "BPF_F_RDONLY|0x80000000 /* BPF_F_??? */".
void append_flags(OutBuf& out, const Xlat& x, uint64_t value);
// Bits of `value` that no entry of `x` names.
uint64_t unknown_flag_bits(const Xlat& x, uint64_t value);

// The largest errno a syscall returns (-4095..-1 are errors).
inline constexpr int64_t k_max_errno = 4095;
// "ENOENT", also the kernel-internal "ENOTSUPP" (524), or "" when the
// number has no name.
std::string_view errno_name(int err);
// "No such file or directory".
std::string_view errno_message(int err);
// "-1 ENOENT (No such file or directory)" for ret = -2; a ret outside
// -4095..-1 as its number.
void append_error_return(OutBuf& out, int64_t ret);

} // namespace bpfsc::decoder
