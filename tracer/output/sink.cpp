// The output buffer and sink (see sink.h).
#include "sink.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bpfsc::tracer {

Sink::Sink(UniqueFd file, std::string name)
    : file_(std::move(file)), fd_(file_ ? file_.get() : 2), terminal_(isatty(fd_) == 1), name_(std::move(name)) {}

Sink::Sink(std::string name, int open_error) : fd_(-1), terminal_(false), name_(std::move(name)), error_(open_error) {}

Sink::~Sink() { flush(); }

void Sink::end_record() {
    if (terminal_ || buffer_.size() >= 64 * 1024) flush();
}

void Sink::failed(int err, std::size_t unwritten) {
    lost_bytes_ += unwritten;
    if (error_ != 0) return;
    error_ = err;
    // Said once, where it can be read: on stderr, unless stderr is what failed.
    if (file_)
        fmt::print(stderr, "bpftrace-syscalls: cannot write the trace to {}: {}; the rest of the trace is lost "
                   "(the program runs on)\n", name_, std::strerror(err));
}

void Sink::flush() {
    const char* p = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0 && error_ == 0) {
        const ssize_t n = ::write(fd_, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            failed(n < 0 ? errno : EIO, left);
            left = 0;
            break;
        }
        p += n;
        left -= std::size_t(n);
    }
    if (left > 0) failed(error_, left);
    buffer_.clear();
}

} // namespace bpfsc::tracer
