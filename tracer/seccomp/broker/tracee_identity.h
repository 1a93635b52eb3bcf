// Whether a bpf() call made by the tracer would mean what it means when the
// tracee makes it: the same user and group ids (real, effective, saved and
// filesystem: files a pin creates, paths it may reach), supplementary
// groups, effective capabilities (what bpf() checks), umask (a pin's mode),
// namespaces (ids, ifindexes and paths are read in the caller's), root
// directory, cgroup (new objects are charged to the caller's memory
// cgroup) and LSM label. The tracer's own are read once. A thread's ids
// and capabilities, which are what grants privilege, are read from the
// kernel for every call (thread_credentials.h). The rest is read the first
// time the thread asks and kept until something may have changed it: every
// syscall that can, in every ABI the filter admits, is selected by the
// notify filter and makes the backend call forget_all() (so does an exec).
// The cgroup can also be changed from outside, so it is read again for
// every call that creates an object. A thread that differs in anything runs
// its calls itself.
#pragma once

#include <sys/types.h>

#include <string>
#include <unordered_map>

#include "tracer/seccomp/broker/thread_credentials.h"

namespace bpfsc::tracer::broker {

class TraceeIdentity {
public:
    TraceeIdentity();
    // Whether `tid` has the tracer's identity; *why names the difference.
    // `pidfd`: a pidfd of that very thread, or -1 (its ids are then read
    // from /proc). `creates_object`: read the cgroup again, whatever was kept.
    bool same_as_tracer(pid_t tid, int pidfd, bool creates_object, const char** why);
    // Something may have changed some thread's identity.
    void forget_all() { cache_.clear(); }
    void forget(pid_t tid) { cache_.erase(tid); }

private:
    struct Identity {
        std::string credentials;  // the ids, groups, effective capabilities and umask of status
        std::string namespaces;   // dev:ino of each /proc/.../ns/* link
        std::string root;         // dev:ino of the root directory
        std::string cgroup;
        std::string lsm;
        bool complete = false;
    };
    static Identity read(pid_t tid);
    static std::string read_cgroup(const std::string& proc_dir);

    Identity mine_;
    ThreadCredentials my_credentials_;
    bool my_credentials_read_ = false;
    std::unordered_map<pid_t, const char*> cache_;  // tid -> "" (same) or the difference
};

} // namespace bpfsc::tracer::broker
