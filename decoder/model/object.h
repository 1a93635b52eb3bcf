// What the trace knows about one kernel object (a map, a program, a BTF
// object, a link, a token) or about a non-BPF file an fd refers to, and the
// short label fds carry in the output: 3<map#15:hash:config>.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bpfsc::model {

enum class ObjectKind : uint8_t { Map, Prog, Btf, Link, Token, Other };

// Facts learnt from the kernel (BPF_OBJ_GET_INFO_BY_FD on a duplicate of
// the tracee's fd, or /proc/PID/fdinfo) or from the calls themselves.
struct ObjectFacts {
    ObjectKind kind = ObjectKind::Other;
    uint32_t id = 0;               // kernel id (0: unknown)
    uint32_t type = 0;             // map type, prog type or link type
    std::string name;              // map or prog name, "" if none
    uint32_t key_size = 0;         // maps
    uint32_t value_size = 0;
    uint32_t max_entries = 0;
    uint32_t map_flags = 0;
    uint32_t btf_id = 0;           // maps and programs with BTF
    uint32_t btf_key_type_id = 0;  // maps: the types of keys and values in that BTF
    uint32_t btf_value_type_id = 0;
    uint32_t prog_id = 0;          // links: the program they hold
    std::string what;              // Other: "perf_event", "cgroup:/sys/fs/cgroup/x", "socket", ...
};

// A point in the trace: which call of which process did something.
struct CallRef {
    uint64_t seq = 0;              // the call's number in the trace (1, 2, ...)
    pid_t pid = 0;                 // the process
    std::string what;              // "BPF_MAP_CREATE", "close", "dup2", "exit", "execve"
    bool creates = false;          // it made a new BPF object (not an open by id or by pin)
};

// One object, as the trace has seen it over its life.
struct Object {
    ObjectFacts facts;
    CallRef created;               // the call that created it (seq 0: existed before)
    std::vector<std::string> pinned_at;  // BPF_OBJ_PIN paths
    bool frozen = false;
    std::vector<uint32_t> held_by_links; // link ids holding this program
    bool attached = false;         // attached by BPF_PROG_ATTACH / a link
    bool probe = false;            // made by a loader's feature probe (probes/probe.h), not for its work
    // Perf events this program runs on (ioctl PERF_EVENT_IOC_SET_BPF): each
    // holds it for as long as an fd refers to the event.
    std::vector<std::shared_ptr<Object>> perf_events;

    // "map#15:hash:config", "prog#80:tracepoint:hello", "btf#97", "link#4:perf_event".
    std::string label() const;
    // What the trace follows by name: BPF objects, and the perf events it
    // saw opened (what programs run on, what perf buffers write through):
    // their lines are shown and the summary lists their fds.
    bool followed() const { return facts.kind != ObjectKind::Other || facts.what.starts_with("perf_event:"); }
    // The same, computed once (facts rarely change; FdModel clears it when they do).
    const std::string& cached_label() const {
        if (label_cache_.empty()) label_cache_ = label();
        return label_cache_;
    }
    void facts_changed() { label_cache_.clear(); }

private:
    mutable std::string label_cache_;
};

// A label taken apart again, for records that carry an object's parts
// (JSON): "map#15:hash:config" is kind "map", id 15, type "hash", name
// "config"; "btf#97" kind "btf"; "perf_event:tracepoint:syscalls:x" kind
// "perf_event", name "tracepoint:syscalls:x"; "cgroup:/sys/fs/cgroup/x"
// kind "cgroup"; any other file (a socket, a path) kind "file", name the
// label. The views point into `label`. Labels are made by Object::label()
// alone, whose names (kernel object names: letters, digits, '_' and '.')
// hold no ':', so parse_label(o.label()) gives back o's facts.
struct LabelParts {
    std::string_view kind;
    uint32_t id = 0;
    std::string_view type;
    std::string_view name;
};
LabelParts parse_label(std::string_view label);

// Short type names: "hash" for BPF_MAP_TYPE_HASH, "tracepoint" for
// BPF_PROG_TYPE_TRACEPOINT, "perf_event" for BPF_LINK_TYPE_PERF_EVENT.
std::string short_type_name(ObjectKind kind, uint32_t type);

} // namespace bpfsc::model
