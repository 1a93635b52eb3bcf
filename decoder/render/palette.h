// Colour in the text rendering (--color): which SGR sequence starts each
// kind of span (command names, errors, object labels, the verifier's
// verdict, notes), or none at all. Renderers open a span with paint() and
// close it with unpaint(); with the empty palette both write nothing, so
// an uncoloured line is byte for byte the same as before colour existed.
#pragma once

#include <string_view>

#include "../format/format.h"

namespace bpfsc::decoder {

struct Palette {
    std::string_view command;  // BPF_MAP_CREATE, close
    std::string_view error;    // -1 EPERM (...)
    std::string_view label;    // <map#15:hash:config>
    std::string_view verdict;  // a failed load's last verifier log line
    std::string_view note;     // # the commentary
    std::string_view reset;

    static const Palette& none() {
        static constexpr Palette p{};
        return p;
    }
    static const Palette& ansi() {
        static constexpr Palette p{"\x1b[1m", "\x1b[31m", "\x1b[36m", "\x1b[1;31m", "\x1b[2m", "\x1b[0m"};
        return p;
    }
};

inline void paint(OutBuf& out, std::string_view sgr) {
    if (!sgr.empty()) put(out, sgr);
}
inline void unpaint(OutBuf& out, std::string_view sgr, const Palette& p) {
    if (!sgr.empty()) put(out, p.reset);
}

} // namespace bpfsc::decoder
