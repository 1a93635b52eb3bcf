// What holds BPF objects on the whole machine at the end of a trace, as the
// kernel tells it (gathered by tracer/kernel/holders.h): the fds of every
// process, the pins on every mounted bpffs, every link and what it is
// attached to, the maps and BTF every program uses, the BTF of every map,
// programs on XDP and on perf events. The summary (summary.h) turns these
// facts into the reasons each object is alive and the tree of objects.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "object.h"

namespace bpfsc::model {

// An object by kind and kernel id.
using ObjectId = std::pair<ObjectKind, uint32_t>;

struct KernelHolders {
    struct ProcessFd {
        pid_t pid = 0;
        std::string comm;  // /proc/PID/comm
        int fd = -1;
    };
    struct Link {
        uint32_t type = 0;      // BPF_LINK_TYPE_*
        uint32_t prog_id = 0;   // the program it holds
        std::string target;     // what it is attached to ("cgroup 1234", "ifindex 1"), "" if not known
    };
    std::map<ObjectId, std::vector<ProcessFd>> fds;    // every process's fds on each object
    std::map<ObjectId, std::vector<std::string>> pins; // paths on the mounted bpffs
    std::map<uint32_t, Link> links;                    // every link, by id
    std::map<uint32_t, std::vector<uint32_t>> map_users;  // map id: the programs using it
    std::map<uint32_t, std::vector<ObjectId>> btf_users;  // BTF id: the maps and programs it describes
    struct Attachment {
        std::string where;      // "XDP on lo (generic mode)", "runs on the tracepoint x (fd 7 of pid 12, loader)"
        pid_t pid = 0;          // a perf event: the process with the fd on it
        int fd = -1;
    };
    std::map<uint32_t, std::vector<Attachment>> attached; // prog id: where it runs without a link
    std::map<ObjectId, ObjectFacts> facts;              // what each program, map and link walked is (for labels)
    std::vector<std::string> searched;  // what was looked through ("the fds of 140 processes", "2 bpffs mounts")
    bool gathered = false;              // false: nothing was asked (the catch-all says so)

    template <typename T>
    static const std::vector<T>* find(const std::map<ObjectId, std::vector<T>>& m, ObjectKind kind, uint32_t id) {
        const auto it = m.find({kind, id});
        return it == m.end() ? nullptr : &it->second;
    }
};

} // namespace bpfsc::model
