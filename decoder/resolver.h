// What the decoder may ask about the tracee's fds: the shape of a map, so
// that keys and values are read with their real sizes, never guessed, and
// what kind of object an fd is, so an info struct is read as its own. The
// tracer answers from /proc/PID/fdinfo; tests answer with fakes.
#pragma once

#include <cstdint>
#include <memory_resource>
#include <optional>
#include <string>

#include "schema.h"

namespace bpfsc::decoder {

class BtfTypes;
class KernelSymbols;
// What kind of BPF object an fd refers to, where a layout depends on it
// (BPF_OBJ_GET_INFO_BY_FD's info struct): Object::None when unknown.
struct FdObject {
    Object kind = Object::None;
    uint32_t link_type = 0;   // links: enum bpf_link_type
};

struct MapShape {
    uint32_t map_type = 0;
    uint32_t key_size = 0;
    uint32_t value_size = 0;
    uint32_t max_entries = 0;
    uint32_t map_flags = 0;
    // The map's BTF and the types of its keys and values (0: none), when
    // it was created with BTF and the tracer could get that BTF.
    const BtfTypes* btf = nullptr;
    uint32_t btf_key_type_id = 0;
    uint32_t btf_value_type_id = 0;
};

class ObjectResolver {
public:
    virtual ~ObjectResolver() = default;
    // The map an fd of the traced process refers to, if it is one.
    virtual std::optional<MapShape> map_shape(int32_t fd) = 0;
    // Number of possible CPUs: per-CPU map values hold one slot each.
    virtual uint32_t possible_cpus() = 0;
    // What an fd of the traced process is, as a short label for the output
    // ("map#15:hash:config"); leaves `out` empty when it cannot tell.
    virtual void fd_label(int32_t fd, std::pmr::string& out) { (void)fd; (void)out; }
    // The same for fd `fd` of the task `pid` (BPF_TASK_FD_QUERY names a
    // task's fd): the caller's own only when `pid` is one of its threads.
    virtual void task_fd_label(int32_t pid, int32_t fd, std::pmr::string& out) { (void)pid; (void)fd; (void)out; }
    // The BTF an fd of the traced process leads to: a BTF object's own, or
    // the BTF a map or program was created with. nullptr when unknown.
    virtual const BtfTypes* btf_of_fd(int32_t fd) { (void)fd; return nullptr; }
    // The BTF object with this kernel id (info structs name BTF by id),
    // nullptr when unknown.
    virtual const BtfTypes* btf_by_id(uint32_t id) { (void)id; return nullptr; }
    // The kernel's function symbols, for the calls of xlated instructions;
    // nullptr when unavailable.
    virtual const KernelSymbols* kernel_symbols() { return nullptr; }
    // The running kernel's BTF (vmlinux), nullptr when unavailable.
    virtual const BtfTypes* vmlinux_btf() { return nullptr; }
    // What kind of object an fd of the traced process is (map, program,
    // BTF object, link and its link type).
    virtual FdObject fd_object(int32_t fd) { (void)fd; return {}; }
};

// True for map types whose user-space values hold one slot per possible CPU.
bool is_percpu_map_type(uint32_t map_type);
// Map types whose values user space writes as fds (of programs, maps,
// perf events, cgroups, sockets).
bool map_values_are_fds(uint32_t map_type);
// Map types whose values read back from user space are object ids
// (program arrays: program ids; maps of maps: inner map ids).
bool map_values_are_ids(uint32_t map_type);
// Bytes of one value buffer as user space passes it for this map.
uint64_t user_value_size(const MapShape& map, uint32_t possible_cpus);

} // namespace bpfsc::decoder
