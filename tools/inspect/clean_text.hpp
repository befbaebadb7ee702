// tools/inspect/clean_text.hpp: module names and other user bytes made safe to print.
//
// What a name is: the bytes given on the command line, compared as bytes (two names are the
// same name exactly when their bytes are equal). The tool takes only names that are UTF-8 text
// (a name that is not is a `names` error, told on the command line's error line with its bytes
// escaped): JSON strings hold Unicode text, and a JSON writer that printed valid names unchanged
// could not also print names holding other bytes distinctly from every valid name. Hidden
// characters (hidden(): controls, and the invisible or reordering ones such as bidi overrides,
// zero-width characters, the soft hyphen, U+2028) are valid UTF-8 and are kept: JSON writes
// them as \uXXXX escapes (hetgrid/detail/json_writer.hpp), and everything printed for people
// (the tables, the plan, the error line, the SVG) shows printable(name), which is one-to-one:
//   - a backslash prints as two backslashes;
//   - each byte of a hidden character or of invalid UTF-8 prints as \xNN (lower-case hex);
//   - everything else prints as itself.
// So no escape sequence reaches a terminal, no name reads reversed or hides a character, an XML
// document gets only characters XML 1.0 allows, and two different names never print the same.
#pragma once

#include <hetgrid/detail/text.hpp>

namespace hetgrid::inspect::clean_text {

// The library's (include/hetgrid/detail/text.hpp), under the names the tool has always used.
using ::hetgrid::detail::text::hidden;
using ::hetgrid::detail::text::is_utf8;
using ::hetgrid::detail::text::printable;
using ::hetgrid::detail::text::utf8_sequence;

}  // namespace hetgrid::inspect::clean_text
