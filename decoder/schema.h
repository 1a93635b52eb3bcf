// The schema: one declarative table per bpf() command describing its part of
// union bpf_attr. A Field says where a member lives, what it means (an enum,
// flags, an fd of some object, a pointer whose length comes from another
// field...), which way data flows (in, out, in/out) and the release that
// added it. One walk over these tables (decode.cpp) drives both renderers;
// the same tables are what the fd model and the seccomp broker read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "attr_view.h"
#include "xlat.h"

namespace bpfsc::decoder {

// How a member's number is shown.
enum class Kind : uint8_t {
    Uint,        // decimal, unsigned
    Sint,        // decimal, signed (sign-extended from the member's width)
    Hex,         // 0x...
    Enum,        // a value of Field::xlat; unknown values keep a ??? marker
    Flags,       // bits of Field::xlat; unknown bits keep a ??? marker
    Fd,          // a file descriptor; Field::object says of what
    Ifindex,     // a network interface index
    Id,          // a kernel object id (Field::object says of what)
    Pid,         // a process id
    KernVersion, // KERNEL_VERSION(a, b, c)
    CharArray,   // inline char[N], NUL-terminated name
    Pointer,     // an address in the tracee; Field::content says what it holds
    BtfTypeId,   // a type id in a BTF object (Field::btf says which)
};

// Which BTF object a BtfTypeId member's id belongs to.
enum class BtfFrom : uint8_t {
    None,
    FdMember,          // the BTF (or the BTF of the map or program) of the fd at btf_member_offset
    FdMemberOrVmlinux, // that fd when non-zero, else the kernel's own BTF
    Vmlinux,           // the kernel's own BTF
    IdMember,          // the BTF object whose id is the member at btf_member_offset
    IdMemberOrVmlinux, // that id when non-zero, else the kernel's own BTF
};

// What a pointer member points at.
enum class Content : uint8_t {
    Opaque,      // an address only; nothing is read
    Sized,       // an address shown alone, with a length the schema knows
                 // (instructions, func_info, line_info, core_relos, info)
    String,      // NUL-terminated string, read up to the string limit
    Text,        // a buffer of Field::length bytes holding a C string (logs, names)
    Bytes,       // a buffer of Field::length bytes, every byte shown quoted (BTF blob)
    HexBytes,    // a buffer of Field::length bytes, shown as hex
    U32Array,    // Field::length elements of __u32
    U64Array,    // Field::length elements of __u64
    FdArray,     // Field::length elements of __s32 fds (fd_array)
    StringArray, // Field::length pointers to strings (kprobe_multi.syms)
    MapKey,      // one key of the map in Field::length.fd_offset
    MapValue,    // one value of that map (per-CPU maps: one per CPU)
    MapKeys,     // Field::length.count_offset keys of that map
    MapValues,   // ... values of that map
    // BPF_OBJ_GET_INFO_BY_FD (decoder/info/):
    InfoStruct,  // the info struct; its layout depends on the object bpf_fd refers to
    Insns,       // Field::length bytes of BPF instructions: the length is shown, not the content
    Tags,        // Field::length program tags of 8 bytes, shown as hex
    FuncInfo,    // Field::length records of struct bpf_func_info
    LineInfo,    // Field::length records of struct bpf_line_info
};

enum class Dir : uint8_t {
    In,     // read by the kernel only
    Out,    // written by the kernel
    InOut,  // read and written
};

// The object behind an fd or id, for annotation and for the broker.
enum class Object : uint8_t {
    None,
    Map,
    Prog,
    Btf,
    Link,
    Token,
    BpfAny,     // BPF_OBJ_PIN bpf_fd: any BPF object
    Target,     // attach target: cgroup, netns, socket map... (depends on attach type)
    PerfEvent,
    Dir,        // a directory fd (path_fd, bpffs_fd)
    Task,       // a pid's fd (task_fd_query.fd is in another process)
};

// Where a pointer's length comes from.
struct Length {
    enum class From : uint8_t {
        None,        // no length: an address or a string
        Field,       // count field, times `scale` bytes
        FieldTimesField, // count field times record-size field
        MapOfFd,     // sized by the map whose fd is at fd_offset
        Return,      // the call's return value (bytes read), capped by the count field
    };
    From from = From::None;
    uint16_t count_offset = 0;  // offset of the count member
    uint8_t count_width = 0;    // its width (4 or 8)
    uint16_t scale_offset = 0;  // FieldTimesField: offset of the u32 record size
    uint32_t scale = 1;         // Field: bytes per counted unit
    uint16_t fd_offset = 0;     // MapOfFd: offset of the map fd member
    bool zero_means_unknown = false; // a count of 0 means "the kernel works it out" (fd_array)
};

using Predicate = bool (*)(const AttrView&);

// What a failed call did to an output buffer. By default nothing: the data
// is not read. Logs are written whatever the result; counted outputs are
// written as far as their count says when the kernel moved the count
// (ENOSPC fills what fits); batch walks end with ENOENT after their last
// elements.
enum class OnFailure : uint8_t {
    NotWritten,
    Written,            // verifier and BTF logs
    WrittenIfCounted,   // the count member changed: that many were written
    WrittenIfCountedOrEnd,  // ...or the call is a walk that ended (ENOENT)
};

struct Field {
    std::string_view name;
    uint16_t offset = 0;
    uint8_t width = 0;
    Kind kind = Kind::Uint;
    Dir dir = Dir::In;
    const Xlat* xlat = nullptr;
    Object object = Object::None;
    Content content = Content::Opaque;
    Length length{};
    Predicate when = nullptr;     // shown only when this holds (union members)
    std::string_view group{};     // nested struct name, e.g. "kprobe_multi"
    std::string_view since{};     // kernel release that added it, "" for the first
    OnFailure failure_policy = OnFailure::NotWritten;  // whether a failed call wrote this output
    BtfFrom btf = BtfFrom::None;  // BtfTypeId: which BTF object
    uint16_t btf_member_offset = 0;  // ... the member holding its fd or id
    bool holds_hidden_fds = false;  // the pointed-to data holds fds this table does not lay out
    bool is_path = false;           // a String that is a path: read whole (up to PATH_MAX), whatever -s says
    bool always_written = false;    // stored on every successful call, changed or not (written_on_success)
    bool zero_is_none = false;      // a zero means "none" or "the default" (brief lines leave it out)
    std::string_view unit{};        // a Sized pointer's data, counted: brief lines show `<68 insns>` (unit "insn")

    // Fluent constexpr modifiers, so a table row reads like a sentence.
    constexpr Field as(Kind k) const { Field f = *this; f.kind = k; return f; }
    constexpr Field enum_of(const Xlat& x) const { Field f = *this; f.kind = Kind::Enum; f.xlat = &x; return f; }
    constexpr Field flags_of(const Xlat& x) const { Field f = *this; f.kind = Kind::Flags; f.xlat = &x; return f; }
    // An array whose elements are flags of `x` (BPF_PROG_QUERY prog_attach_flags).
    constexpr Field elements_flags_of(const Xlat& x) const { Field f = *this; f.xlat = &x; return f; }
    constexpr Field fd(Object o) const { Field f = *this; f.kind = Kind::Fd; f.object = o; return f; }
    constexpr Field id(Object o) const { Field f = *this; f.kind = Kind::Id; f.object = o; return f; }
    constexpr Field out() const { Field f = *this; f.dir = Dir::Out; return f; }
    constexpr Field inout() const { Field f = *this; f.dir = Dir::InOut; return f; }
    // An output the kernel stores whenever the call succeeds, even with the
    // value it had (so a read-only attr makes the call fail with EFAULT):
    // the seccomp broker writes it back the same way.
    constexpr Field written_on_success() const { Field f = *this; f.always_written = true; return f; }
    constexpr Field points_to(Content c, Length l = {}) const {
        Field f = *this; f.kind = Kind::Pointer; f.content = c; f.length = l; return f;
    }
    // Outputs a failed call may still have written (see OnFailure).
    constexpr Field on_failure(OnFailure w) const { Field f = *this; f.failure_policy = w; return f; }
    // A BTF type id of the BTF object whose fd is the member at `fd_off`
    // (or_vmlinux: the kernel's BTF when that fd is 0).
    constexpr Field btf_type_in(uint16_t fd_off, bool or_vmlinux = false) const {
        Field f = *this; f.kind = Kind::BtfTypeId; f.btf = or_vmlinux ? BtfFrom::FdMemberOrVmlinux : BtfFrom::FdMember;
        f.btf_member_offset = fd_off; return f;
    }
    // A BTF type id of the BTF object whose id (not fd) is the member at
    // `id_off`, as info structs give it (or_vmlinux: the kernel's BTF when
    // that id is 0).
    constexpr Field btf_type_in_id(uint16_t id_off, bool or_vmlinux = false) const {
        Field f = *this; f.kind = Kind::BtfTypeId; f.btf = or_vmlinux ? BtfFrom::IdMemberOrVmlinux : BtfFrom::IdMember;
        f.btf_member_offset = id_off; return f;
    }
    constexpr Field btf_type_in_vmlinux() const { Field f = *this; f.kind = Kind::BtfTypeId; f.btf = BtfFrom::Vmlinux; return f; }
    constexpr Field only_if(Predicate p) const { Field f = *this; f.when = p; return f; }
    // Data with fds at places that depend on more than this table says
    // (iter_info: a map fd, a cgroup fd or a pidfd, by iterator): the
    // seccomp broker must not run such a call itself.
    constexpr Field with_hidden_fds() const { Field f = *this; f.holds_hidden_fds = true; return f; }
    // A path (a pin, an uprobe's binary): shown whole, as strace shows
    // paths, since a cut path names another file.
    constexpr Field path() const { Field f = points_to(Content::String); f.is_path = true; return f; }
    // Brief lines leave the member out when it is zero: it asks for
    // nothing (a log buffer of none). Members added after their command
    // and flags need no mark: a zero there is the kernel's old default.
    constexpr Field none_when_zero() const { Field f = *this; f.zero_is_none = true; return f; }
    // Brief lines show a Sized pointer as its count of `unit`s (singular: "insn").
    constexpr Field counted_as(std::string_view u) const { Field f = *this; f.unit = u; return f; }
    constexpr Field in(std::string_view g) const { Field f = *this; f.group = g; return f; }
    constexpr Field added(std::string_view release) const { Field f = *this; f.since = release; return f; }
    constexpr uint32_t end() const { return uint32_t(offset) + width; }
};

// Lengths, built from the offsets of the members that hold them.
constexpr Length count_of(uint16_t off, uint8_t width, uint32_t bytes_each = 1) {
    Length l; l.from = Length::From::Field; l.count_offset = off; l.count_width = width; l.scale = bytes_each; return l;
}
constexpr Length records_of(uint16_t count_off, uint16_t rec_size_off) {
    Length l; l.from = Length::From::FieldTimesField; l.count_offset = count_off; l.count_width = 4;
    l.scale_offset = rec_size_off; return l;
}
constexpr Length count_or_unknown(uint16_t off, uint8_t width, uint32_t bytes_each = 1) {
    Length l = count_of(off, width, bytes_each); l.zero_means_unknown = true; return l;
}
constexpr Length returned_bytes(uint16_t cap_off) {
    Length l; l.from = Length::From::Return; l.count_offset = cap_off; l.count_width = 4; return l;
}
constexpr Length map_sized(uint16_t fd_off, uint16_t count_off = 0, uint8_t count_width = 0) {
    Length l; l.from = Length::From::MapOfFd; l.fd_offset = fd_off; l.count_offset = count_off; l.count_width = count_width; return l;
}

// What a successful call returns.
enum class Returns : uint8_t { Zero, Fd, Count };

struct Command {
    uint32_t number;
    std::string_view name;
    std::string_view group;           // union member name: "info", "batch", ... or ""
    std::span<const Field> fields;
    uint32_t known_size;              // offsetofend of the last member (computed by the registry)
    Returns returns;
    Object returned_object;           // what a returned fd refers to
    std::string_view since;
};

constexpr uint32_t end_of(std::span<const Field> fields) {
    uint32_t end = 0;
    for (const Field& f : fields) end = f.end() > end ? f.end() : end;
    return end;
}

// The table of command `number`, or nullptr for a number the kernel lacks.
const Command* find_command(uint32_t number);
std::span<const Command* const> all_commands();

// A row's name, offset and width, from the project's layouts (uapi/bpf_attr.h).
#define BPFSC_FIELD(S, m) \
    ::bpfsc::decoder::Field { #m, static_cast<uint16_t>(offsetof(S, m)), static_cast<uint8_t>(sizeof(S::m)) }
// A member of a nested struct (link_create.kprobe_multi.cnt): named "cnt", in group "kprobe_multi".
#define BPFSC_NESTED(S, g, m) \
    ::bpfsc::decoder::Field { #m, static_cast<uint16_t>(offsetof(S, g.m)), static_cast<uint8_t>(sizeof(S::g.m)) }.in(#g)
#define BPFSC_OFF(S, m) static_cast<uint16_t>(offsetof(S, m))

} // namespace bpfsc::decoder
