// Passing an fd to another process over a unix socket (SCM_RIGHTS), with a
// one-byte tag: the launched child sends its seccomp listener this way, the
// tracer sends its watchdog a pidfd of each traced process.
#pragma once

#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer {

// Sends `fd` with the byte `tag`. false on error.
bool send_fd(int socket, int fd, char tag);
// Receives one message: its tag in *tag, and the fd it carries in *fd
// (invalid if none). Returns false at EOF or on error.
bool receive_fd(int socket, char* tag, UniqueFd* fd);

} // namespace bpfsc::tracer
