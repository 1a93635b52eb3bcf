// One BTF object as the trace knows it: parsed by libbpf (from a blob a
// loader passed to BPF_BTF_LOAD, or fetched from the kernel by id), with
// what the output needs of it: type names ("struct user_msg_t", "u32"),
// C declarations for -v, and the types of keys and values (value_format.h).
// libbpf's dumper is used only on BTF whose graph was checked (btf_check.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "../format/format.h"

struct btf;
struct btf_type;
struct btf_dump;

namespace bpfsc::decoder {

class BtfTypes {
public:
    // Takes ownership of a parsed BTF (libbpf's btf__new/btf__load_*).
    explicit BtfTypes(struct btf* owned);
    ~BtfTypes();
    BtfTypes(const BtfTypes&) = delete;
    BtfTypes& operator=(const BtfTypes&) = delete;

    // Parses a raw BTF blob; nullptr (and *error set to an errno) if libbpf
    // rejects it.
    static std::unique_ptr<BtfTypes> parse(std::string_view blob, int* error);

    const struct btf* raw() const { return btf_; }
    // Types in this object (ids 1..count-1; 0 is void).
    uint32_t type_count() const;
    // The type with this id, or nullptr when the id is out of range.
    const struct btf_type* type(uint32_t id) const;
    // A string of the string section ("" for a bad offset).
    std::string_view name_at(uint32_t offset) const;
    // The type's own name ("" for anonymous types).
    std::string_view name_of(uint32_t id) const;

    // "struct user_msg_t", "u32", "char[12]", "int (*)(void *)": how C
    // would spell the type. Appends "type#N???" for an id this BTF lacks.
    void append_type_name(OutBuf& out, uint32_t id) const;
    // A function (BTF_KIND_FUNC) as C declares it: "int hello(void *ctx)";
    // its bare name if its prototype cannot be printed.
    void append_function(OutBuf& out, uint32_t func_id) const;
    // One named type's C declaration, as `bpftool btf dump format c` would
    // write it (structs with their members), or every type when id == 0.
    void append_c(OutBuf& out, uint32_t id = 0) const;
    // "12 types: 3 structs, 1 func, ..." (kinds that occur, most first).
    void append_kind_summary(OutBuf& out) const;

    // The type after typedefs and qualifiers (const, volatile, restrict,
    // type tags); 0 if the chain is broken or too long.
    uint32_t resolve(uint32_t id) const;

    // "" when the types form no loop C cannot have and no absurd chain
    // (btf_check.h), else what is wrong. Checked once, on first use: until
    // it says "", nothing of this BTF reaches libbpf's dumper, and names
    // and declarations fall back to "type#N".
    const std::string& malformation() const;

private:
    struct btf_dump* dumper(OutBuf& out) const;

    struct btf* btf_;
    mutable struct btf_dump* dump_ = nullptr;
    mutable OutBuf* sink_ = nullptr;   // where the dumper writes, while it runs
    mutable std::optional<std::string> malformation_;
};

} // namespace bpfsc::decoder
