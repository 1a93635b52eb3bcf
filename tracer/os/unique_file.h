// An owned stdio stream, closed when it goes out of scope: the /proc, /sys
// and tracefs files the tracer reads line by line.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

namespace bpfsc::tracer {

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using UniqueFile = std::unique_ptr<std::FILE, FileCloser>;

// `path` opened for reading, close-on-exec; null (errno set) when it cannot be.
inline UniqueFile open_for_reading(const std::string& path) { return UniqueFile(std::fopen(path.c_str(), "re")); }

} // namespace bpfsc::tracer
