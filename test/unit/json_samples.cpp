// Keeping the tests' JSON lines for the schema test (see json_samples.h).
#include "json_samples.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace bpfsc::test {

void keep_json_sample(std::string_view lines) {
    const char* dir = std::getenv("BPFSC_JSON_SAMPLES");
    if (dir == nullptr || *dir == '\0' || lines.empty()) return;
    mkdir(dir, 0755);  // the first test to keep one makes it
    const std::string path = std::string(dir) + "/unit-" + std::to_string(getpid()) + ".jsonl";
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return;
    while (!lines.empty()) {
        const ssize_t n = write(fd, lines.data(), lines.size());
        if (n <= 0) break;
        lines.remove_prefix(std::size_t(n));
    }
    close(fd);
}

} // namespace bpfsc::test
