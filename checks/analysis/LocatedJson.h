//===- LocatedJson.h - JSON parsing that remembers where values are -------===//
//
// Rule packs are written by hand, so every error in them must point at a
// line and column. nlohmann/json reports positions only for syntax errors;
// this parser also records where each value and object key starts, keyed by
// its JSON pointer, so semantic checks can say where they failed.
//
//===----------------------------------------------------------------------===//
#ifndef BLOCKWATCH_LOCATEDJSON_H
#define BLOCKWATCH_LOCATEDJSON_H

#include <nlohmann/json.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace blockwatch {

struct TextPos {
  unsigned Line = 1;
  unsigned Col = 1;
};

class LocatedJson {
public:
  /// Parses \p Text; on failure returns false and sets \p Error to
  /// "line:col: message".
  bool parse(const std::string &Text, std::string &Error);

  const nlohmann::json &root() const { return Root; }
  /// Position of the value at \p Pointer (a JSON pointer such as
  /// "/blocking/3/name"); the document start when unknown.
  TextPos valuePos(const std::string &Pointer) const;
  /// Position of the key naming member \p Pointer in its object.
  TextPos keyPos(const std::string &Pointer) const;

private:
  nlohmann::json Root;
  std::map<std::string, size_t> ValueOffsets;
  std::map<std::string, size_t> KeyOffsets;
  std::string Source;
  mutable std::vector<size_t> LineStarts;
  TextPos posOf(size_t Offset) const;
  friend class JsonParser;
};

/// Escapes a member name for use inside a JSON pointer.
std::string jsonPointerEscape(const std::string &Key);

/// Decodes the JSON escape that follows a backslash at \p I of \p S, moving
/// \p I past it and appending the character to \p Out in UTF-8. Returns what
/// is wrong, or nullptr. Shared by the rule-pack and facts readers.
const char *decodeJsonEscape(std::string_view S, size_t &I, std::string &Out);

} // namespace blockwatch

#endif
