// The calls libbpf writes over instructions it could not finish before a
// load, so that the verifier refuses them if they are reachable: a CO-RE
// relocation that found no matching field or type in the kernel's BTF
// (`call 0xbad2310`), an ld_imm64 of a map it did not create (a call to
// 2001000000 + the map's index in the object), a call of a kfunc it did not
// find (2002000000 + the extern's index). The verifier says only "invalid
// func unknown#195896080"; the trace says what the mark stands for.
#pragma once

#include <cstdint>
#include <string_view>

#include <fmt/format.h>

namespace bpfsc::decoder::disasm {

enum class LibbpfMark : uint8_t { None, FailedCoreRelocation, MissingMap, MissingKfunc };

struct LibbpfMarkOf {
    LibbpfMark mark = LibbpfMark::None;
    uint32_t index = 0;  // MissingMap: the map's index in the object; MissingKfunc: the extern's
};

// What a helper call's imm marks, if it is one of libbpf's marks.
LibbpfMarkOf libbpf_mark(int64_t imm);
// "libbpf: a CO-RE relocation failed here", "libbpf: map #2 of the object was not created".
void append_libbpf_mark(const LibbpfMarkOf& m, fmt::memory_buffer& out);

} // namespace bpfsc::decoder::disasm
