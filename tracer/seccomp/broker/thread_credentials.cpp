// Reading a thread's ids and capabilities from the kernel (see
// thread_credentials.h).
#include "tracer/seccomp/broker/thread_credentials.h"

#include <linux/capability.h>
#include <linux/ioctl.h>
#include <linux/types.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "tracer/os/proc_status.h"

namespace bpfsc::tracer::broker {

namespace {

// PIDFD_GET_INFO (6.13); Debian 12's headers predate it. The layout is the
// uapi's first version (PIDFD_INFO_SIZE_VER0, 64 bytes): the kernel fills
// what fits in the size the request names.
struct PidfdInfo {
    __u64 mask;
    __u64 cgroupid;
    __u32 pid, tgid, ppid;
    __u32 ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
    __u32 spare0[1];
};
static_assert(sizeof(PidfdInfo) == 64);
constexpr unsigned long k_pidfd_get_info = _IOWR(0xFF, 11, PidfdInfo);
constexpr __u64 k_pidfd_info_creds = 1u << 1;

bool read_capabilities(pid_t tid, ThreadCredentials& out) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, int(tid)};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &header, data) != 0) return false;
    out.capabilities = {data[0].effective, data[1].effective, data[0].permitted,
                        data[1].permitted, data[0].inheritable, data[1].inheritable};
    return true;
}

// The Uid: and Gid: lines of /proc/TID/status (real, effective, saved, fs).
bool read_ids_from_proc(pid_t tid, ThreadCredentials& out) {
    const std::optional<ProcStatus> s = read_proc_status(tid);
    if (!s || !s->ids_read) return false;
    for (std::size_t i = 0; i < 4; ++i) {
        out.ids[i] = s->uid[i];
        out.ids[4 + i] = s->gid[i];
    }
    return true;
}

bool read_ids(int pidfd, pid_t tid, ThreadCredentials& out) {
    static bool ioctl_known = true;  // false once the kernel said it has no PIDFD_GET_INFO
    if (pidfd >= 0 && ioctl_known) {
        PidfdInfo info{};
        info.mask = k_pidfd_info_creds;
        if (ioctl(pidfd, k_pidfd_get_info, &info) == 0 && (info.mask & k_pidfd_info_creds) != 0) {
            out.ids = {info.ruid, info.euid, info.suid, info.fsuid, info.rgid, info.egid, info.sgid, info.fsgid};
            return true;
        }
        if (errno == ESRCH) return false;
        if (errno == ENOTTY || errno == EINVAL) ioctl_known = false;
    }
    return read_ids_from_proc(tid, out);
}

} // namespace

bool read_own_credentials(ThreadCredentials& out) {
    const pid_t self = pid_t(syscall(SYS_gettid));
    return read_ids_from_proc(self, out) && read_capabilities(self, out);
}

bool read_thread_credentials(int pidfd, pid_t tid, ThreadCredentials& out) {
    return read_ids(pidfd, tid, out) && read_capabilities(tid, out);
}

} // namespace bpfsc::tracer::broker
