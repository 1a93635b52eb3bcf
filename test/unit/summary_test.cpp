// The end-of-trace summary: an fd model driven through opens, a pin, a dup,
// a fork, close, execve (close-on-exec) and exit, against a fake inspector;
// the exact text, the exact JSON lines (each of which must parse), why
// objects outlive the trace, and names that would break a line or the JSON.
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include <catch2/catch.hpp>

#include "model/summary.h"
#include "support.h"

using namespace bpfsc::model;
using bpfsc::test::FakeInspector;
using bpfsc::test::valid_json;

namespace {

constexpr uint32_t kHash = 1;        // BPF_MAP_TYPE_HASH
constexpr uint32_t kTracepoint = 5;  // BPF_PROG_TYPE_TRACEPOINT
constexpr uint32_t kPerfEvent = 7;   // BPF_LINK_TYPE_PERF_EVENT

ObjectFacts facts(ObjectKind kind, uint32_t id, uint32_t type = 0, std::string name = {}) {
    ObjectFacts f;
    f.kind = kind;
    f.id = id;
    f.type = type;
    f.name = std::move(name);
    return f;
}

ObjectFacts other(std::string what) {
    ObjectFacts f;
    f.what = std::move(what);
    return f;
}

// A call as the session records it: the creating commands made their object.
CallRef call(uint64_t seq, pid_t pid, std::string what) {
    const bool creates = what == "BPF_MAP_CREATE" || what == "BPF_PROG_LOAD" || what == "BPF_BTF_LOAD" ||
                         what == "BPF_LINK_CREATE" || what == "BPF_RAW_TRACEPOINT_OPEN";
    return CallRef{seq, pid, std::move(what), creates};
}

// The summary as the tracer prints it, in text or JSON.
std::string printed(const FdModel& model, FakeInspector& inspector, bpfsc::tracer::Format format, pid_t only_pid = 0,
                    bool verbose = false) {
    bpfsc::tracer::Options options;
    options.format = format;
    options.verbose = verbose;
    bpfsc::test::CapturedOutput captured(options);
    const Summary s = summarize(model, inspector, only_pid);
    for (const ProcessFds& p : s.processes) captured.output().fd_table(bpfsc::tracer::FdTableRecord{&p});
    captured.output().alive(bpfsc::tracer::AliveRecord{s.alive, s.only_looked_at});
    return captured.text();
}

std::string text_of(const FdModel& model, FakeInspector& inspector, bool verbose = false) {
    return printed(model, inspector, bpfsc::tracer::Format::Text, 0, verbose);
}

std::string json_of(const FdModel& model, FakeInspector& inspector) {
    return printed(model, inspector, bpfsc::tracer::Format::Json);
}

// The lines of JSON Lines output, each checked to parse on its own.
std::vector<std::string> json_lines(const std::string& text) {
    REQUIRE(text.ends_with('\n'));
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        INFO(line);
        CHECK(valid_json(line));
        lines.push_back(line);
    }
    return lines;
}

constexpr pid_t kParent = 1234;
constexpr pid_t kChild = 1240;

// Calls carry the tracer's numbers; fork, execve and exit events have none
// (seq 0), as in tracer/session.cpp.
// A program that finds a prog that was open before tracing, gets a map by id
// and pins it, creates a map, dups the first, opens a perf event, links the
// prog, gets a BTF object and closes it, forks a child that exits, closes the
// first map fd, execs (closing its close-on-exec fds) and exits.
struct Scenario {
    FakeInspector inspector;
    FdModel model{inspector};

    Scenario() {
        inspector.fds[{kParent, 5}] = facts(ObjectKind::Prog, 80, kTracepoint, "hello");
        inspector.fds[{kParent, 3}] = facts(ObjectKind::Map, 15, kHash, "config");
        inspector.fds[{kParent, 4}] = facts(ObjectKind::Map, 19, kHash, "config");
        inspector.fds[{kParent, 9}] = other("perf_event");
        inspector.fds[{kParent, 7}] = facts(ObjectKind::Link, 4, kPerfEvent);
        inspector.fds[{kParent, 8}] = facts(ObjectKind::Btf, 97);
        inspector.existing = {{ObjectKind::Map, 15}, {ObjectKind::Prog, 80}, {ObjectKind::Link, 4}};

        REQUIRE(model.lookup(kParent, 5) != nullptr);  // #1 uses fd 5, open before tracing
        model.opened(kParent, 3, true, call(2, kParent, "BPF_MAP_GET_FD_BY_ID"));
        model.object_of(kParent, 3)->pinned_at.push_back("/sys/fs/bpf/config");  // #3 BPF_OBJ_PIN
        model.opened(kParent, 4, true, call(4, kParent, "BPF_MAP_CREATE"));
        model.duplicated(kParent, 3, 6, false, call(5, kParent, "dup"));
        model.opened(kParent, 9, true, call(6, kParent, "perf_event_open"));
        model.opened(kParent, 7, true, call(7, kParent, "BPF_LINK_CREATE"));
        model.object_by_id(ObjectKind::Prog, 80)->held_by_links.push_back(4);
        model.opened(kParent, 8, true, call(8, kParent, "BPF_BTF_GET_FD_BY_ID"));
        model.closed(kParent, 8, call(9, kParent, "close"));
        model.forked(kParent, kChild, call(0, kParent, "fork"));  // the tracer numbers only calls: seq 0
        model.closed(kParent, 3, call(11, kParent, "close"));
        model.exited(kChild, call(0, kChild, "exit"));
        model.execed(kParent, call(13, kParent, "execve"));
        model.exited(kParent, call(14, kParent, "exit"));
    }
};

} // namespace

TEST_CASE("summary text: every way an fd ends, and what outlives the trace", "[summary]") {
    Scenario s;
    CHECK(text_of(s.model, s.inspector) ==
          "--- fds of pid 1234 ---\n"
          "  fd 5  prog#80:tracepoint:hello   opened before tracing               closed at exit\n"
          "  fd 3  map#15:hash:config         opened by #2 BPF_MAP_GET_FD_BY_ID   closed by #11 close\n"
          "  fd 4  map#19:hash:config         opened by #4 BPF_MAP_CREATE         "
          "closed by #13 execve (close-on-exec)\n"
          "  fd 6  map#15:hash:config         opened by #5 dup                    closed at exit\n"
          "  fd 7  link#4:perf_event          opened by #7 BPF_LINK_CREATE        "
          "closed by #13 execve (close-on-exec)\n"
          "  fd 8  btf#97                     opened by #8 BPF_BTF_GET_FD_BY_ID   closed by #9 close\n"
          // The child only inherited fds and had them closed at its exit: one line.
          "--- fds of pid 1240: 5 fds inherited by fork (3-7), all closed at exit ---\n"
          // A tree: the program below the link that holds it.
          "--- objects alive after the trace ---\n"
          "  map#15:hash:config   pinned at /sys/fs/bpf/config\n"
          "  link#4:perf_event   not held by this program: pinned where it was not seen, attached, held by another process, or still being freed\n"
          "    prog#80:tracepoint:hello   held by link#4\n");
}

TEST_CASE("summary text with -v: a forked child's whole table", "[summary]") {
    Scenario s;
    const std::string text = text_of(s.model, s.inspector, true);
    CHECK(text.find("--- fds of pid 1240 ---\n"
                    "  fd 3  map#15:hash:config         opened by fork   closed at exit\n"
                    "  fd 4  map#19:hash:config         opened by fork   closed at exit\n"
                    "  fd 5  prog#80:tracepoint:hello   opened by fork   closed at exit\n"
                    "  fd 6  map#15:hash:config         opened by fork   closed at exit\n"
                    "  fd 7  link#4:perf_event          opened by fork   closed at exit\n") != std::string::npos);
}

TEST_CASE("summary text: a child's inherited fds closed by different calls keep their table", "[summary]") {
    Scenario s;
    constexpr pid_t kOther = 1250;
    FdModel model{s.inspector};
    s.inspector.fds[{kParent, 3}] = facts(ObjectKind::Map, 15, kHash, "config");
    s.inspector.fds[{kParent, 4}] = facts(ObjectKind::Map, 19, kHash, "config");
    model.opened(kParent, 3, false, call(1, kParent, "BPF_MAP_GET_FD_BY_ID"));
    model.opened(kParent, 4, false, call(2, kParent, "BPF_MAP_GET_FD_BY_ID"));
    model.forked(kParent, kOther, call(0, kParent, "fork"));
    model.closed(kOther, 3, call(3, kOther, "close"));
    model.closed(kOther, 4, call(4, kOther, "close"));
    const std::string text = text_of(model, s.inspector);
    CHECK(text.find("--- fds of pid 1250 ---\n"
                    "  fd 3  map#15:hash:config   opened by fork   closed by #3 close\n"
                    "  fd 4  map#19:hash:config   opened by fork   closed by #4 close\n") != std::string::npos);
    // Closed by one close_range: one line, the fds as ranges.
    FdModel ranged{s.inspector};
    ranged.opened(kParent, 3, false, call(1, kParent, "BPF_MAP_GET_FD_BY_ID"));
    ranged.opened(kParent, 4, false, call(2, kParent, "BPF_MAP_GET_FD_BY_ID"));
    ranged.forked(kParent, kOther, call(0, kParent, "fork"));
    ranged.closed(kOther, 3, call(3, kOther, "close_range"));
    ranged.closed(kOther, 4, call(3, kOther, "close_range"));
    CHECK(text_of(ranged, s.inspector).find("--- fds of pid 1250: 2 fds inherited by fork (3-4), all closed by #3 "
                                            "close_range ---\n") != std::string::npos);
}

TEST_CASE("summary asks the kernel once per object, and only about known ids", "[summary]") {
    Scenario s;
    // An object of unknown id cannot be asked about, and is left out.
    s.inspector.fds[{kParent, 11}] = facts(ObjectKind::Map, 0, kHash, "anon");
    s.model.opened(kParent, 11, true, call(15, kParent, "BPF_MAP_CREATE"));
    const Summary summary = summarize(s.model, s.inspector);
    using P = std::pair<ObjectKind, uint32_t>;
    CHECK(s.inspector.asked == std::vector<P>{{ObjectKind::Prog, 80}, {ObjectKind::Link, 4}, {ObjectKind::Map, 15},
                                             {ObjectKind::Map, 19}, {ObjectKind::Btf, 97}});
    REQUIRE(summary.alive.size() == 3);
    CHECK(summary.alive[0].object->label() == "map#15:hash:config");
    REQUIRE(summary.alive[0].reasons.size() == 1);
    CHECK(summary.alive[0].reasons[0].kind == AliveReason::Kind::Pinned);
    CHECK(summary.alive[0].reasons[0].path == "/sys/fs/bpf/config");
    REQUIRE(summary.alive[1].reasons.size() == 1);
    CHECK(summary.alive[1].reasons[0].kind == AliveReason::Kind::Elsewhere);
    // The program under the link that holds it.
    CHECK(summary.alive[2].object->label() == "prog#80:tracepoint:hello");
    CHECK(summary.alive[2].depth == 1);
    REQUIRE(summary.alive[2].reasons.size() == 1);
    CHECK(summary.alive[2].reasons[0].kind == AliveReason::Kind::HeldByLink);
    CHECK(summary.alive[2].reasons[0].link_id == 4);
    // The perf event fd (not a BPF object) is not in the fd lists.
    REQUIRE(summary.processes.size() == 2);
    for (const ProcessFds& p : summary.processes)
        for (const FdRecord& r : p.fds) CHECK(r.object->facts.kind != ObjectKind::Other);
}

TEST_CASE("summary JSON: one valid object per line with the same content", "[summary]") {
    Scenario s;
    const std::vector<std::string> lines = json_lines(json_of(s.model, s.inspector));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] ==
          "{\"type\":\"summary\",\"part\":\"fds\",\"pid\":1234,\"fds\":["
          "{\"fd\":{\"fd\":5,\"label\":\"prog#80:tracepoint:hello\",\"kind\":\"prog\",\"id\":80,\"type\":\"tracepoint\",\"name\":\"hello\"},\"opened\":null,\"closed\":{\"seq\":14,\"call\":\"exit\"}},"
          "{\"fd\":{\"fd\":3,\"label\":\"map#15:hash:config\",\"kind\":\"map\",\"id\":15,\"type\":\"hash\",\"name\":\"config\"},\"opened\":{\"seq\":2,\"call\":\"BPF_MAP_GET_FD_BY_ID\"},"
          "\"closed\":{\"seq\":11,\"call\":\"close\"}},"
          "{\"fd\":{\"fd\":4,\"label\":\"map#19:hash:config\",\"kind\":\"map\",\"id\":19,\"type\":\"hash\",\"name\":\"config\"},\"opened\":{\"seq\":4,\"call\":\"BPF_MAP_CREATE\"},"
          "\"closed\":{\"seq\":13,\"call\":\"execve\"}},"
          "{\"fd\":{\"fd\":6,\"label\":\"map#15:hash:config\",\"kind\":\"map\",\"id\":15,\"type\":\"hash\",\"name\":\"config\"},\"opened\":{\"seq\":5,\"call\":\"dup\"},\"closed\":{\"seq\":14,\"call\":\"exit\"}},"
          "{\"fd\":{\"fd\":7,\"label\":\"link#4:perf_event\",\"kind\":\"link\",\"id\":4,\"type\":\"perf_event\"},\"opened\":{\"seq\":7,\"call\":\"BPF_LINK_CREATE\"},"
          "\"closed\":{\"seq\":13,\"call\":\"execve\"}},"
          "{\"fd\":{\"fd\":8,\"label\":\"btf#97\",\"kind\":\"btf\",\"id\":97},\"opened\":{\"seq\":8,\"call\":\"BPF_BTF_GET_FD_BY_ID\"},"
          "\"closed\":{\"seq\":9,\"call\":\"close\"}}]}");
    CHECK(lines[1].starts_with("{\"type\":\"summary\",\"part\":\"fds\",\"pid\":1240,\"fds\":[{\"fd\":"
                               "{\"fd\":3,\"label\":\"map#15:hash:config\",\"kind\":\"map\",\"id\":15,\"type\":\"hash\",\"name\":\"config\"},"
                               "\"opened\":{\"seq\":null,\"call\":\"fork\"},\"closed\":{\"seq\":null,\"call\":\"exit\"}},"));
    CHECK(lines[2] ==
          "{\"type\":\"summary\",\"part\":\"alive\",\"objects\":["
          "{\"object\":{\"label\":\"map#15:hash:config\",\"kind\":\"map\",\"id\":15,\"type\":\"hash\",\"name\":\"config\"},"
          "\"depth\":0,\"looked_at\":false,"
          "\"reasons\":[{\"kind\":\"pinned\",\"path\":\"/sys/fs/bpf/config\",\"text\":\"pinned at /sys/fs/bpf/config\"}]},"
          "{\"object\":{\"label\":\"link#4:perf_event\",\"kind\":\"link\",\"id\":4,\"type\":\"perf_event\"},"
          "\"depth\":0,\"looked_at\":false,"
          "\"reasons\":[{\"kind\":\"elsewhere\",\"text\":\"not held by this program: pinned where it was not seen, "
          "attached, held by another process, or still being freed\"}]},"
          "{\"object\":{\"label\":\"prog#80:tracepoint:hello\",\"kind\":\"prog\",\"id\":80,\"type\":\"tracepoint\",\"name\":\"hello\"},"
          "\"depth\":1,\"looked_at\":false,"
          "\"reasons\":[{\"kind\":\"held_by_link\",\"link_id\":4,\"text\":\"held by link#4\"}]}],\"only_looked_at\":0}");
}

TEST_CASE("summary: objects the program only looked at are not called alive", "[summary]") {
    // bpftool map show: each map opened by id, read, closed; the kernel's
    // BTF opened by id. All exist after the trace, as before it: none is
    // the program's (they were listed as "not held by this program").
    FakeInspector inspector;
    FdModel model{inspector};
    inspector.fds[{kParent, 3}] = facts(ObjectKind::Map, 15, kHash, "config");
    inspector.fds[{kParent, 4}] = facts(ObjectKind::Btf, 1);
    inspector.fds[{kParent, 5}] = facts(ObjectKind::Map, 19, kHash, "mine");
    inspector.existing = {{ObjectKind::Map, 15}, {ObjectKind::Btf, 1}, {ObjectKind::Map, 19}};
    model.opened(kParent, 3, true, call(1, kParent, "BPF_MAP_GET_FD_BY_ID"));
    model.closed(kParent, 3, call(2, kParent, "close"));
    model.opened(kParent, 4, true, call(3, kParent, "BPF_BTF_GET_FD_BY_ID"));
    model.closed(kParent, 4, call(4, kParent, "close"));
    model.opened(kParent, 5, true, call(5, kParent, "BPF_MAP_CREATE"));  // created, then closed: still listed
    model.closed(kParent, 5, call(6, kParent, "close"));
    model.exited(kParent, call(7, kParent, "exit"));
    const std::string text = text_of(model, inspector);
    INFO(text);
    CHECK(text.find("--- objects alive after the trace ---\n"
                    "  map#19:hash:mine   not held by this program") != std::string::npos);
    CHECK(text.ends_with("  (not listed: 2 objects the program did not create and only looked at)\n"));
    const std::string alive = text.substr(text.find("--- objects alive"));
    CHECK(alive.find("map#15") == std::string::npos);
    CHECK(alive.find("btf#1") == std::string::npos);
    CHECK(json_of(model, inspector).find("\"only_looked_at\":2}") != std::string::npos);
}

TEST_CASE("summary: an fd still open when the trace ends keeps its object alive", "[summary]") {
    FakeInspector inspector;
    FdModel model{inspector};
    inspector.fds[{1300, 3}] = facts(ObjectKind::Map, 15, kHash, "config");
    inspector.fds[{1300, 4}] = facts(ObjectKind::Prog, 80, kTracepoint, "hello");
    inspector.existing = {{ObjectKind::Map, 15}, {ObjectKind::Prog, 80}};
    model.opened(1300, 3, false, call(1, 1300, "BPF_MAP_GET_FD_BY_ID"));
    model.object_of(1300, 3)->pinned_at.push_back("/sys/fs/bpf/config");
    model.opened(1300, 4, true, call(2, 1300, "BPF_PROG_LOAD"));
    model.object_of(1300, 4)->attached = true;  // #3 BPF_PROG_ATTACH
    // The trace ends (a detach): no close, no exit.
    CHECK(text_of(model, inspector) ==
          "--- fds of pid 1300 ---\n"
          "  fd 3  map#15:hash:config         opened by #1 BPF_MAP_GET_FD_BY_ID   still open\n"
          "  fd 4  prog#80:tracepoint:hello   opened by #2 BPF_PROG_LOAD          still open\n"
          "--- objects alive after the trace ---\n"
          "  map#15:hash:config   pinned at /sys/fs/bpf/config, open as fd 3 of pid 1300\n"
          "  prog#80:tracepoint:hello   attached, open as fd 4 of pid 1300\n");
    const std::vector<std::string> lines = json_lines(json_of(model, inspector));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].find("\"opened\":{\"seq\":1,\"call\":\"BPF_MAP_GET_FD_BY_ID\"},\"closed\":null}") !=
          std::string::npos);
    CHECK(lines[1].find("\"reasons\":[{\"kind\":\"attached\",\"text\":\"attached\"},{\"kind\":\"open_fd\",\"pid\":1300,"
                        "\"fd\":4,\"text\":\"open as fd 4 of pid 1300\"}]") != std::string::npos);
}

TEST_CASE("summary: a perf event the trace saw opened is listed, and holds the program it runs", "[summary]") {
    FakeInspector inspector;
    FdModel model{inspector};
    inspector.fds[{1300, 4}] = facts(ObjectKind::Prog, 80, kTracepoint, "hello");
    inspector.fds[{1300, 5}] = other("perf_event");  // as /proc/PID/fd names it
    inspector.fds[{1300, 6}] = other("perf_event");
    inspector.existing = {{ObjectKind::Prog, 80}};
    model.opened(1300, 4, true, call(1, 1300, "BPF_PROG_LOAD"));
    model.opened(1300, 5, true, call(2, 1300, "perf_event_open"));
    const auto event = model.object_of(1300, 5);
    event->facts.what = "perf_event:tracepoint:syscalls:sys_enter_execve";  // as perf_event_open's line named it
    event->facts_changed();
    model.object_of(1300, 4)->perf_events.push_back(event);  // #3 ioctl(PERF_EVENT_IOC_SET_BPF)
    model.opened(1300, 6, true, call(4, 1300, "perf_event_open"));  // named by /proc only: not followed
    model.closed(1300, 4, call(5, 1300, "close"));
    CHECK(text_of(model, inspector) ==
          "--- fds of pid 1300 ---\n"
          "  fd 4  prog#80:tracepoint:hello                          opened by #1 BPF_PROG_LOAD     closed by #5 close\n"
          "  fd 5  perf_event:tracepoint:syscalls:sys_enter_execve   opened by #2 perf_event_open   still open\n"
          "--- objects alive after the trace ---\n"
          "  prog#80:tracepoint:hello   runs on perf_event:tracepoint:syscalls:sys_enter_execve (open as fd 5 of pid "
          "1300)\n");
    // Once the event's last fd is closed, it holds nothing.
    model.closed(1300, 5, call(6, 1300, "close"));
    CHECK(text_of(model, inspector).ends_with("  prog#80:tracepoint:hello   not held by this program: pinned where it "
                                              "was not seen, attached, held by another process, or still being "
                                              "freed\n"));
}

TEST_CASE("summary: nothing outlives the trace", "[summary]") {
    FakeInspector inspector;
    FdModel model{inspector};
    inspector.fds[{42, 3}] = facts(ObjectKind::Map, 15, kHash, "config");
    inspector.fds[{42, 4}] = other("socket");
    inspector.fds[{43, 5}] = other("perf_event");
    model.opened(42, 3, true, call(1, 42, "BPF_MAP_CREATE"));
    model.opened(42, 4, true, call(2, 42, "socket"));
    model.opened(43, 5, true, call(3, 43, "perf_event_open"));  // a process with no BPF fd: no block
    model.opened(42, 6, true, call(4, 42, "openat"));            // the kernel could not say: not a BPF object
    model.execed(42, call(0, 42, "execve"));
    model.exited(42, call(0, 42, "exit"));
    model.exited(43, call(0, 43, "exit"));
    CHECK(text_of(model, inspector) ==
          "--- fds of pid 42 ---\n"
          "  fd 3  map#15:hash:config   opened by #1 BPF_MAP_CREATE   closed by execve (close-on-exec)\n"
          "--- objects alive after the trace ---\n"
          "  none\n");
    const std::vector<std::string> lines = json_lines(json_of(model, inspector));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].ends_with("\"opened\":{\"seq\":1,\"call\":\"BPF_MAP_CREATE\"},"
                             "\"closed\":{\"seq\":null,\"call\":\"execve\"}}]}"));
    CHECK(lines[1] == "{\"type\":\"summary\",\"part\":\"alive\",\"objects\":[],\"only_looked_at\":0}");

    FakeInspector empty_inspector;
    FdModel empty{empty_inspector};
    CHECK(text_of(empty, empty_inspector) == "--- objects alive after the trace ---\n  none\n");
    CHECK(json_of(empty, empty_inspector) == "{\"type\":\"summary\",\"part\":\"alive\",\"objects\":[],\"only_looked_at\":0}\n");
}

TEST_CASE("summary: a link that went away holds nothing; dup2 over an open fd", "[summary]") {
    FakeInspector inspector;
    FdModel model{inspector};
    inspector.fds[{7, 3}] = facts(ObjectKind::Prog, 80, kTracepoint, "hello");
    inspector.fds[{7, 4}] = facts(ObjectKind::Map, 19, kHash, "config");
    inspector.existing = {{ObjectKind::Prog, 80}};  // link#4 is gone
    model.opened(7, 3, true, call(1, 7, "BPF_PROG_LOAD"));
    model.object_of(7, 3)->held_by_links.push_back(4);
    model.opened(7, 4, true, call(2, 7, "BPF_MAP_CREATE"));
    model.duplicated(7, 3, 4, false, call(3, 7, "dup2"));
    model.exited(7, call(4, 7, "exit"));
    CHECK(text_of(model, inspector) ==
          "--- fds of pid 7 ---\n"
          "  fd 3  prog#80:tracepoint:hello   opened by #1 BPF_PROG_LOAD    closed at exit\n"
          "  fd 4  map#19:hash:config         opened by #2 BPF_MAP_CREATE   closed by #3 dup2\n"
          "  fd 4  prog#80:tracepoint:hello   opened by #3 dup2             closed at exit\n"
          "--- objects alive after the trace ---\n"
          "  prog#80:tracepoint:hello   not held by this program: pinned where it was not seen, attached, held by another process, or still being freed\n");
}

TEST_CASE("summary: names and paths cannot break a line or the JSON", "[summary]") {
    FakeInspector inspector;
    FdModel model{inspector};
    inspector.fds[{9, 3}] = facts(ObjectKind::Map, 15, kHash, std::string("a\"b\nc\xff", 6));
    inspector.existing = {{ObjectKind::Map, 15}};
    model.opened(9, 3, true, call(1, 9, "BPF_MAP_CREATE"));
    model.object_of(9, 3)->pinned_at.push_back("/sys/fs/bpf/x\ny \"z\"");
    model.object_of(9, 3)->pinned_at.push_back("/sys/fs/bpf/plain");
    model.closed(9, 3, call(2, 9, "clo\tse"));
    const std::string text = text_of(model, inspector);
    CHECK(text == "--- fds of pid 9 ---\n"
                  "  fd 3  \"map#15:hash:a\\\"b\\nc\\377\"   opened by #1 BPF_MAP_CREATE   closed by #2 \"clo\\tse\"\n"
                  "--- objects alive after the trace ---\n"
                  "  \"map#15:hash:a\\\"b\\nc\\377\"   pinned at \"/sys/fs/bpf/x\\ny \\\"z\\\"\", "
                  "pinned at /sys/fs/bpf/plain\n");
    const std::vector<std::string> lines = json_lines(json_of(model, inspector));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].find("\"label\":\"map#15:hash:a\\\"b\\nc\\ufffd\"") != std::string::npos);
    CHECK(lines[0].find("\"call\":\"clo\\tse\"") != std::string::npos);
    CHECK(lines[1].find("\"reasons\":[{\"kind\":\"pinned\",\"path\":\"/sys/fs/bpf/x\\ny \\\"z\\\"\",\"text\":"
                        "\"pinned at /sys/fs/bpf/x\\ny \\\"z\\\"\"},{\"kind\":\"pinned\",\"path\":"
                        "\"/sys/fs/bpf/plain\",\"text\":\"pinned at /sys/fs/bpf/plain\"}]") != std::string::npos);
}

TEST_CASE("summary with --no-follow: the fds of COMMAND's process alone", "[summary]") {
    Scenario s;
    const std::string text = printed(s.model, s.inspector, bpfsc::tracer::Format::Text, 1234);
    CHECK(text.starts_with("--- fds of pid 1234 ---\n"));
    CHECK(text.find("pid 1240") == std::string::npos);  // the forked child: not shown, as its calls are not
    CHECK(text.find("--- objects alive after the trace ---\n") != std::string::npos);
}

TEST_CASE("summary with what the kernel says holds each object: names, pins, links, users, a tree", "[summary]") {
    // bpftool's view of another program's objects: it opened a map by id,
    // its BTF and a program, and closed them. The kernel's answers name the
    // process that holds each, the program using the map, the link holding
    // the program, and a pin the trace never saw.
    FakeInspector inspector;
    FdModel model{inspector};
    constexpr pid_t kTool = 1300, kLoader = 77;
    inspector.fds[{kTool, 3}] = facts(ObjectKind::Map, 15, kHash, "config");
    inspector.fds[{kTool, 4}] = facts(ObjectKind::Btf, 97);
    inspector.fds[{kTool, 5}] = facts(ObjectKind::Prog, 80, kTracepoint, "hello");
    inspector.fds[{kTool, 6}] = facts(ObjectKind::Map, 16, kHash, "lonely");
    inspector.existing = {{ObjectKind::Map, 15}, {ObjectKind::Btf, 97}, {ObjectKind::Prog, 80}, {ObjectKind::Map, 16}};
    model.opened(kTool, 3, true, call(2, kTool, "BPF_MAP_GET_FD_BY_ID"));
    model.opened(kTool, 4, true, call(3, kTool, "BPF_BTF_GET_FD_BY_ID"));
    model.opened(kTool, 5, true, call(4, kTool, "BPF_PROG_GET_FD_BY_ID"));
    model.opened(kTool, 6, true, call(5, kTool, "BPF_MAP_CREATE"));
    for (int fd = 3; fd <= 6; ++fd) model.closed(kTool, fd, call(uint64_t(5 + fd), kTool, "close"));
    model.exited(kTool, call(0, kTool, "exit"));

    KernelHolders h;
    h.gathered = true;
    h.fds[{ObjectKind::Map, 15}] = {KernelHolders::ProcessFd{kLoader, "hello-buffer-co", 4}};
    h.fds[{ObjectKind::Btf, 97}] = {KernelHolders::ProcessFd{kLoader, "hello-buffer-co", 3}};
    h.pins[{ObjectKind::Map, 15}] = {"/sys/fs/bpf/elsewhere/config"};
    h.links[4] = KernelHolders::Link{kPerfEvent, 80, ""};
    h.map_users[15] = {80};
    h.btf_users[97] = {{ObjectKind::Prog, 80}, {ObjectKind::Map, 15}};
    h.attached[80] = {KernelHolders::Attachment{"runs on the tracepoint sys_enter_execve (fd 7 of pid 77, hello-buffer-co)",
                                                kLoader, 7}};
    h.searched = {"the fds of 2 processes", "1 pins on 1 bpffs mount"};

    const Summary s = summarize(model, inspector, 0, true, &h);
    REQUIRE(s.alive.size() == 4);
    // The program, held by the link (not in the trace: its line names it by
    // id), is a root; its map and BTF below it; the map the tool made and
    // left to nothing the kernel could name says what was searched.
    CHECK(s.alive[0].object->label() == "prog#80:tracepoint:hello");
    CHECK(s.alive[0].looked_at);
    CHECK(describe(s.alive[0].reasons[0]) == "held by link#4 (perf_event link)");
    CHECK(describe(s.alive[0].reasons[1]) ==
          "runs on the tracepoint sys_enter_execve (fd 7 of pid 77, hello-buffer-co)");
    CHECK(s.alive[1].object->label() == "map#15:hash:config");
    CHECK(s.alive[1].depth == 1);
    REQUIRE(s.alive[1].reasons.size() == 3);
    CHECK(describe(s.alive[1].reasons[0]) == "fd 4 of pid 77 (hello-buffer-co)");
    CHECK(describe(s.alive[1].reasons[1]) == "pinned at /sys/fs/bpf/elsewhere/config");
    CHECK(describe(s.alive[1].reasons[2]) == "used by prog#80:tracepoint:hello");
    // A BTF both the program and the map use goes below the program.
    CHECK(s.alive[2].object->label() == "btf#97");
    CHECK(s.alive[2].depth == 1);
    CHECK(describe(s.alive[2].reasons[0]) == "fd 3 of pid 77 (hello-buffer-co)");
    CHECK(describe(s.alive[2].reasons[1]) == "the BTF of prog#80:tracepoint:hello");
    CHECK(s.alive[3].object->label() == "map#16:hash:lonely");
    CHECK(!s.alive[3].looked_at);
    CHECK(describe(s.alive[3].reasons[0]) ==
          "nothing found holding it (searched the fds of 2 processes, 1 pins on 1 bpffs mount): held by the kernel, or "
          "being freed");
    CHECK(s.only_looked_at == 0);
}
