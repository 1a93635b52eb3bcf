// The typed value walk (see value_format.h). Every read is bounds-checked
// against the bytes given: a type from a hostile BTF blob can claim any
// size and nest without end, so sizes are checked and depth is limited.
#include "value_format.h"

#include <bpf/btf.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "../format/json_format.h"

namespace bpfsc::decoder {

namespace {

using It = std::back_insert_iterator<OutBuf>;
constexpr int kMaxDepth = 24;
// How many values one walk may visit. Depth alone does not bound the work:
// a hostile struct of size 0 can hold thousands of members of another such
// struct, 24 levels down. Real values need about one visit per byte.
constexpr uint64_t kMaxVisits = 1u << 20;

class Walker {
public:
    Walker(OutBuf& out, const BtfTypes& btf, const ValueFormat& f) : out_(out), btf_(btf), f_(f) {}

    bool json() const { return f_.style == ValueStyle::Json; }

    // Appends the value; false when the bytes cannot be shown as this type
    // (the output may then hold a partial value: the caller rolls back).
    bool value(uint32_t id, std::string_view bytes, int depth) {
        if (depth > kMaxDepth || ++visits_ > kMaxVisits) return false;
        const uint32_t rid = btf_.resolve(id);
        const struct btf_type* t = btf_.type(rid);
        if (t == nullptr) return false;
        switch (btf_kind(t)) {
        case BTF_KIND_INT: return integer(t, bytes, 0, 0);
        case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64: return enumeration(t, bytes);
        case BTF_KIND_PTR: return pointer(bytes);
        case BTF_KIND_FLOAT: return floating(bytes);
        case BTF_KIND_ARRAY: return array(t, bytes, depth);
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION: return composite(t, bytes, depth);
        case BTF_KIND_DATASEC: return datasec(t, bytes, depth);
        case BTF_KIND_VAR: return value(t->type, bytes, depth + 1);
        default: return false;  // fwd, func, func_proto: no value of these
        }
    }

private:
    void name(std::string_view n) {
        if (json()) {
            append_json_string(out_, n);
            out_.push_back(':');
        } else {
            put(out_, n);
            out_.push_back('=');
        }
    }

    static uint64_t load(std::string_view bytes, std::size_t n) {
        uint64_t v = 0;
        std::memcpy(&v, bytes.data(), std::min<std::size_t>(n, 8));  // little-endian host
        return v;
    }

    bool integer(const struct btf_type* t, std::string_view bytes, uint32_t bit_off, uint32_t bit_size) {
        const uint32_t info = *reinterpret_cast<const uint32_t*>(t + 1);
        const uint32_t enc = BTF_INT_ENCODING(info);
        const uint32_t bits = bit_size != 0 ? bit_size : BTF_INT_BITS(info);
        bit_off += BTF_INT_OFFSET(info);
        if (t->size > 16 || t->size == 0 || bits == 0 || bits > 128) return false;
        if (bit_size == 0 && bytes.size() != t->size) return false;
        if (t->size == 16 && bit_size == 0 && bit_off == 0) {  // __int128: hex
            uint64_t lo, hi;
            std::memcpy(&lo, bytes.data(), 8);
            std::memcpy(&hi, bytes.data() + 8, 8);
            if (json()) out_.push_back('"');
            if (hi != 0) fmt::format_to(It(out_), "{:#x}{:016x}", hi, lo);
            else fmt::format_to(It(out_), "{:#x}", lo);
            if (json()) out_.push_back('"');
            return true;
        }
        if (bits > 64 || (bit_off + bits + 7) / 8 > bytes.size()) return false;
        // Load the bytes that hold the bits, then cut them out.
        uint64_t raw = 0;
        const std::size_t first = bit_off / 8, last = (bit_off + bits + 7) / 8;
        if (last - first > 8) return false;
        std::memcpy(&raw, bytes.data() + first, last - first);
        raw >>= (bit_off % 8);
        if (bits < 64) raw &= (uint64_t(1) << bits) - 1;
        if (enc & BTF_INT_BOOL) {
            put(out_, raw ? "true" : "false");
        } else if ((enc & BTF_INT_SIGNED) != 0) {
            const int64_t s = bits < 64 ? int64_t(raw << (64 - bits)) >> (64 - bits) : int64_t(raw);
            if (json()) append_json_int(out_, s);
            else fmt::format_to(It(out_), "{}", s);
        } else if ((enc & BTF_INT_CHAR) != 0 && !json() && raw < 128 && std::isprint(int(raw)) && raw != '\'' &&
                   raw != '\\') {
            fmt::format_to(It(out_), "'{}'", char(raw));
        } else if (json()) {
            append_json_uint(out_, raw);
        } else {
            fmt::format_to(It(out_), "{}", raw);
        }
        return true;
    }

    bool enumeration(const struct btf_type* t, std::string_view bytes) {
        if (bytes.size() != t->size || t->size == 0 || t->size > 8) return false;
        uint64_t v = load(bytes, t->size);
        const bool is_signed = btf_kflag(t);
        if (is_signed && t->size < 8) v = uint64_t(int64_t(v << (64 - 8 * t->size)) >> (64 - 8 * t->size));
        const uint16_t n = btf_vlen(t);
        for (uint16_t i = 0; i < n; ++i) {
            uint64_t ev;
            uint32_t name_off;
            if (btf_kind(t) == BTF_KIND_ENUM) {
                const struct btf_enum& e = btf_enum(t)[i];
                ev = is_signed ? uint64_t(int64_t(e.val)) : uint64_t(uint32_t(e.val));
                name_off = e.name_off;
            } else {
                const struct btf_enum64& e = btf_enum64(t)[i];
                ev = (uint64_t(e.val_hi32) << 32) | e.val_lo32;
                name_off = e.name_off;
            }
            if (t->size < 8) ev &= (uint64_t(1) << (8 * t->size)) - 1, v &= (uint64_t(1) << (8 * t->size)) - 1;
            if (ev == v) {
                if (json()) append_json_string(out_, btf_.name_at(name_off));
                else put(out_, btf_.name_at(name_off));
                return true;
            }
        }
        if (json() && is_signed) append_json_int(out_, int64_t(v));
        else if (json()) append_json_uint(out_, v);
        else if (is_signed) fmt::format_to(It(out_), "{}", int64_t(v));
        else fmt::format_to(It(out_), "{}", v);
        return true;
    }

    bool pointer(std::string_view bytes) {
        if (bytes.size() != 8 && bytes.size() != 4) return false;
        const uint64_t v = load(bytes, bytes.size());
        if (json()) append_json_uint(out_, v);
        else if (v == 0) put(out_, "NULL");
        else fmt::format_to(It(out_), "{:#x}", v);
        return true;
    }

    bool floating(std::string_view bytes) {
        double d;
        if (bytes.size() == 4) {
            float f;
            std::memcpy(&f, bytes.data(), 4);
            d = f;
        } else if (bytes.size() == 8) {
            std::memcpy(&d, bytes.data(), 8);
        } else {
            return false;
        }
        if (json() && !std::isfinite(d)) fmt::format_to(It(out_), "\"{}\"", d);
        else fmt::format_to(It(out_), "{}", d);
        return true;
    }

    // A char array: the text up to its first NUL, or all of it when it
    // fills the array, provided that text is printable.
    bool char_array(uint32_t elem, std::string_view bytes) {
        const struct btf_type* e = btf_.type(elem);
        if (e == nullptr || btf_kind(e) != BTF_KIND_INT || e->size != 1) return false;
        const std::string_view n = btf_.name_at(e->name_off);
        const uint32_t enc = BTF_INT_ENCODING(*reinterpret_cast<const uint32_t*>(e + 1));
        if (n.find("char") == std::string_view::npos && (enc & BTF_INT_CHAR) == 0) return false;
        const std::size_t nul = bytes.find('\0');
        const std::string_view text = bytes.substr(0, nul);
        for (unsigned char c : text)
            if (!std::isprint(c) && c != '\t' && c != '\n') return false;
        if (json()) append_json_string(out_, text);
        else append_quoted(out_, text);
        return true;
    }

    bool array(const struct btf_type* t, std::string_view bytes, int depth) {
        const struct btf_array* a = btf_array(t);
        const uint32_t elem = btf_.resolve(a->type);
        const long long esize = btf__resolve_size(btf_.raw(), a->type);
        if (esize <= 0 || uint64_t(esize) * a->nelems != bytes.size()) return false;
        if (char_array(elem, bytes)) return true;
        out_.push_back('[');
        for (uint32_t i = 0; i < a->nelems; ++i) {
            if (i != 0) put(out_, json() ? "," : ", ");
            if (i == f_.array_limit && !json()) { put(out_, "..."); break; }
            if (!value(a->type, bytes.substr(std::size_t(i) * std::size_t(esize), std::size_t(esize)), depth + 1))
                return false;
        }
        out_.push_back(']');
        return true;
    }

    bool composite(const struct btf_type* t, std::string_view bytes, int depth) {
        if (bytes.size() != t->size) return false;
        out_.push_back('{');
        if (!members(t, bytes, depth, true)) return false;
        out_.push_back('}');
        return true;
    }

    // The members of a struct or union, with anonymous struct/union members
    // flattened into their parent as C lets code name them.
    bool members(const struct btf_type* t, std::string_view bytes, int depth, bool first) {
        if (depth > kMaxDepth) return false;
        const struct btf_member* m = btf_members(t);
        for (uint16_t i = 0; i < btf_vlen(t); ++i, ++m) {
            if (++visits_ > kMaxVisits) return false;
            const uint32_t bit_off = btf_member_bit_offset(t, i);
            const uint32_t bit_size = btf_member_bitfield_size(t, i);
            const std::string_view mname = btf_.name_at(m->name_off);
            const uint32_t rid = btf_.resolve(m->type);
            const struct btf_type* mt = btf_.type(rid);
            if (mt == nullptr) return false;
            if (mname.empty() && (btf_kind(mt) == BTF_KIND_STRUCT || btf_kind(mt) == BTF_KIND_UNION)) {
                if (bit_off % 8 != 0 || bit_off / 8 + mt->size > bytes.size()) return false;
                if (!members(mt, bytes.substr(bit_off / 8, mt->size), depth + 1, first)) return false;
                first = first && btf_vlen(mt) == 0;
                continue;
            }
            if (!first) put(out_, json() ? "," : ", ");
            first = false;
            name(mname);
            if (bit_size != 0) {  // a bitfield: an integer (or enum) cut out of the bits
                if (btf_kind(mt) != BTF_KIND_INT && btf_kind(mt) != BTF_KIND_ENUM) return false;
                if (btf_kind(mt) == BTF_KIND_ENUM) {
                    if ((bit_off + bit_size + 7) / 8 > bytes.size() || bit_size > 32) return false;
                    uint64_t raw = 0;
                    const std::size_t lo = bit_off / 8, hi = (bit_off + bit_size + 7) / 8;
                    std::memcpy(&raw, bytes.data() + lo, std::min<std::size_t>(hi - lo, 8));
                    raw = (raw >> (bit_off % 8)) & ((uint64_t(1) << bit_size) - 1);
                    fmt::format_to(It(out_), "{}", raw);
                    continue;
                }
                if (!integer(mt, bytes, bit_off, bit_size)) return false;
                continue;
            }
            const long long msize = btf__resolve_size(btf_.raw(), m->type);
            if (msize < 0 || bit_off % 8 != 0 || bit_off / 8 + uint64_t(msize) > bytes.size()) return false;
            if (!value(m->type, bytes.substr(bit_off / 8, std::size_t(msize)), depth + 1)) return false;
        }
        return true;
    }

    bool datasec(const struct btf_type* t, std::string_view bytes, int depth) {
        // A byte no variable covers is shown by no member: the section is
        // shown typed only when every such byte is zero (alignment), else
        // the caller shows its bytes.
        if (!uncovered_bytes_are_zero(t, bytes)) return false;
        out_.push_back('{');
        const struct btf_var_secinfo* v = btf_var_secinfos(t);
        for (uint16_t i = 0; i < btf_vlen(t); ++i, ++v) {
            if (uint64_t(v->offset) + v->size > bytes.size()) return false;
            if (i != 0) put(out_, json() ? "," : ", ");
            const struct btf_type* var = btf_.type(v->type);
            name(var != nullptr ? btf_.name_at(var->name_off) : std::string_view("?"));
            if (!value(v->type, bytes.substr(v->offset, v->size), depth + 1)) return false;
        }
        out_.push_back('}');
        return true;
    }

    static bool uncovered_bytes_are_zero(const struct btf_type* t, std::string_view bytes) {
        std::vector<std::pair<uint64_t, uint64_t>> spans;  // [begin, end) of each variable
        spans.reserve(btf_vlen(t));
        const struct btf_var_secinfo* v = btf_var_secinfos(t);
        for (uint16_t i = 0; i < btf_vlen(t); ++i, ++v) spans.emplace_back(v->offset, uint64_t(v->offset) + v->size);
        std::sort(spans.begin(), spans.end());
        uint64_t at = 0;  // bytes before `at` are covered or checked
        auto zero_until = [&](uint64_t end) {
            end = std::min<uint64_t>(end, bytes.size());
            for (; at < end; ++at)
                if (bytes[at] != '\0') return false;
            return true;
        };
        for (const auto& [begin, end] : spans) {
            if (!zero_until(begin)) return false;
            at = std::max(at, std::min<uint64_t>(end, bytes.size()));
        }
        return zero_until(bytes.size());
    }

    OutBuf& out_;
    const BtfTypes& btf_;
    const ValueFormat& f_;
    uint64_t visits_ = 0;
};

} // namespace

bool append_typed_value(OutBuf& out, const BtfTypes& btf, uint32_t type_id, std::string_view bytes,
                        const ValueFormat& format) {
    const long long size = btf__resolve_size(btf.raw(), type_id);
    if (size < 0 || uint64_t(size) != bytes.size() || btf.type(type_id) == nullptr) return false;
    const std::size_t mark = out.size();
    Walker w(out, btf, format);
    if (w.value(type_id, bytes, 0)) return true;
    out.resize(mark);
    return false;
}

} // namespace bpfsc::decoder
