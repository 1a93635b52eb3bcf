// BtfTypes (see btf_types.h): libbpf parses; we name and print.
#include "btf_types.h"

#include "btf_check.h"

#include <bpf/btf.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <cstdarg>
#include <cstdio>

namespace bpfsc::decoder {

namespace {

// libbpf's dumper writes through a printf-like callback: into the OutBuf
// the caller gave.
void print_to_sink(void* ctx, const char* format, va_list args) {
    auto* out = *static_cast<OutBuf**>(ctx);
    if (out == nullptr) return;
    char small[256];
    va_list copy;
    va_copy(copy, args);
    const int n = std::vsnprintf(small, sizeof small, format, copy);
    va_end(copy);
    if (n < 0) return;
    if (std::size_t(n) < sizeof small) {
        out->append(small, small + n);
        return;
    }
    const std::size_t at = out->size();
    out->resize(at + std::size_t(n) + 1);
    std::vsnprintf(out->data() + at, std::size_t(n) + 1, format, args);
    out->resize(at + std::size_t(n));
}

// The options of btf_dump__emit_type_decl (LIBBPF_OPTS is a C macro: a
// compound literal C++ does not have).
btf_dump_emit_type_decl_opts decl_opts(const char* field_name) {
    btf_dump_emit_type_decl_opts opts{};
    opts.sz = sizeof opts;
    opts.field_name = field_name;
    return opts;
}

constexpr std::array<std::string_view, 20> kKindNames = {
    "void", "int", "ptr", "array", "struct", "union", "enum", "fwd", "typedef", "volatile",
    "const", "restrict", "func", "func_proto", "var", "datasec", "float", "decl_tag", "type_tag", "enum64",
};

} // namespace

BtfTypes::BtfTypes(struct btf* owned) : btf_(owned) {}

BtfTypes::~BtfTypes() {
    if (dump_ != nullptr) btf_dump__free(dump_);
    btf__free(btf_);
}

std::unique_ptr<BtfTypes> BtfTypes::parse(std::string_view blob, int* error) {
    // libbpf reads the type section in place (after copying the blob to
    // an aligned buffer): a header length or type offset that is not a
    // multiple of 4 puts every btf_type at a misaligned address.
    struct btf_header header;
    if (blob.size() >= sizeof header) {
        std::memcpy(&header, blob.data(), sizeof header);
        if (header.hdr_len % 4 != 0 || header.type_off % 4 != 0) {
            if (error != nullptr) *error = EINVAL;
            return nullptr;
        }
    }
    // libbpf 1.x: NULL and errno on failure.
    struct btf* b = btf__new(blob.data(), uint32_t(blob.size()));
    if (b == nullptr) {
        if (error != nullptr) *error = errno != 0 ? errno : EINVAL;
        return nullptr;
    }
    return std::make_unique<BtfTypes>(b);
}

uint32_t BtfTypes::type_count() const { return btf__type_cnt(btf_); }

const struct btf_type* BtfTypes::type(uint32_t id) const {
    if (id == 0 || id >= type_count()) return nullptr;
    return btf__type_by_id(btf_, id);
}

std::string_view BtfTypes::name_at(uint32_t offset) const {
    const char* s = btf__name_by_offset(btf_, offset);
    return s != nullptr ? std::string_view(s) : std::string_view();
}

std::string_view BtfTypes::name_of(uint32_t id) const {
    const struct btf_type* t = type(id);
    return t != nullptr ? name_at(t->name_off) : std::string_view();
}

uint32_t BtfTypes::resolve(uint32_t id) const {
    for (int hops = 0; hops < 32; ++hops) {
        const struct btf_type* t = type(id);
        if (t == nullptr) return 0;
        switch (btf_kind(t)) {
        case BTF_KIND_TYPEDEF:
        case BTF_KIND_VOLATILE:
        case BTF_KIND_CONST:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPE_TAG: id = t->type; break;
        default: return id;
        }
    }
    return 0;
}

const std::string& BtfTypes::malformation() const {
    if (!malformation_) malformation_ = find_btf_malformation(btf_);
    return *malformation_;
}

struct btf_dump* BtfTypes::dumper(OutBuf& out) const {
    if (!malformation().empty()) return nullptr;
    sink_ = &out;
    if (dump_ == nullptr) {
        dump_ = btf_dump__new(btf_, print_to_sink, &sink_, nullptr);
    }
    return dump_;
}

void BtfTypes::append_type_name(OutBuf& out, uint32_t id) const {
    if (id == 0) { put(out, "void"); return; }
    const struct btf_type* t = type(id);
    if (t == nullptr) { fmt::format_to(std::back_inserter(out), "type#{}???", id); return; }
    // Functions and variables are named, not declared.
    const int kind = btf_kind(t);
    if (kind == BTF_KIND_FUNC || kind == BTF_KIND_VAR || kind == BTF_KIND_DATASEC || kind == BTF_KIND_DECL_TAG) {
        put(out, name_of(id));
        return;
    }
    struct btf_dump* d = dumper(out);
    if (d == nullptr) { fmt::format_to(std::back_inserter(out), "type#{}", id); return; }
    const std::size_t mark = out.size();
    const auto opts = decl_opts("");
    if (btf_dump__emit_type_decl(d, id, &opts) != 0) fmt::format_to(std::back_inserter(out), "type#{}", id);
    sink_ = nullptr;
    // An anonymous struct, union or enum is declared with its body: a
    // name must stay on one line, so the body becomes "{...}".
    const std::string_view text(out.data() + mark, out.size() - mark);
    if (text.find('\n') != std::string_view::npos) {
        const std::size_t brace = text.find('{');
        out.resize(brace == std::string_view::npos ? mark : mark + brace);
        put(out, brace == std::string_view::npos ? std::string_view("type") : std::string_view("{...}"));
    }
}

void BtfTypes::append_function(OutBuf& out, uint32_t func_id) const {
    const struct btf_type* t = type(func_id);
    if (t == nullptr || btf_kind(t) != BTF_KIND_FUNC) {
        fmt::format_to(std::back_inserter(out), "func#{}", func_id);
        return;
    }
    const std::string_view name = name_of(func_id);
    const std::size_t mark = out.size();
    struct btf_dump* d = dumper(out);
    const std::string n(name);
    const auto opts = decl_opts(n.c_str());
    if (d == nullptr || btf_dump__emit_type_decl(d, t->type, &opts) != 0) {
        out.resize(mark);
        put(out, name);
    }
    sink_ = nullptr;
}

void BtfTypes::append_c(OutBuf& out, uint32_t id) const {
    // A dumper remembers what it has emitted: a fresh one for each dump.
    if (!malformation().empty()) {
        fmt::format_to(std::back_inserter(out), "/* not printed: {} */\n", malformation());
        return;
    }
    OutBuf* sink = &out;
    struct btf_dump* d = btf_dump__new(btf_, print_to_sink, &sink, nullptr);
    if (d == nullptr) return;
    if (id != 0) {
        btf_dump__dump_type(d, id);
    } else {
        for (uint32_t i = 1; i < type_count(); ++i) btf_dump__dump_type(d, i);
    }
    btf_dump__free(d);
}

void BtfTypes::append_kind_summary(OutBuf& out) const {
    std::array<uint32_t, kKindNames.size()> counts{};
    const uint32_t n = type_count();
    for (uint32_t i = 1; i < n; ++i) {
        const unsigned k = btf_kind(btf__type_by_id(btf_, i));
        if (k < counts.size()) ++counts[k];
    }
    fmt::format_to(std::back_inserter(out), "{} type{}", n - 1, n == 2 ? "" : "s");
    bool first = true;
    for (int shown = 0; shown < int(counts.size()); ++shown) {
        // Largest count first, each kind once.
        std::size_t best = 0;
        for (std::size_t k = 1; k < counts.size(); ++k)
            if (counts[k] > counts[best]) best = k;
        if (counts[best] == 0) break;
        fmt::format_to(std::back_inserter(out), "{}{} {}", first ? ": " : ", ", counts[best], kKindNames[best]);
        counts[best] = 0;
        first = false;
    }
}

} // namespace bpfsc::decoder
