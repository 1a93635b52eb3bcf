// The output buffer and sink (see output.h).
#include "output.h"

#include <unistd.h>

#include <cerrno>

namespace bpfsc::tracer {

Output::Output(int fd) : fd_(fd), terminal_(isatty(fd) == 1) {}

Output::~Output() {
    flush();
    if (fd_ != 2) close(fd_);
}

void Output::end_record() {
    if (terminal_ || buffer_.size() >= 64 * 1024) flush();
}

void Output::flush() {
    const char* p = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0) {
        const ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;  // a closed pipe or full disk: the trace is lost, the tracee is not
        }
        p += n;
        left -= std::size_t(n);
    }
    buffer_.clear();
}

} // namespace bpfsc::tracer
