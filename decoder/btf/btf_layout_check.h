// The parts of the BTF check (btf_check.h) that look at what libbpf's C
// dumper would print, for BTF whose graph already passed: members that lie
// outside their struct (the kernel refuses them; the dumper pads up to
// them), and declarations whose text grows beyond any real BTF's, because
// anonymous structs are printed inline at every use (a chain of them, each
// used twice, doubles at each level) or because gaps between members are
// printed as one padding line per 64 bits.
#pragma once

#include <cstdint>
#include <string>

struct btf;
struct btf_type;

namespace bpfsc::decoder {

// The first type id `btf` holds itself (past the base it is split on).
uint32_t first_own_type(const struct btf* btf);

// Whether `t` has a name ("" for anonymous types). Its name offset must
// lie in the string section (checked first).
bool has_name(const struct btf* btf, const struct btf_type* t);

// How many lines the dumper may print for one declaration, or for the
// whole BTF. vmlinux's C is about 135,000 lines.
inline constexpr uint64_t kMaxBtfCLines = uint64_t(1) << 22;

// "" when every int, float and enum has a size the kernel accepts (an
// int of 0 bytes has alignment 0, and the dumper divides by it), and an
// int's bits fit in it; else which does not.
std::string find_bad_scalar(const struct btf* btf);

// "" when every member of every struct and union ends within its size,
// else which does not.
std::string find_member_outside(const struct btf* btf);

// "" when no declaration and not the whole BTF prints more than
// kMaxBtfCLines lines, else which would. Only for BTF whose graph passed
// (no loop but through a pointer to a named struct, chains bounded).
std::string find_oversized_c(const struct btf* btf);

} // namespace bpfsc::decoder
