// A small strict JSON validator (json_check.cpp), for the unit tests and
// the fuzz targets: the renderers' output must parse for any input.
#pragma once

#include <string>

namespace bpfsc::test {

// Whether `text` is one JSON value, strictly (RFC 8259), and nothing else.
bool valid_json(const std::string& text);

} // namespace bpfsc::test
