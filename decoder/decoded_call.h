// The value tree of one bpf() call: each member of its attr at entry and
// exit, the data its pointers lead to as far as it could be read, and what
// the walk learnt beside (the program whole, the BTF blob, the log). Filled
// by the walk (decode.h), read by renderers, notes, the model and the
// broker. All storage of a call comes from its own arena, reused call after
// call, so the hot path does not allocate once warm.
#pragma once

#include <array>
#include <cstring>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "attr_member.h"
#include "memory.h"
#include "resolver.h"
#include "schema.h"
#include "uapi/bpf_attr.h"

namespace bpfsc::decoder {

// What the values of a map are, beyond bytes: fd-holding maps take fds on
// update and give back ids on lookup (program arrays, maps of maps).
enum class ValueMeaning : uint8_t {
    Bytes,
    Fds,   // each 4-byte value is an fd of the tracee (items[i].bytes: its label)
    Ids,   // each 4-byte value is a kernel object id
};

// Pointed-to data as far as it could be read.
enum class DataState : uint8_t {
    NotRead,     // opaque pointer, or not this phase
    Null,        // the pointer is NULL
    Ok,          // all wanted bytes read
    Truncated,   // more exist than the limit lets us show
    Unreadable,  // a read failed after `bytes.size()` bytes; error says why
    UnknownSize, // the length depends on something we could not learn (a map's shape)
};

struct Data {
    DataState state = DataState::NotRead;
    int error = 0;
    uint64_t wanted = 0;                 // bytes (or elements, for arrays) that exist
    uint32_t elem_size = 1;              // bytes per element for arrays, keys, values
    std::pmr::string bytes;              // what was read
    std::pmr::vector<Data> items;        // StringArray: one per string; fd values: labels
    ValueMeaning meaning = ValueMeaning::Bytes;

    explicit Data(std::pmr::memory_resource* r) : bytes(r), items(r) {}
};

struct FieldValue {
    const Field* field;
    uint64_t entry = 0;        // the raw member at entry
    uint64_t exit = 0;         // the raw member at exit (when has_exit)
    bool has_exit = false;
    bool partial = false;      // the member straddles `size`; its upper bytes are zero
    Data data;                 // pointed-to data (entry for In, exit for Out)
    std::pmr::string label;    // Kind::Fd: what the fd is ("map#15:hash:config"), at entry;
                               // Kind::BtfTypeId: the type's C name ("struct user_msg_t")

    FieldValue(const Field* f, std::pmr::memory_resource* r) : field(f), data(r), label(r) {}
    bool changed() const { return has_exit && exit != entry; }
};

// A map an instruction of BPF_PROG_LOAD refers to (insn_maps.h).
struct InsnMap {
    int32_t fd = -1;
    int32_t index = -1;           // its fd_array index, when instructions name it by index
    uint32_t insn = 0;            // the first instruction that names it
    std::pmr::string label;       // what the fd is
    explicit InsnMap(std::pmr::memory_resource* r) : label(r) {}
};

class BtfTypes;
class KernelSymbols;

// Where a verifier (or BTF checker) log in the output came from.
enum class LogSource : uint8_t {
    None,
    Loader,   // the buffer the loader passed, as the kernel filled it
    Tracer,   // the tracer loaded the same program again with its own buffer
};

// A BPF_PROG_LOAD's program, read whole at entry (whole_data.h).
struct ProgramData {
    // The instructions, as read (a typed vector: an arena's bytes have no
    // alignment, and instructions are read as structs).
    std::pmr::vector<uapi::bpf_insn_raw> insns;
    uint64_t insns_wanted = 0;          // bytes insn_cnt says there are
    int insns_error = 0;                // why fewer were read, if they were
    std::pmr::string func_info;         // bpf_func_info records
    uint32_t func_info_rec_size = 0;
    std::pmr::string line_info;         // bpf_line_info records
    uint32_t line_info_rec_size = 0;
    const BtfTypes* btf = nullptr;      // prog_btf_fd's BTF: function names, source lines
    const BtfTypes* vmlinux = nullptr;  // the kernel's BTF, when instructions name kernel functions or variables
    // The instructions are BPF_OBJ_GET_INFO_BY_FD's xlated_prog_insns, as the
    // kernel runs them (maps by id, calls by kernel address), not a load's.
    bool xlated = false;
    const KernelSymbols* ksyms = nullptr;  // xlated: names of the kernel functions called
    explicit ProgramData(std::pmr::memory_resource* r) : insns(r), func_info(r), line_info(r) {}
    // Gives the storage up before the arena is released (DecodedCall::reset).
    void reset(std::pmr::memory_resource* r) {
        std::pmr::vector<uapi::bpf_insn_raw>(r).swap(insns);
        std::pmr::string(r).swap(func_info);
        std::pmr::string(r).swap(line_info);
        insns_wanted = 0;
        insns_error = 0;
        func_info_rec_size = line_info_rec_size = 0;
        btf = nullptr;
        vmlinux = nullptr;
        xlated = false;
        ksyms = nullptr;
    }
};
struct InfoStruct;  // BPF_OBJ_GET_INFO_BY_FD's info struct, decoded (info/info_struct.h)

enum class AttrState : uint8_t {
    Ok,
    Null,        // attr pointer is NULL
    SizeZero,    // size 0: nothing to decode
    TooBig,      // size above a page: the kernel refuses with E2BIG
    Unreadable,  // nothing could be read
    Partial,     // the first `readable` bytes could be read
};

// One call, decoded. Owns an arena; reuse it with reset().
class DecodedCall {
public:
    DecodedCall();
    ~DecodedCall();
    DecodedCall(const DecodedCall&) = delete;
    DecodedCall& operator=(const DecodedCall&) = delete;

    void reset();
    std::pmr::memory_resource* arena() { return &arena_; }
    AttrView entry_view() const { return AttrView{std::span(entry_bytes.data(), readable), size}; }
    // The value of member m, nullptr when this call's table does not show it.
    const FieldValue* member(const AttrMember& m) const;

    uint32_t cmd = 0;
    const Command* command = nullptr;  // nullptr: a number the kernel lacks
    RemoteAddr attr_addr{};
    uint32_t size = 0;
    AttrState attr_state = AttrState::Ok;
    int attr_error = 0;
    uint32_t readable = 0;            // bytes of the attr that were read
    std::pmr::vector<FieldValue> fields;
    uint32_t tail_offset = 0;         // where bytes past the known layout start
    std::pmr::string tail;            // those bytes, when any is non-zero

    bool exited = false;
    int64_t ret = 0;                  // the syscall's return value (-errno on error)

    std::pmr::string ret_label{&arena_};  // what a returned fd is (set by the caller after exit)
    std::pmr::vector<InsnMap> insn_maps{&arena_};  // BPF_PROG_LOAD: maps named by instructions
    InfoStruct* info = nullptr;                    // BPF_OBJ_GET_INFO_BY_FD: the info struct, in the arena

    ProgramData program{&arena_};        // BPF_PROG_LOAD: the program, whole
    std::unique_ptr<BtfTypes> btf_blob;  // BPF_BTF_LOAD: the blob as read at entry, parsed
    const BtfTypes* type_btf = nullptr;  // the BTF the call's type ids were named from (-v prints them)
    int btf_blob_error = 0;              // why it could not be read or parsed
    std::pmr::string log{&arena_};       // the verifier's (or BTF checker's) log
    LogSource log_source = LogSource::None;
    int64_t log_load_ret = 0;            // LogSource::Tracer: 0 if the tracer's own load succeeded, else -errno

    // The map the call's keys and values belong to, asked once per call.
    bool map_asked = false;
    std::optional<MapShape> map;

    std::array<std::byte, kPageSize> entry_bytes{};  // the attr as read at entry

private:
    std::array<std::byte, 16384> initial_{};
    std::pmr::monotonic_buffer_resource arena_;
};

// Helpers the renderers share.
// A member's raw value as a signed number of its width.
int64_t signed_value(uint64_t v, unsigned width);
// The text of an inline char[N] member, up to its NUL or what `size` and
// the readable bytes allow.
std::string_view char_array(const DecodedCall& call, const Field& f);
// Element i of an array read into d.
template <typename T>
T element(const Data& d, std::size_t i) {
    T v;
    std::memcpy(&v, d.bytes.data() + i * sizeof(T), sizeof(T));
    return v;
}

} // namespace bpfsc::decoder
