// A small strict JSON validator for the tests: the renderer's output must
// parse for any input bytes.
#include <cctype>
#include <cstring>
#include <string>

#include "json_check.h"

namespace bpfsc::test {
namespace {

struct Parser {
    const std::string& s;
    std::size_t i = 0;

    void ws() { while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) ++i; }
    bool lit(const char* w) {
        const std::size_t n = std::strlen(w);
        if (s.compare(i, n, w) != 0) return false;
        i += n;
        return true;
    }
    bool string() {
        if (s[i] != '"') return false;
        ++i;
        while (i < s.size()) {
            const auto c = static_cast<unsigned char>(s[i]);
            if (c == '"') { ++i; return true; }
            if (c < 0x20) return false;
            if (c == '\\') {
                ++i;
                if (i >= s.size()) return false;
                const char e = s[i];
                if (e == 'u') {
                    for (int k = 1; k <= 4; ++k)
                        if (i + k >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + k]))) return false;
                    i += 5;
                    continue;
                }
                if (!std::strchr("\"\\/bfnrt", e)) return false;
            }
            ++i;
        }
        return false;
    }
    bool number() {
        const std::size_t start = i;
        if (s[i] == '-') ++i;
        if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        const auto digits = [&] {
            const std::size_t first = i;
            while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
            return i > first;
        };
        if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
        // An exponent, as RFC 8259 has it: 4e-323 is a number (a denormal double).
        if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
            ++i;
            if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
            if (!digits()) return false;
        }
        return i > start;
    }
    bool value() {
        ws();
        if (i >= s.size()) return false;
        bool ok;
        switch (s[i]) {
        case '{': ok = object(); break;
        case '[': ok = array(); break;
        case '"': ok = string(); break;
        case 't': ok = lit("true"); break;
        case 'f': ok = lit("false"); break;
        case 'n': ok = lit("null"); break;
        default: ok = number();
        }
        ws();
        return ok;
    }
    bool object() {
        ++i;
        ws();
        if (s[i] == '}') { ++i; return true; }
        for (;;) {
            ws();
            if (!string()) return false;
            ws();
            if (s[i] != ':') return false;
            ++i;
            if (!value()) return false;
            if (s[i] == ',') { ++i; continue; }
            if (s[i] == '}') { ++i; return true; }
            return false;
        }
    }
    bool array() {
        ++i;
        ws();
        if (s[i] == ']') { ++i; return true; }
        for (;;) {
            if (!value()) return false;
            if (s[i] == ',') { ++i; continue; }
            if (s[i] == ']') { ++i; return true; }
            return false;
        }
    }
};

} // namespace

bool valid_json(const std::string& text) {
    Parser p{text};
    return p.value() && p.i == text.size();
}

} // namespace bpfsc::test
