// The layout and output-size checks of BTF (see btf_layout_check.h).
#include "btf_layout_check.h"

#include <bpf/btf.h>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace bpfsc::decoder {

uint32_t first_own_type(const struct btf* btf) {
    const struct btf* base = btf__base_btf(btf);
    return base != nullptr ? btf__type_cnt(base) : 1;
}

bool has_name(const struct btf* btf, const struct btf_type* t) {
    return t->name_off != 0 && btf__name_by_offset(btf, t->name_off)[0] != '\0';
}

namespace {

bool is_record(const struct btf_type* t) { return btf_is_struct(t) || btf_is_union(t); }

// The size in bits of member i of `t`, or -1 when its type has none.
int64_t member_bits(const struct btf* btf, const struct btf_type* t, uint16_t i) {
    if (const uint32_t bits = btf_member_bitfield_size(t, i); bits != 0) return bits;
    const int64_t bytes = btf__resolve_size(btf, btf_members(t)[i].type);
    return bytes < 0 ? -1 : bytes * 8;
}

// Lines the dumper prints as padding for a gap of `bits`: one per 64 bits,
// and one more for an unaligned rest.
uint64_t padding_lines(uint64_t bits) { return bits / 64 + (bits % 64 != 0); }

uint64_t saturated(uint64_t a, uint64_t b) { return std::min(a + b, kMaxBtfCLines + 1); }

// The lines of each type's declaration, as the dumper prints it inline
// (memoised; the recursion follows only the references the graph check
// bounded in depth).
class CSize {
public:
    explicit CSize(const struct btf* btf)
        : btf_(btf), first_(first_own_type(btf)), count_(btf__type_cnt(btf)), memo_(count_, kUnknown) {}

    // Inline: a name is one line; an anonymous struct, union or enum is
    // printed whole; pointers, arrays, qualifiers and prototypes print
    // what they refer to.
    uint64_t inline_lines(uint32_t id) {
        if (id < first_ || id >= count_) return 1;
        if (memo_[id] != kUnknown) return memo_[id];
        const struct btf_type* t = btf__type_by_id(btf_, id);
        const bool named = has_name(btf_, t);
        uint64_t lines = 1;
        switch (btf_kind(t)) {
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION:
            if (!named) lines = body_lines(t);
            break;
        case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64:
            if (!named) lines = saturated(2, btf_vlen(t));
            break;
        case BTF_KIND_PTR:
        case BTF_KIND_CONST:
        case BTF_KIND_VOLATILE:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPE_TAG:
        case BTF_KIND_FUNC:
        case BTF_KIND_VAR: lines = inline_lines(t->type); break;
        case BTF_KIND_ARRAY: lines = inline_lines(btf_array(t)->type); break;
        case BTF_KIND_FUNC_PROTO:
            lines = inline_lines(t->type);
            for (uint16_t i = 0; i < btf_vlen(t); ++i) lines = saturated(lines, inline_lines(btf_params(t)[i].type));
            break;
        default: break;  // int, float, fwd, typedef (by name), datasec, decl_tag
        }
        memo_[id] = lines;
        return lines;
    }

    // The definition the dumper prints at top level (a named struct,
    // union, enum or typedef), 0 for types it prints only inline.
    uint64_t definition_lines(uint32_t id) {
        const struct btf_type* t = btf__type_by_id(btf_, id);
        switch (btf_kind(t)) {
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION: return body_lines(t);
        case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64: return saturated(2, btf_vlen(t));
        case BTF_KIND_TYPEDEF: return inline_lines(t->type);
        default: return 0;
        }
    }

private:
    static constexpr uint64_t kUnknown = UINT64_MAX;

    // "struct {", each member with its padding, the tail's padding, "}".
    uint64_t body_lines(const struct btf_type* t) {
        uint64_t lines = 2, end = 0;
        for (uint16_t i = 0; i < btf_vlen(t); ++i) {
            const uint64_t at = btf_member_bit_offset(t, i);
            if (at > end) lines = saturated(lines, padding_lines(at - end));
            lines = saturated(lines, inline_lines(btf_members(t)[i].type));
            const int64_t bits = member_bits(btf_, t, i);
            end = at + uint64_t(std::max<int64_t>(bits, 0));
        }
        const uint64_t size = uint64_t(t->size) * 8;
        if (btf_is_struct(t) && size > end) lines = saturated(lines, padding_lines(size - end));
        return lines;
    }

    const struct btf* btf_;
    const uint32_t first_, count_;
    std::vector<uint64_t> memo_;
};

} // namespace

std::string find_bad_scalar(const struct btf* btf) {
    const uint32_t count = btf__type_cnt(btf);
    for (uint32_t id = first_own_type(btf); id < count; ++id) {
        const struct btf_type* t = btf__type_by_id(btf, id);
        const uint32_t size = t->size;
        if (btf_is_int(t)) {
            const uint32_t bits = btf_int_bits(t), offset = btf_int_offset(t);
            if ((size != 1 && size != 2 && size != 4 && size != 8 && size != 16) ||
                uint64_t(bits) + offset > uint64_t(size) * 8)
                return fmt::format("type {} (int): {} bits at bit {} in {} bytes, which the kernel refuses", id, bits,
                                   offset, size);
        } else if (btf_is_float(t)) {
            if (size != 2 && size != 4 && size != 8 && size != 12 && size != 16)
                return fmt::format("type {} (float): {} bytes, which the kernel refuses", id, size);
        } else if (btf_is_any_enum(t)) {
            if (size != 1 && size != 2 && size != 4 && size != 8)
                return fmt::format("type {} (enum): {} bytes, which the kernel refuses", id, size);
        }
    }
    return {};
}

std::string find_member_outside(const struct btf* btf) {
    const uint32_t count = btf__type_cnt(btf);
    for (uint32_t id = first_own_type(btf); id < count; ++id) {
        const struct btf_type* t = btf__type_by_id(btf, id);
        if (!is_record(t)) continue;
        const uint64_t size = uint64_t(t->size) * 8;
        const std::string_view kind = btf_is_struct(t) ? "struct" : "union";
        for (uint16_t i = 0; i < btf_vlen(t); ++i) {
            const int64_t bits = member_bits(btf, t, i);
            if (bits < 0) return fmt::format("type {} ({}): member {}'s type has no size", id, kind, i);
            if (uint64_t(btf_member_bit_offset(t, i)) + uint64_t(bits) > size)
                return fmt::format("type {} ({}): member {} ends past the {} bytes of its {}", id, kind, i, t->size,
                                   kind);
        }
    }
    return {};
}

std::string find_oversized_c(const struct btf* btf) {
    CSize c(btf);
    uint64_t total = 0;
    const uint32_t count = btf__type_cnt(btf);
    for (uint32_t id = first_own_type(btf); id < count; ++id) {
        if (c.inline_lines(id) > kMaxBtfCLines)
            return fmt::format("type {} would be declared in more than {} lines", id, kMaxBtfCLines);
        total = saturated(total, c.definition_lines(id));
    }
    if (total > kMaxBtfCLines) return fmt::format("its C declarations would take more than {} lines", kMaxBtfCLines);
    return {};
}

} // namespace bpfsc::decoder
