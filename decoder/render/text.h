// The text renderer: a decoded call in strace's shape,
//   bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_HASH, key_size=4, ...}, 72) = 5
// with members the kernel wrote shown as `before => after`, and below it,
// indented, the data that does not fit on the line (keys, values, buffers).
// Brief by default: members that say nothing are left out (says_nothing),
// and so are the counts an array's summary already gives (told_by_summary).
#pragma once

#include "palette.h"
#include "../decoded_call.h"
#include "../format/format.h"

namespace bpfsc::decoder {

enum class TextPhase : uint8_t {
    Complete,    // the whole call, after exit
    Unfinished,  // entry only: another call is printed before this one returns
};

struct TextOptions {
    bool data_lines = true;  // print the indented data block (-q turns it off)
    bool whole_data = false; // and below it the program, BTF and log lines (whole_data_render.h)
    bool verbose = false;    // -v: types in C, disassembly, whole logs
    // Every member in strace's shape; else brief lines: members that say
    // nothing are left out (a zero meaning none or the default, see
    // Field::zero_is_none) and blobs are summarised (`btf=<45 bytes, 3 types>`,
    // `insns=<68 insns>`).
    bool all_members = false;
    // Unfinished: why the call will never return ("exited"), shown as
    // `<unfinished ...> = ? <exited>`; empty when it may still return.
    std::string_view ended = {};
    // Complete: what follows the result on the call's line (-T's `<0.000123>`).
    std::string_view after_result = {};
    // --color: the command, errors, labels and the verifier's verdict.
    const Palette* palette = &Palette::none();
};

void render_text(const DecodedCall& call, TextPhase phase, const TextOptions& options, OutBuf& out);

// Brief lines: whether the attr member `v` says nothing a reader needs: it
// is zero (NULL, "") before and after the call, and a zero there means none
// or the default: a member added after its command (the kernel keeps the
// old meaning for zero), flags, or one marked Field::zero_is_none.
bool says_nothing(const FieldValue& v, const DecodedCall& call);
// Whether `v` is zero (NULL, "") before and after the call, and zero is not
// a value of its own (an enum's first value, fd 0). In an info
// struct, which the kernel writes, that is enough to say nothing: a zero
// count, id or pointer there is none.
bool zero_throughout(const FieldValue& v, const DecodedCall& call);
// Brief lines: whether `v` is the count of an array member the line
// summarises (`insns=<68 insns>` says what insn_cnt=68 says), and the call
// left it as it was. Record sizes stay: the summary does not give them.
bool told_by_summary(const FieldValue& v, const DecodedCall& call);

} // namespace bpfsc::decoder
