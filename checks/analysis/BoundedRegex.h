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
#include <vector>

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

/// A run of text every match of \p Text (a pattern compileBoundedRegex
/// accepted) contains: the longest run of plain characters outside any
/// group, bracket or repetition, when no top-level '|' offers matches
/// without it; "" when there is none. Most pack patterns have one
/// ("asio::" in "^::(boost::)?asio::post$"), and looking for it first spares
/// the automaton nearly every name.
std::string requiredLiteral(const std::string &Text);

/// Every string \p Text matches, when it is a finite set of literals:
/// "^...$" with plain characters and groups of plain alternatives, each group
/// optionally followed by '?' ("^::(boost::)?asio::(post|defer)$"), at most
/// \p Limit of them. Pack patterns are mostly such lists of names, and a
/// name is then looked up instead of run through the automaton. Returns
/// false, with \p Out empty, for any other pattern.
bool literalAlternatives(const std::string &Text, std::vector<std::string> &Out,
                         size_t Limit = 512);

} // namespace blockwatch

#endif
