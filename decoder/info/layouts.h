// The layouts of BPF_OBJ_GET_INFO_BY_FD's info struct, one declarative
// table per struct family in the style of commands/ (prog_info.cpp,
// map_info.cpp, btf_info.cpp, link_info.cpp). Offsets are from the start of
// the info buffer. Direction says what the kernel does with a member: Out
// members it writes, InOut members it reads (a buffer's capacity, a count)
// and writes back; pointers are read as given and their data is written.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "../schema.h"
#include "../uapi/bpf_info.h"

namespace bpfsc::decoder::info {

struct InfoLayout {
    std::string_view struct_name;     // "bpf_prog_info"
    std::span<const Field> head;      // members every object of the kind has
    std::span<const Field> body;      // links: the union member of their link type
    uint32_t size;                    // sizeof the 6.18 struct: non-zero bytes past it are shown
    // ENOSPC (a name buffer too short): BTF objects still write the struct;
    // links write only the cut name, not the struct.
    bool written_on_enospc;
};

// The layout for an object: nullptr for kinds that have no info struct
// (tokens, non-BPF files) or that the resolver could not tell. Links are
// laid out by their link type; an unknown one gets the common head only.
const InfoLayout* find_info_layout(Object kind, uint32_t link_type);

// An inline byte array shown as hex (a program's tag).
constexpr Field hex_array(Field f) {
    f.kind = Kind::CharArray;
    f.content = Content::HexBytes;
    return f;
}

// The tables (one file each).
extern const InfoLayout prog_info_layout;
extern const InfoLayout map_info_layout;
extern const InfoLayout btf_info_layout;
const InfoLayout* link_info_layout(uint32_t link_type);

} // namespace bpfsc::decoder::info
