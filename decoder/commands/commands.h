// One Command table per bpf() command, defined in this folder, one file per
// command family. registry.cpp indexes them by number.
#pragma once

#include "../schema.h"
#include "../uapi/bpf_attr.h"

namespace bpfsc::decoder::commands {

#define BPFSC_DECLARE_COMMAND(name) extern const Command cmd_##name;
BPFSC_BPF_COMMANDS(BPFSC_DECLARE_COMMAND)
#undef BPFSC_DECLARE_COMMAND

// A command whose table is `fields` (the registry checks number order).
constexpr Command make_command(uint32_t number, std::string_view name, std::string_view group,
                               std::span<const Field> fields, Returns returns,
                               Object returned = Object::None, std::string_view since = {}) {
    return Command{number, name, group, fields, end_of(fields), returns, returned, since};
}

// Defines cmd_NAME, the table of command NAME of uapi::BpfCmd: its number
// and name both come from the one list (BPFSC_BPF_COMMANDS).
#define BPFSC_COMMAND(NAME, ...) \
    const Command cmd_##NAME = make_command(uapi::NAME, #NAME, __VA_ARGS__)

} // namespace bpfsc::decoder::commands
