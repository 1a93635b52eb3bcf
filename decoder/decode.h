// The schema walk: turns the bytes of one bpf() call's attr (at entry, and
// again at exit) into the value tree of decoded_call.h, reading pointed-to
// data through Memory. Renderers, notes, the model and the broker read the
// tree; only this walk (and whole_data, insn_maps, info/) fills it.
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

#include "decoded_call.h"
#include "memory.h"
#include "resolver.h"

namespace bpfsc::decoder {

struct DecodeOptions {
    uint32_t string_limit = 32;   // -s: string bytes, buffer bytes, array elements shown
    uint32_t data_limit = 4096;   // bytes read of one key or value
};

class Decoder {
public:
    Decoder(Memory& memory, ObjectResolver* resolver, DecodeOptions options = {})
        : memory_(memory), resolver_(resolver), options_(options) {}

    // Decodes a call at entry: its attr, and the data it hands the kernel.
    void decode_entry(DecodedCall& call, uint32_t cmd, RemoteAddr attr, uint32_t size);
    // Completes it at exit: members and data the kernel wrote, and the result.
    void decode_exit(DecodedCall& call, int64_t ret);

    const DecodeOptions& options() const { return options_; }

    // Reads a NUL-terminated string of at most `limit` bytes into d.bytes
    // (state Ok, Truncated or Unreadable with what came before the failure).
    void read_string(Data& d, RemoteAddr addr, uint32_t limit);
    // Reads `len` bytes into d.bytes; a short read leaves what was read,
    // state Unreadable and the error, and returns false.
    bool read_into(Data& d, RemoteAddr addr, uint64_t len);

private:
    void read_data(DecodedCall& call, FieldValue& v, const AttrView& view, bool at_exit);
    // The BTF a BtfTypeId member's id is in, and its label ("struct msg").
    const BtfTypes* btf_for(const Field& f, const AttrView& view);
    void label_btf_type(DecodedCall& call, FieldValue& v, const AttrView& view);
    uint64_t length_of(const FieldValue& v, const AttrView& view, bool at_exit, const DecodedCall& call) const;

    Memory& memory_;
    ObjectResolver* resolver_;
    DecodeOptions options_;
};


} // namespace bpfsc::decoder
