// The members of one func_info or line_info record a program's info points
// to (struct bpf_func_info, struct bpf_line_info), as name/value pairs both
// renderers show: line_info's line_col also as its line and column.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../schema.h"
#include "../uapi/bpf_info.h"

namespace bpfsc::decoder::info {

struct RecordMember {
    std::string_view name;
    uint32_t value;
    bool raw = false;   // the packed word itself: JSON carries it, text shows its parts
};

struct Record {
    std::array<RecordMember, 6> members{};
    std::size_t count = 0;
};

// `at` holds at least the 6.18 record for `content` (FuncInfo or LineInfo).
inline Record read_record(Content content, const char* at) {
    if (content == Content::FuncInfo) {
        uapi::func_info_rec r;
        std::memcpy(&r, at, sizeof r);
        return Record{{{{"insn_off", r.insn_off}, {"type_id", r.type_id}}}, 2};
    }
    uapi::line_info_rec r;
    std::memcpy(&r, at, sizeof r);
    return Record{{{{"insn_off", r.insn_off},
                    {"file_name_off", r.file_name_off},
                    {"line_off", r.line_off},
                    {"line_col", r.line_col, true},
                    {"line", r.line_col >> 10},
                    {"col", r.line_col & 0x3ff}}},
                  6};
}

} // namespace bpfsc::decoder::info
