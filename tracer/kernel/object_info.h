// BPF_OBJ_GET_INFO_BY_FD on an fd the tracer holds, for any info struct
// (bpf_map_info, bpf_prog_info...): what the kernel says the object is.
#pragma once

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace bpfsc::tracer {

template <typename Info>
bool object_info(int fd, Info& info) {
    union bpf_attr a;
    std::memset(&a, 0, sizeof a);
    a.info.bpf_fd = uint32_t(fd);
    a.info.info_len = sizeof info;
    a.info.info = reinterpret_cast<uintptr_t>(&info);
    return syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a) == 0;
}

} // namespace bpfsc::tracer
