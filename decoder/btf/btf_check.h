// Whether a BTF object is safe to give to libbpf's C dumper (btf_dump),
// which recurses along type references and trusts them to end: libbpf's
// btf__new checks each type on its own, not the graph they form, so a blob
// from a tracee may hold loops no C type can be (a typedef naming itself,
// a pointer to itself, const and volatile naming each other, a struct
// holding itself by value, a function pointer taking itself) or chains
// deep enough to exhaust the stack. The check walks the graph once,
// without recursion, in time linear in types and references.
//
// C allows one kind of loop: through a pointer to a named struct or union
// (or a forward declaration of one), which the dumper declares ahead. Those
// references are the only ones the check does not follow. Past the graph,
// the layout check (btf_layout_check.h) bounds what the dumper would print.
#pragma once

#include <cstdint>
#include <string>

struct btf;

namespace bpfsc::decoder {

// How long a chain of references may be (a struct holding a struct ...,
// an array of arrays, a const of a typedef of ...). Real BTF stays far
// below: vmlinux's longest is under 40.
inline constexpr uint32_t kMaxBtfChain = 256;

// "" when the types of `btf` (those it holds itself, not a base it is
// split on) name only strings of its string section and form no loop but
// C's and no chain longer than kMaxBtfChain, and their members lie within
// their structs and their C within kMaxBtfCLines;
// else what is wrong, in words: "type 2 (ptr) refers back to itself".
std::string find_btf_malformation(const struct btf* btf);

} // namespace bpfsc::decoder
