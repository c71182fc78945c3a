//===- BoundedRegex.h - regexes whose matching cost is bounded ------------===//
//
// Rule packs come from users (--rules, RuleFiles, and so from a repository's
// .clang-tidy or .clangd), and their regexes are matched against the callee
// and type names of every TU. A backtracking engine such as std::regex can
// take exponential time on a pattern like (a+)+$, and recurses once per
// character of the name, so a long name overflows the stack. llvm::Regex
// instead runs the pattern's automaton over the name: without
// back-references, a match takes time proportional to the name's length
// times the pattern's size, and constant stack. What is left to bound is the
// pattern's size, which llvm::Regex multiplies by writing counted
// repetitions out. docs/rules.md lists the limits.
//
//===----------------------------------------------------------------------===//
#ifndef BLOCKWATCH_BOUNDEDREGEX_H
#define BLOCKWATCH_BOUNDEDREGEX_H

#include <cstddef>
#include <memory>
#include <string>

namespace llvm {
class Regex;
} // namespace llvm

namespace blockwatch {

/// The most characters a pattern may have, both as written and with its
/// counted repetitions written out (x{3} counts as xxx).
constexpr size_t MaxRegexSize = 1024;

/// Compiles \p Text, a POSIX extended regular expression, for llvm::Regex.
/// Refuses patterns over MaxRegexSize, back-references, and the ECMAScript
/// escapes POSIX would silently read as plain letters; \p Error then says
/// why, naming the pattern.
std::shared_ptr<const llvm::Regex> compileBoundedRegex(const std::string &Text,
                                                       std::string &Error);

} // namespace blockwatch

#endif
