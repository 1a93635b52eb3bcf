// The broker's local copy of one bpf() call: the tracer runs the call
// itself, on the tracee's behalf, with everything the call names made the
// tracer's own. From the decoded call and its command's table (the schema
// says which members are fds and which point to buffers of what length):
//   prepare()     copies the attr, every buffer the kernel will read (with
//                 its exact length) and every buffer it may write (with the
//                 tracee's capacity), points the attr at those copies, and
//                 replaces every fd by a duplicate (pidfd_getfd): fd
//                 members, fd_array, map fds in instructions, fds stored as
//                 values of fd-holding maps; an info struct's nested
//                 buffers (map ids, instructions, names...) are copied
//                 too, and the struct points at the copies while the call
//                 runs. It refuses (and says why) when
//                 any byte is not understood, so the call is not run.
//   set(), own_buffer()   change the copy before running it (the lead's
//                 verifier-log re-run: log_level, a tracer-owned log_buf);
//   run()         calls bpf() in the tracer;
//   write_back()  writes into the tracee exactly the bytes the kernel
//                 changed: buffers, then attr members (also on error
//                 paths), and the members the kernel stores on every
//                 success even unchanged (Field::always_written);
//   view()        the tracee's memory as the call left it, for decoding
//                 the exit without racing the tracee;
//   release()     closes every duplicate.
// Buffers are kept from call to call: once warm, no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "decoder/decoded_call.h"
#include "tracer/seccomp/broker/insn_fds.h"
#include "tracer/seccomp/broker/map_layout.h"
#include "tracer/seccomp/broker/tracee_access.h"

namespace bpfsc::tracer::broker {

class Replica : private FdTranslator {
public:
    Replica();
    ~Replica() override;
    Replica(const Replica&) = delete;
    Replica& operator=(const Replica&) = delete;

    // Builds the copy; false with reason() when the call cannot be run by
    // the tracer with the same meaning (nothing was changed in the tracee).
    bool prepare(const decoder::DecodedCall& call, TraceeAccess& tracee);
    const char* reason() const { return reason_; }

    // Sets a member of the copied attr (the size grows to hold it if
    // needed). The call is then the tracer's own: write_back() writes nothing.
    bool set(const decoder::AttrMember& member, uint64_t value);
    // Points a pointer member at a zeroed tracer-owned buffer of `size`
    // bytes (write_back() then writes nothing, as after set()).
    std::span<std::byte> own_buffer(const decoder::AttrMember& member, std::size_t size);
    // The tracer's copy of the buffer a pointer member points at (after run(): what the kernel wrote).
    std::span<const std::byte> buffer(const decoder::AttrMember& member) const;

    // Runs the call. The result, or -errno.
    int64_t run();
    // Writes the kernel's outputs into the tracee. 0, or -EFAULT when a
    // write failed (read-only memory, or memory the tracee unmapped).
    int write_back(TraceeAccess& tracee);
    // The fd the call returned in the tracer (the caller installs it in the
    // tracee), or an invalid one.
    UniqueFd take_returned_fd();
    // Closes every duplicate (and a returned fd not taken).
    void release();

    // The tracee's memory as the call left it: the attr and every buffer
    // from the copies, anything else from `fallback`.
    decoder::Memory& view(decoder::Memory& fallback);

private:
    struct Buffer {
        const decoder::Field* field = nullptr;
        uint64_t remote = 0;             // the tracee's address
        std::vector<std::byte> local;    // the tracer's copy (capacity kept between calls)
        std::vector<std::byte> before;   // Out buffers: the copy before the call
        std::size_t size = 0;
        bool out = false;                // the kernel may write it
        bool own = false;                // a tracer-owned buffer (own_buffer): never written back
        bool altered = false;            // its fds were replaced by the tracer's: not the tracee's bytes
        bool whole = false;              // Out, and the kernel writes all of it on success, none on failure
    };
    class View;

    bool translate(int32_t tracee_fd, int32_t& own_fd) override;
    // A copy of the tracee's buffer at `remote`; a member of the attr
    // (in_attr) is pointed at it.
    Buffer& add_buffer(const decoder::Field& field, uint64_t remote, std::size_t size, bool out, bool in_attr = true);
    bool copy_in(TraceeAccess& tracee, Buffer& b);
    bool prepare_pointer(const decoder::FieldValue& v, TraceeAccess& tracee);
    bool prepare_string(const decoder::FieldValue& v, TraceeAccess& tracee);
    bool prepare_map_data(const decoder::FieldValue& v, TraceeAccess& tracee);
    bool prepare_fd_array(const decoder::FieldValue& v, TraceeAccess& tracee);
    bool prepare_batch_token(const decoder::FieldValue& v, TraceeAccess& tracee);
    bool prepare_info_struct(std::size_t info_buffer, TraceeAccess& tracee);
    void restore_nested_pointers();
    bool translate_value_fds(Buffer& b, uint64_t value_size);
    bool translate_value_prog_fds(Buffer& b, uint64_t value_size);
    bool layout_of_map(int32_t tracee_fd, MapLayout& out);
    bool refuse(const char* why);
    void put(uint32_t offset, uint32_t width, uint64_t value);
    uint64_t get(const std::array<std::byte, decoder::kPageSize>& attr, uint32_t offset, uint32_t width) const;
    Buffer* buffer_of(const decoder::Field* field);

    const decoder::DecodedCall* call_ = nullptr;
    TraceeAccess* tracee_ = nullptr;  // while prepare() runs
    std::array<std::byte, decoder::kPageSize> attr_{};         // what the kernel sees
    std::array<std::byte, decoder::kPageSize> attr_before_{};  // the same, before the call
    std::array<std::byte, decoder::kPageSize> tracee_attr_{};  // the tracee's attr, as the call leaves it
    uint32_t size_ = 0;
    std::vector<Buffer> buffers_;
    std::size_t used_ = 0;
    std::vector<std::pair<int32_t, UniqueFd>> fds_;  // tracee fd -> the tracer's duplicate
    std::vector<uint32_t> fd_array_indexes_;
    // A pointer inside the info struct, pointed at the tracer's copy while
    // the call runs; the tracee's own address goes back afterwards.
    struct NestedPointer {
        uint32_t offset;     // in the info struct
        uint64_t tracee;     // the tracee's address
        uint64_t local;      // the copy's
        uint64_t size;       // bytes copied
    };
    std::vector<NestedPointer> nested_;
    std::size_t info_buffer_ = 0;  // the buffer holding the info struct, when nested_ is not empty
    std::vector<bool> covered_;    // prepare_info_struct's scratch
    UniqueFd fd0_;          // the tracee's fd 0, when a member holds 0: stands in for the tracer's own during run()
    bool uses_fd0_ = false;
    UniqueFd returned_fd_;
    int64_t ret_ = 0;
    const char* reason_ = "";
    bool read_any_ = false;   // prepare() read the tracee's memory itself
    bool overridden_ = false; // set() or own_buffer() changed the call
    int32_t layout_fd_ = -1;  // the map whose layout is in layout_ (this call's)
    MapLayout layout_;
    View* view_ = nullptr;
};

} // namespace bpfsc::tracer::broker
