// The model of objects and fds: per-process fd tables (shared by threads,
// copied on fork, close-on-exec applied at execve, released at exit), the
// objects they refer to, and the history of every fd: which call opened it
// and which closed it. Pure logic: what an unknown fd is comes from an
// ObjectInspector (the tracer asks the kernel; tests use fakes).
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "object.h"

namespace bpfsc::model {

class ObjectInspector {
public:
    virtual ~ObjectInspector() = default;
    // What fd `fd` of process `pid` refers to now, or nullopt if it is not open.
    virtual std::optional<ObjectFacts> inspect(pid_t pid, int fd) = 0;
    // Whether a BPF object with this id still exists in the kernel (for the
    // end-of-trace summary: what outlives the program).
    virtual bool still_exists(ObjectKind kind, uint32_t id) = 0;
};

// One fd's life in one process.
struct FdRecord {
    int fd = -1;
    std::shared_ptr<Object> object;  // never null
    bool cloexec = true;
    CallRef opened;                  // seq 0: open before tracing began, or arrived unseen
    std::optional<CallRef> closed;   // set when it ended
};

class FdModel {
public:
    explicit FdModel(ObjectInspector& inspector) : inspector_(inspector) {}

    // The open fd `fd` of process `pid` if the table has it (never asks).
    const FdRecord* find(pid_t pid, int fd) const;
    // The open fds of a process that refer to `object`.
    std::vector<int> open_fds_of(pid_t pid, const Object& object) const;
    // The open fds of the table in [lo, hi].
    std::vector<const FdRecord*> open_in_range(pid_t pid, unsigned lo, unsigned hi) const;
    // The open fd `fd` of process `pid`: from the table, or asked of the
    // inspector on first sight (fds from before tracing, SCM_RIGHTS, ...).
    // nullptr if it is not open.
    const FdRecord* lookup(pid_t pid, int fd);
    // The label an fd carries in the output ("map#15:hash:config"), "" if unknown.
    std::string label(pid_t pid, int fd);

    // A call returned a new fd: learn what it is (from the kernel) and record it.
    const FdRecord* opened(pid_t pid, int fd, bool cloexec, const CallRef& by);
    void closed(pid_t pid, int fd, const CallRef& by);
    // dup/dup2/dup3/F_DUPFD*: newfd now refers to what oldfd does.
    void duplicated(pid_t pid, int oldfd, int newfd, bool cloexec, const CallRef& by);
    void set_cloexec(pid_t pid, int fd, bool cloexec);

    void forked(pid_t parent, pid_t child, const CallRef& by);
    void execed(pid_t pid, const CallRef& by);
    void exited(pid_t pid, const CallRef& by);

    // An object's own events (pins, freezing, attachment).
    std::shared_ptr<Object> object_of(pid_t pid, int fd);
    std::shared_ptr<Object> object_by_id(ObjectKind kind, uint32_t id) const;

    // Every fd record of a process, open and closed, in the order they opened.
    const std::vector<FdRecord>& history(pid_t pid) const;
    std::vector<pid_t> processes() const;
    // Every BPF object seen, in the order first seen.
    const std::vector<std::shared_ptr<Object>>& objects() const { return objects_; }

private:
    struct Process {
        std::map<int, std::size_t> open;   // fd -> index in history
        std::vector<FdRecord> history;
    };
    Process& process(pid_t pid);
    std::shared_ptr<Object> intern(const ObjectFacts& facts, const CallRef& by);

    ObjectInspector& inspector_;
    std::map<pid_t, Process> processes_;
    std::vector<std::shared_ptr<Object>> objects_;
};

} // namespace bpfsc::model
