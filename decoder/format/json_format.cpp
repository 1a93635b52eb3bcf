// JSON primitives shared by every JSON renderer: strings from arbitrary
// bytes (see json_format.h) and the numbers rule.
#include "json_format.h"

namespace bpfsc::decoder {

namespace {

using It = std::back_insert_iterator<OutBuf>;

// Length of the valid UTF-8 sequence at s[i] (its code point in *code),
// or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i, uint32_t* code) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    std::size_t n;
    uint32_t cp;
    if (c < 0x80) {
        *code = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07; }
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    *code = cp;
    return n;
}

} // namespace

bool append_json_string(OutBuf& out, std::string_view s) {
    bool valid = true;
    out.push_back('"');
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
            case '"': put(out, "\\\""); break;
            case '\\': put(out, "\\\\"); break;
            case '\n': put(out, "\\n"); break;
            case '\t': put(out, "\\t"); break;
            case '\r': put(out, "\\r"); break;
            default:
                if (c < 0x20 || c == 0x7f) fmt::format_to(It(out), "\\u{:04x}", c);
                else out.push_back(char(c));
            }
            ++i;
            continue;
        }
        uint32_t code = 0;
        const std::size_t n = utf8_sequence(s, i, &code);
        if (n == 0) {
            put(out, "\\ufffd");
            valid = false;
            ++i;
        } else if (code == 0x85 || code == 0x2028 || code == 0x2029) {
            // NEL and the line and paragraph separators are valid JSON raw,
            // but line-oriented readers (JavaScript before ES2019, Python's
            // splitlines) end a line there: escaped, every record stays on
            // its one line.
            fmt::format_to(It(out), "\\u{:04x}", code);
            i += n;
        } else {
            out.append(s.data() + i, s.data() + i + n);
            i += n;
        }
    }
    out.push_back('"');
    return valid;
}

void append_json_uint(OutBuf& out, uint64_t v) {
    if (v <= k_json_max_exact) fmt::format_to(It(out), "{}", v);
    else fmt::format_to(It(out), "\"{}\"", v);
}

void append_json_int(OutBuf& out, int64_t v) {
    if (v <= int64_t(k_json_max_exact) && v >= -int64_t(k_json_max_exact)) fmt::format_to(It(out), "{}", v);
    else fmt::format_to(It(out), "\"{}\"", v);
}

} // namespace bpfsc::decoder
