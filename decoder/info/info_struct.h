// The decoded info struct of one BPF_OBJ_GET_INFO_BY_FD call: part of the
// call's value tree (DecodedCall::info), in the call's arena. Its members
// are FieldValues of the layout's rows, so both renderers show them as
// they show the attr's own members:
//   - at entry, the inputs the caller set (non-zero capacities, counts and
//     buffer pointers): what the kernel will read;
//   - at exit, once the kernel wrote the struct, every member inside the
//     length it wrote: members it only writes carry its value as `entry`
//     (nothing was passed in, so one number is shown), in/out members
//     carry what was passed and what came back (`before => after`), and
//     pointers carry the data the kernel copied out.
#pragma once

#include <array>
#include <cstdint>
#include <memory_resource>

#include "../decoded_call.h"
#include "layouts.h"

namespace bpfsc::decoder {

struct InfoStruct {
    // Bytes of the caller's buffer looked at: the largest 6.18 struct
    // (bpf_prog_info, 232 bytes) and a little more for a newer kernel's tail.
    static constexpr uint32_t kMaxBytes = 256;

    enum class State : uint8_t {
        Inputs,       // entry, or exit without the kernel writing the struct
        Written,      // the kernel wrote the struct (`length` bytes of it)
        NotWritten,   // the call failed and wrote nothing: the address is shown
        Unreadable,   // the buffer could not be read (read_error says why)
    };

    const info::InfoLayout* layout = nullptr;
    FdObject object;                 // what bpf_fd is
    State state = State::Inputs;
    int read_error = 0;
    uint32_t length = 0;             // Written: min(info_len in, info_len out)
    std::pmr::vector<FieldValue> members;
    uint32_t tail_offset = 0;        // non-zero bytes past the layout (a newer kernel)
    std::pmr::string tail;

    uint32_t entry_length = 0;       // info_len at entry
    uint32_t entry_read = 0;         // bytes of the buffer read at entry
    std::array<std::byte, kMaxBytes> entry_bytes{};

    explicit InfoStruct(std::pmr::memory_resource* r) : members(r), tail(r) {}
};

} // namespace bpfsc::decoder
