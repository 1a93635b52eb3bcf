// JSON lines the tests produce, kept for the schema test: with
// BPFSC_JSON_SAMPLES=DIR (meson sets it for every test), each is appended
// to DIR/unit-PID.jsonl, and test/json/validate.py checks every line of the
// directory against docs/trace.schema.json once all other tests ran.
#pragma once

#include <string_view>

namespace bpfsc::test {

void keep_json_sample(std::string_view lines);

} // namespace bpfsc::test
