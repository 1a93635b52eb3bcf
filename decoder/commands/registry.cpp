// The registry: every command table, indexed by its bpf() command number.
#include <array>

#include "commands.h"

namespace bpfsc::decoder {

namespace {
#define BPFSC_ENTRY(name) &commands::cmd_##name,
const std::array<const Command*, uapi::BPF_CMD_COUNT> k_commands = {BPFSC_BPF_COMMANDS(BPFSC_ENTRY)};
#undef BPFSC_ENTRY

// The table order above must follow the kernel's numbering.
const bool k_checked = [] {
    for (uint32_t i = 0; i < k_commands.size(); ++i)
        if (k_commands[i]->number != i) __builtin_trap();
    return true;
}();
} // namespace

const Command* find_command(uint32_t number) {
    (void)k_checked;
    return number < k_commands.size() ? k_commands[number] : nullptr;
}

std::span<const Command* const> all_commands() { return k_commands; }

} // namespace bpfsc::decoder
