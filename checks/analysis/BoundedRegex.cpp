//===- BoundedRegex.cpp ---------------------------------------------------===//
#include "BoundedRegex.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Regex.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <cstdint>

namespace blockwatch {

namespace {

// llvm::Regex's own messages (regerror.c), so that a syntax error reads the
// same whether the scanner below or llvm finds it.
const char *const BadParens = "parentheses not balanced";
const char *const BadBrackets = "brackets ([ ]) not balanced";
const char *const BadBraces = "braces not balanced";
const char *const TrailingBackslash = "trailing backslash (\\)";
const char *const BadRepeat = "repetition-operator operand invalid";
const char *const BadCount = "invalid repetition count(s)";
const char *const EmptyPart = "empty (sub)expression";
const char *const BadRange = "invalid character range";

/// RE_DUP_MAX, the largest count llvm accepts in x{n,m}.
constexpr unsigned DupMax = 255;

/// Reads a pattern the way llvm::Regex's ERE parser (regcomp.c: p_ere,
/// p_ere_exp, p_bracket) does, to learn its size with the counted
/// repetitions written out before llvm allocates them:
/// ((a{255}){255}){255} would be sixteen million states. Like llvm it stops
/// at the first error, so llvm never compiles more than was measured.
class Scanner {
public:
  explicit Scanner(const std::string &Text) : S(Text) {}

  /// Empty if the pattern may be compiled; llvm can still reject it (an
  /// unknown character class, a reversed range), but not with another
  /// structure than the one measured here.
  std::string check() {
    uint64_t Size = 0;
    alternation(/*InGroup=*/false, Size);
    return Problem;
  }

private:
  const std::string &S;
  size_t I = 0;
  std::string Problem;

  bool fail(std::string Why) {
    Problem = std::move(Why);
    return false;
  }
  bool invalid(const char *Why) {
    return fail("invalid regular expression '" + S + "': " + Why);
  }
  bool more() const { return I < S.size(); }
  bool sees(const char *Two) const { return S.compare(I, 2, Two) == 0; }
  bool digitAt(size_t K) const {
    return K < S.size() && isdigit(static_cast<unsigned char>(S[K]));
  }
  bool quantifierHere() const {
    return more() && (S[I] == '*' || S[I] == '+' || S[I] == '?' ||
                      (S[I] == '{' && digitAt(I + 1)));
  }
  bool within(uint64_t Size) {
    if (Size <= MaxRegexSize)
      return true;
    return fail("regular expression is too large with its counted "
                "repetitions written out (more than " +
                std::to_string(MaxRegexSize) +
                " characters, x{3} counting as xxx)");
  }

  /// Branches separated by '|', up to the group's ')' or the end.
  bool alternation(bool InGroup, uint64_t &Size) {
    for (;;) {
      bool Empty = true;
      while (more() && S[I] != '|' && !(InGroup && S[I] == ')')) {
        if (!piece(Size))
          return false;
        Empty = false;
      }
      if (Empty)
        return invalid(EmptyPart);
      if (!more() || S[I] != '|')
        return true;
      ++I;
      if (!within(++Size))
        return false;
    }
  }

  /// One atom and its quantifier, if any.
  bool piece(uint64_t &Total) {
    size_t Start = I;
    char C = S[I++];
    uint64_t Atom = 1;
    bool Caret = false;
    switch (C) {
    case '(':
      if (!more())
        return invalid(BadParens);
      if (S[I] == '?')
        return fail("'(?' in regular expression '" + S +
                    "' is not POSIX extended syntax (no non-capturing groups "
                    "or lookarounds); write '('");
      Atom = 2;
      if (S[I] != ')' && !alternation(/*InGroup=*/true, Atom))
        return false;
      if (!more())
        return invalid(BadParens);
      ++I;
      break;
    case ')':
      return invalid(BadParens);
    case '^':
      Caret = true;
      break;
    case '*':
    case '+':
    case '?':
      return invalid(BadRepeat);
    case '[':
      if (!bracket())
        return false;
      Atom = I - Start;
      break;
    case '\\':
      if (!more())
        return invalid(TrailingBackslash);
      if (!escape())
        return false;
      Atom = 2;
      break;
    case '{':
      if (digitAt(I))
        return invalid(BadRepeat);
      break;
    default:
      break;
    }
    if (!quantifierHere())
      return within(Total += Atom);
    if (Caret)
      return invalid(BadRepeat);
    uint64_t Copies = 1, Operator = 1;
    if (S[I++] == '{') {
      if (!repetition(Copies))
        return false;
      Operator = 0;
    }
    if (quantifierHere()) {
      if (S[I] == '?')
        return fail("lazy quantifier in regular expression '" + S +
                    "' is not POSIX extended syntax: drop the '?' (whether a "
                    "name matches does not depend on it)");
      return invalid(BadRepeat);
    }
    return within(Total += Atom * Copies + Operator);
  }

  /// After '\': POSIX reads an escaped letter as the letter itself, so the
  /// ECMAScript classes would silently match something else.
  bool escape() {
    char E = S[I++];
    std::string Esc = std::string("\\") + E;
    if (E >= '1' && E <= '9')
      return fail("back-reference '" + Esc + "' in regular expression '" +
                  S + "' is not supported: matching one needs backtracking, "
                  "which can take exponential time");
    if (!isalnum(static_cast<unsigned char>(E)))
      return true;
    return fail("'" + Esc + "' in regular expression '" + S +
                "' is not POSIX extended syntax (it would match a plain '" +
                std::string(1, E) + "'); " + insteadOf(E));
  }

  static const char *insteadOf(char Escaped) {
    switch (Escaped) {
    case 'd':
      return "write [0-9]";
    case 'D':
      return "write [^0-9]";
    case 'w':
      return "write [[:alnum:]_]";
    case 'W':
      return "write [^[:alnum:]_]";
    case 's':
      return "write [[:space:]]";
    case 'S':
      return "write [^[:space:]]";
    case 'b':
    case 'B':
      return "there are no word boundaries; anchor with ^ and $";
    default:
      return "escape only punctuation";
    }
  }

  /// After '{': the counts. Copies is how often llvm writes the atom out.
  bool repetition(uint64_t &Copies) {
    unsigned Lo = 0, Hi = 0;
    if (!count(Lo))
      return invalid(BadCount);
    Hi = Lo;
    bool Unbounded = false;
    if (more() && S[I] == ',') {
      ++I;
      if (!digitAt(I))
        Unbounded = true;
      else if (!count(Hi) || Lo > Hi)
        return invalid(BadCount);
    }
    if (!more() || S[I] != '}') {
      while (more() && S[I] != '}')
        ++I;
      return invalid(more() ? BadCount : BadBraces);
    }
    ++I;
    Copies = std::max(Unbounded ? Lo : Hi, 1u);
    return true;
  }

  bool count(unsigned &N) {
    unsigned Digits = 0;
    N = 0;
    while (digitAt(I) && N <= DupMax) {
      N = N * 10 + (S[I++] - '0');
      ++Digits;
    }
    return Digits > 0 && N <= DupMax;
  }

  /// After '[': up to and including the closing ']'.
  bool bracket() {
    // llvm's word-boundary spellings.
    if (S.compare(I, 6, "[:<:]]") == 0 || S.compare(I, 6, "[:>:]]") == 0) {
      I += 6;
      return true;
    }
    if (more() && S[I] == '^')
      ++I;
    if (more() && (S[I] == ']' || S[I] == '-'))
      ++I;
    while (more() && S[I] != ']' && !sees("-]"))
      if (!bracketTerm())
        return false;
    if (more() && S[I] == '-')
      ++I;
    if (!more())
      return invalid(BadBrackets);
    ++I;
    return true;
  }

  bool bracketTerm() {
    if (S[I] == '-')
      return invalid(BadRange);
    if (sees("[:") || sees("[=")) {
      size_t End = S.find(std::string{S[I + 1], ']'}, I + 2);
      if (End == std::string::npos)
        return invalid(BadBrackets);
      I = End + 2;
      return true;
    }
    if (!bracketSymbol())
      return false;
    if (more() && S[I] == '-' && I + 1 < S.size() && S[I + 1] != ']') {
      ++I;
      if (S[I] == '-')
        ++I;
      else if (!bracketSymbol())
        return false;
    }
    return true;
  }

  bool bracketSymbol() {
    if (sees("[.")) {
      size_t End = S.find(".]", I + 2);
      if (End == std::string::npos)
        return invalid(BadBrackets);
      I = End + 2;
      return true;
    }
    if (S[I] == '\\')
      return fail("'\\' inside [...] in regular expression '" + S +
                  "' is not supported: POSIX extended syntax reads it as a "
                  "plain backslash (use a class such as [[:digit:]] or "
                  "[[:space:]])");
    ++I;
    return true;
  }
};

} // namespace

std::string requiredLiteral(const std::string &Text) {
  std::string Best, Run;
  auto End = [&] {
    if (Run.size() > Best.size())
      Best = Run;
    Run.clear();
  };
  int Depth = 0;
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    bool Quantified = I + 1 < Text.size() && std::strchr("*+?{", Text[I + 1]);
    if (C == '|') {
      if (Depth == 0)
        return ""; // Another alternative need not contain any of it.
      continue;
    }
    if (C == '(' || C == ')') {
      Depth += C == '(' ? 1 : -1;
      End();
      continue;
    }
    if (C == '[') {
      // A ']' right after '[' or '[^' is a member, not the end.
      size_t J = I + 1;
      if (J < Text.size() && Text[J] == '^')
        ++J;
      if (J < Text.size() && Text[J] == ']')
        ++J;
      while (J < Text.size() && Text[J] != ']')
        ++J;
      I = J;
      End();
      continue;
    }
    if (C == '{') { // A repetition count, not text.
      while (I < Text.size() && Text[I] != '}')
        ++I;
      End();
      continue;
    }
    bool Literal = !std::strchr(".*+?{}^$\\", C) || (C == '\\' && I + 1 < Text.size());
    if (C == '\\' && Literal) {
      C = Text[++I];
      Quantified = I + 1 < Text.size() && std::strchr("*+?{", Text[I + 1]);
    }
    if (!Literal || Quantified || Depth > 0) {
      End();
      continue;
    }
    Run += C;
  }
  End();
  return Best;
}

bool literalAlternatives(const std::string &Text, std::vector<std::string> &Out,
                         size_t Limit) {
  Out.clear();
  if (Text.size() < 2 || Text.front() != '^' || Text.back() != '$')
    return false;
  std::vector<std::string> Sofar{""};
  auto Plain = [](char C) { return !std::strchr(".[](){}*+?|^$\\", C); };
  // Reads a plain character, or an escaped punctuation one, at I.
  auto Char = [&](size_t &I, char &C) {
    if (Text[I] == '\\' && I + 1 < Text.size() - 1 &&
        std::ispunct(static_cast<unsigned char>(Text[I + 1]))) {
      C = Text[I + 1];
      I += 2;
      return true;
    }
    if (!Plain(Text[I]))
      return false;
    C = Text[I++];
    return true;
  };
  size_t I = 1, End = Text.size() - 1;
  while (I < End) {
    char C;
    if (Text[I] != '(') {
      if (!Char(I, C) || (I < End && std::strchr("*+?{", Text[I])))
        return false;
      for (auto &S : Sofar)
        S += C;
      continue;
    }
    std::vector<std::string> Alts{""};
    for (++I; I < End && Text[I] != ')';) {
      if (Text[I] == '|') {
        Alts.emplace_back();
        ++I;
      } else if (Char(I, C)) {
        Alts.back() += C;
      } else {
        return false;
      }
    }
    if (I >= End)
      return false;
    ++I; // ')'
    if (I < End && Text[I] == '?') {
      Alts.emplace_back();
      ++I;
    } else if (I < End && std::strchr("*+{", Text[I])) {
      return false;
    }
    if (Sofar.size() * Alts.size() > Limit)
      return false;
    std::vector<std::string> Next;
    for (const auto &S : Sofar)
      for (const auto &A : Alts)
        Next.push_back(S + A);
    Sofar = std::move(Next);
  }
  Out = std::move(Sofar);
  return true;
}

std::shared_ptr<const llvm::Regex> compileBoundedRegex(const std::string &Text,
                                                       std::string &Error) {
  if (Text.size() > MaxRegexSize) {
    Error = "regular expression is " + std::to_string(Text.size()) +
            " characters long (at most " + std::to_string(MaxRegexSize) +
            "): split it into several entries";
    return nullptr;
  }
  Error = Scanner(Text).check();
  if (!Error.empty())
    return nullptr;
  auto Re = std::make_shared<const llvm::Regex>(Text);
  std::string Why;
  if (!Re->isValid(Why)) {
    Error = "invalid regular expression '" + Text + "': " + Why;
    return nullptr;
  }
  return Re;
}

} // namespace blockwatch
