// Paths that name the caller (see path_meaning.h).
#include "tracer/seccomp/broker/path_meaning.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer::broker {

const char* path_depends_on_caller(int dirfd, const char* path, bool follow_last) {
    std::string target = path;
    if (!follow_last) {
        // The kernel creates the last component: what matters is where its
        // directory is. Trailing slashes belong to the last component.
        while (target.size() > 1 && target.back() == '/') target.pop_back();
        const std::size_t slash = target.rfind('/');
        target = slash == std::string::npos ? "." : slash == 0 ? "/" : target.substr(0, slash);
    }
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_NO_MAGICLINKS;
    const UniqueFd fd(int(syscall(SYS_openat2, dirfd, target.c_str(), &how, sizeof how)));
    if (!fd) {
        switch (errno) {
        // Nothing caller-specific was crossed before the lookup failed:
        // the kernel fails the same lookup the same way for both.
        case ENOENT:
        case ENOTDIR:
        case EACCES:
        case ENAMETOOLONG: return nullptr;
        case ELOOP: return "a path through a magic link (/proc/PID/cwd, /proc/self/fd/N, /dev/fd/N...): it names the caller's files";
        default: return "a path the tracer could not resolve as the kernel would";
        }
    }
    struct statfs fs {};
    const bool in_proc = fstatfs(fd.get(), &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
    if (in_proc) return "a path in /proc: /proc/self names the caller";
    return nullptr;
}

} // namespace bpfsc::tracer::broker
