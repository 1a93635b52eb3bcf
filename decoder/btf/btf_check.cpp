// The BTF graph check (see btf_check.h): an iterative depth-first walk
// with three colours for loops and the longest chain below each type.
#include "btf_check.h"

#include "btf_layout_check.h"

#include <bpf/btf.h>

#include <vector>

#include <fmt/format.h>

namespace bpfsc::decoder {

namespace {

// Past the last reference: wider than any type id (a hostile 0xffffffff is one).
constexpr uint64_t kNone = UINT64_MAX;

bool is_qualifier_or_typedef(const struct btf_type* t) {
    switch (btf_kind(t)) {
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_CONST:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPE_TAG: return true;
    default: return false;
    }
}

std::string_view kind_name(const struct btf_type* t) {
    switch (btf_kind(t)) {
    case BTF_KIND_PTR: return "ptr";
    case BTF_KIND_TYPEDEF: return "typedef";
    case BTF_KIND_VOLATILE: return "volatile";
    case BTF_KIND_CONST: return "const";
    case BTF_KIND_RESTRICT: return "restrict";
    case BTF_KIND_TYPE_TAG: return "type_tag";
    case BTF_KIND_ARRAY: return "array";
    case BTF_KIND_STRUCT: return "struct";
    case BTF_KIND_UNION: return "union";
    case BTF_KIND_FUNC: return "func";
    case BTF_KIND_FUNC_PROTO: return "func_proto";
    case BTF_KIND_VAR: return "var";
    case BTF_KIND_DATASEC: return "datasec";
    case BTF_KIND_DECL_TAG: return "decl_tag";
    default: return "type";
    }
}

class GraphCheck {
public:
    explicit GraphCheck(const struct btf* btf)
        : btf_(btf),
          count_(btf__type_cnt(btf)),
          first_(first_own_type(btf)),
          colour_(count_, 0),
          chain_(count_, 0),
          pointee_is_record_(count_, 2) {}

    std::string run() {
        for (uint32_t id = first_; id < count_; ++id)
            if (colour_[id] == 0 && !walk_from(id)) return problem_;
        return {};
    }

private:
    // Whether following `id` through typedefs and qualifiers ends at a
    // named struct or union, or a forward declaration: a pointer to it may close a
    // loop, as C allows. Remembered for every id on the way (linear).
    bool ends_at_record(uint32_t id) {
        std::vector<uint32_t>& path = scratch_;
        path.clear();
        bool result = false;
        for (uint32_t hops = 0;; ++hops) {
            if (id < first_ || id >= count_ || hops > kMaxBtfChain) break;  // base, absent, or a loop: follow it
            if (pointee_is_record_[id] != 2) {
                result = pointee_is_record_[id] == 1;
                break;
            }
            const struct btf_type* t = btf__type_by_id(btf_, id);
            const int kind = btf_kind(t);
            // Only a named struct or union is declared ahead: the dumper
            // prints an anonymous one inline, so a loop through a pointer
            // to it never ends.
            if (kind == BTF_KIND_FWD || ((kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION) && has_name(btf_, t))) {
                result = true;
                path.push_back(id);
                break;
            }
            path.push_back(id);
            if (!is_qualifier_or_typedef(t)) break;
            id = t->type;
        }
        for (const uint32_t on : path) pointee_is_record_[on] = result ? 1 : 0;
        return result;
    }

    // The i-th reference of `t` the check follows, kNone past the last; 0
    // (void) and a pointer's reference to a record count but go nowhere.
    uint64_t reference(const struct btf_type* t, uint32_t i) {
        switch (btf_kind(t)) {
        case BTF_KIND_PTR:
            if (i != 0) return kNone;
            return ends_at_record(t->type) ? 0 : t->type;
        case BTF_KIND_TYPEDEF:
        case BTF_KIND_VOLATILE:
        case BTF_KIND_CONST:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPE_TAG:
        case BTF_KIND_FUNC:
        case BTF_KIND_VAR:
        case BTF_KIND_DECL_TAG: return i == 0 ? t->type : kNone;
        case BTF_KIND_ARRAY:
            return i == 0 ? btf_array(t)->type : i == 1 ? btf_array(t)->index_type : kNone;
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION: return i < btf_vlen(t) ? btf_members(t)[i].type : kNone;
        case BTF_KIND_FUNC_PROTO:
            return i == 0 ? t->type : i <= btf_vlen(t) ? btf_params(t)[i - 1].type : kNone;
        case BTF_KIND_DATASEC: return i < btf_vlen(t) ? btf_var_secinfos(t)[i].type : kNone;
        default: return kNone;  // int, float, enum, enum64, fwd: no references
        }
    }

    // Whether a `from` may refer to a `to` at all, as the kernel and C
    // allow: functions, variables, sections and tags are no one's type
    // but a section's (variables and extern functions) or a tag's; a
    // function's type is a prototype; a section holds variables and
    // functions. The dumper trusts this (a variable as a struct member has
    // no alignment, and it divides by it).
    static bool may_refer(const struct btf_type* from, const struct btf_type* to) {
        const int f = btf_kind(from), k = btf_kind(to);
        if (f == BTF_KIND_DECL_TAG) return true;
        if (f == BTF_KIND_FUNC) return k == BTF_KIND_FUNC_PROTO;
        if (f == BTF_KIND_DATASEC) return k == BTF_KIND_VAR || k == BTF_KIND_FUNC;
        return k != BTF_KIND_FUNC && k != BTF_KIND_VAR && k != BTF_KIND_DATASEC && k != BTF_KIND_DECL_TAG;
    }

    // Whether the i-th reference of `t` is the type of a value it holds
    // (a member, an array's element, a variable): void has no size, and
    // the dumper divides by its alignment, 0.
    static bool holds_data(const struct btf_type* t, uint32_t i) {
        switch (btf_kind(t)) {
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION:
        case BTF_KIND_VAR: return true;
        case BTF_KIND_ARRAY: return i == 0;
        default: return false;
        }
    }

    bool fail(std::string why) {
        problem_ = std::move(why);
        return false;
    }

    bool walk_from(uint32_t root) {
        struct Frame {
            uint32_t id;
            uint32_t next;  // the next reference to follow
        };
        std::vector<Frame> stack{{root, 0}};
        colour_[root] = 1;
        while (!stack.empty()) {
            Frame& f = stack.back();
            const struct btf_type* t = btf__type_by_id(btf_, f.id);
            const uint64_t next = reference(t, f.next++);
            if (next == kNone) {
                colour_[f.id] = 2;
                const uint32_t length = chain_[f.id] + 1;
                stack.pop_back();
                if (!stack.empty() && length > chain_[stack.back().id]) chain_[stack.back().id] = length;
                if (length > kMaxBtfChain)
                    return fail(fmt::format("type {} begins a chain of more than {} references", root, kMaxBtfChain));
                continue;
            }
            if (next >= count_)
                return fail(fmt::format("type {} ({}) refers to type {}, which does not exist", f.id, kind_name(t), next));
            const uint32_t to = uint32_t(next);
            if (to != 0 && !may_refer(t, btf__type_by_id(btf_, to)))
                return fail(fmt::format("type {} ({}) refers to type {} ({}), which no {} can name", f.id,
                                        kind_name(t), to, kind_name(btf__type_by_id(btf_, to)), kind_name(t)));
            if (to == 0 && holds_data(t, f.next - 1))
                return fail(fmt::format("type {} ({}) holds a value of type void", f.id, kind_name(t)));
            if (to == 0 || to < first_) continue;  // void, or the base's (trusted)
            if (colour_[to] == 1)
                return fail(to == f.id ? fmt::format("type {} ({}) refers to itself", to, kind_name(t))
                                       : fmt::format("type {} ({}) refers back to type {}, a loop no C type can be",
                                                     f.id, kind_name(t), to));
            if (colour_[to] == 2) {
                if (chain_[to] + 1 > chain_[f.id]) chain_[f.id] = chain_[to] + 1;
                continue;
            }
            colour_[to] = 1;
            stack.push_back({to, 0});
        }
        return true;
    }

    const struct btf* btf_;
    const uint32_t count_, first_;
    std::vector<uint8_t> colour_;             // 0 not seen, 1 on the walk's path, 2 done
    std::vector<uint32_t> chain_;             // the longest chain below each done type
    std::vector<uint8_t> pointee_is_record_;  // 0 no, 1 yes, 2 not known yet
    std::vector<uint32_t> scratch_;
    std::string problem_;
};

} // namespace

// Every name offset (of types, members, enumerators, parameters) must lie
// in the string section: libbpf's btf__new does not check it, and its
// dumper takes the NULL that btf__name_by_offset returns for a bad one as
// a string.
std::string find_bad_name(const struct btf* btf) {
    const uint32_t count = btf__type_cnt(btf);
    auto bad = [&](uint32_t off) { return btf__name_by_offset(btf, off) == nullptr; };
    // "member 2's name" for the first of `n` entries (anything with a
    // name_off) whose name is bad, "" when none is.
    auto first_bad = [&](const auto* entries, uint16_t n, std::string_view what) {
        for (uint16_t i = 0; i < n; ++i)
            if (bad(entries[i].name_off)) return fmt::format("{} {}'s name", what, i);
        return std::string();
    };
    for (uint32_t id = first_own_type(btf); id < count; ++id) {
        const struct btf_type* t = btf__type_by_id(btf, id);
        if (t == nullptr) continue;
        const uint16_t n = btf_vlen(t);
        std::string what;
        if (bad(t->name_off)) what = "its name";
        else if (btf_is_composite(t)) what = first_bad(btf_members(t), n, "member");
        else if (btf_is_enum(t)) what = first_bad(btf_enum(t), n, "enumerator");
        else if (btf_is_enum64(t)) what = first_bad(btf_enum64(t), n, "enumerator");
        else if (btf_is_func_proto(t)) what = first_bad(btf_params(t), n, "parameter");
        if (!what.empty())
            return fmt::format("type {} ({}): {} is outside the string section", id, kind_name(t), what);
    }
    return {};
}

std::string find_btf_malformation(const struct btf* btf) {
    if (std::string bad_name = find_bad_name(btf); !bad_name.empty()) return bad_name;
    if (std::string bad_scalar = find_bad_scalar(btf); !bad_scalar.empty()) return bad_scalar;
    if (std::string loop = GraphCheck(btf).run(); !loop.empty()) return loop;
    if (std::string outside = find_member_outside(btf); !outside.empty()) return outside;
    return find_oversized_c(btf);
}

} // namespace bpfsc::decoder
