// One Command table per bpf() command, defined in this folder, one file per
// command family. registry.cpp indexes them by number.
#pragma once

#include "../schema.h"
#include "../uapi/bpf_attr.h"

namespace bpfsc::decoder::commands {

#define BPFSC_COMMANDS(X)                                                              \
    X(BPF_MAP_CREATE) X(BPF_MAP_LOOKUP_ELEM) X(BPF_MAP_UPDATE_ELEM) X(BPF_MAP_DELETE_ELEM) \
    X(BPF_MAP_GET_NEXT_KEY) X(BPF_PROG_LOAD) X(BPF_OBJ_PIN) X(BPF_OBJ_GET)            \
    X(BPF_PROG_ATTACH) X(BPF_PROG_DETACH) X(BPF_PROG_TEST_RUN) X(BPF_PROG_GET_NEXT_ID) \
    X(BPF_MAP_GET_NEXT_ID) X(BPF_PROG_GET_FD_BY_ID) X(BPF_MAP_GET_FD_BY_ID)           \
    X(BPF_OBJ_GET_INFO_BY_FD) X(BPF_PROG_QUERY) X(BPF_RAW_TRACEPOINT_OPEN)             \
    X(BPF_BTF_LOAD) X(BPF_BTF_GET_FD_BY_ID) X(BPF_TASK_FD_QUERY)                       \
    X(BPF_MAP_LOOKUP_AND_DELETE_ELEM) X(BPF_MAP_FREEZE) X(BPF_BTF_GET_NEXT_ID)         \
    X(BPF_MAP_LOOKUP_BATCH) X(BPF_MAP_LOOKUP_AND_DELETE_BATCH) X(BPF_MAP_UPDATE_BATCH) \
    X(BPF_MAP_DELETE_BATCH) X(BPF_LINK_CREATE) X(BPF_LINK_UPDATE)                      \
    X(BPF_LINK_GET_FD_BY_ID) X(BPF_LINK_GET_NEXT_ID) X(BPF_ENABLE_STATS)               \
    X(BPF_ITER_CREATE) X(BPF_LINK_DETACH) X(BPF_PROG_BIND_MAP) X(BPF_TOKEN_CREATE)     \
    X(BPF_PROG_STREAM_READ_BY_FD)

#define BPFSC_DECLARE_COMMAND(name) extern const Command cmd_##name;
BPFSC_COMMANDS(BPFSC_DECLARE_COMMAND)
#undef BPFSC_DECLARE_COMMAND

// A command whose table is `fields` (the registry checks number order).
constexpr Command make_command(uint32_t number, std::string_view name, std::string_view group,
                               std::span<const Field> fields, Returns returns,
                               Object returned = Object::None, std::string_view since = {}) {
    return Command{number, name, group, fields, end_of(fields), returns, returned, since};
}

} // namespace bpfsc::decoder::commands
