// Whether a path a brokered call names means the same when the tracer's
// kernel call resolves it as when the tracee's would. The broker has made
// sure both share root, cwd (for relative paths), mount namespace and
// credentials; what still differs is the caller itself: /proc/self and
// /proc/thread-self name the resolving process, and magic links
// (/proc/PID/cwd, root, exe, fd/N, /dev/fd/N, /dev/stdin...) jump to the
// caller's files. Such a path is never brokered: the call runs in the
// tracee. One race remains: a tracee that swaps a directory of the path for
// a link into /proc between this check and the tracer's call (bpf() has no
// RESOLVE_NO_MAGICLINKS).
#pragma once

#include <string_view>

namespace bpfsc::tracer::broker {

// nullptr when `path` (NUL-terminated), resolved from `dirfd` (AT_FDCWD or
// an fd of the tracer's), means the same to any caller; else why not.
// follow_last: whether the kernel follows a last component that is a
// symlink (BPF_OBJ_GET, a uprobe's path) or creates it (BPF_OBJ_PIN).
const char* path_depends_on_caller(int dirfd, const char* path, bool follow_last);

} // namespace bpfsc::tracer::broker
