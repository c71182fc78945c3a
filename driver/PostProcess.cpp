//===- PostProcess.cpp ----------------------------------------------------===//
#include "PostProcess.h"
#include "FactStore.h"
#include "analysis/StableHash.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>
#include <sys/stat.h>
#include <unistd.h>

namespace blockwatch {

namespace {
std::vector<std::string> splitLines(const std::string &Text) {
  std::vector<std::string> Lines;
  std::string Cur;
  for (char C : Text) {
    if (C == '\n') {
      Lines.push_back(Cur);
      Cur.clear();
    } else {
      Cur += C;
    }
  }
  Lines.push_back(Cur);
  return Lines;
}

} // namespace

bool globMatches(const std::string &Globs, const std::string &Name) {
  bool Enabled = false;
  std::stringstream SS(Globs);
  std::string G;
  while (std::getline(SS, G, ',')) {
    size_t B = G.find_first_not_of(" \t\n");
    if (B == std::string::npos)
      continue;
    G = G.substr(B, G.find_last_not_of(" \t\n") - B + 1);
    bool Neg = G[0] == '-';
    if (Neg)
      G = G.substr(1);
    std::string Re;
    for (char C : G) {
      if (C == '*')
        Re += ".*";
      else if (isalnum(static_cast<unsigned char>(C)) || C == '_' || C == '-')
        Re += C;
      else
        Re += std::string("\\") + C;
    }
    if (std::regex_match(Name, std::regex(Re)))
      Enabled = !Neg;
  }
  return Enabled;
}

void assignFingerprints(std::vector<Finding> &Findings) {
  std::map<std::string, std::vector<std::string>> Files;
  auto Text = [&](const SourceLoc &L) {
    auto It = Files.find(L.File);
    if (It == Files.end())
      It = Files.emplace(L.File, splitLines(readFile(L.File).value_or("")))
               .first;
    std::string Out;
    for (unsigned N = L.Line; N && N <= L.EndLine && N <= It->second.size();
         ++N) {
      const std::string &Line = It->second[N - 1];
      size_t B = N == L.Line ? L.Col - 1 : 0;
      size_t E = N == L.EndLine ? L.EndCol - 1 : Line.size();
      if (B < Line.size())
        Out += Line.substr(B, E > B ? E - B : 0) + " ";
    }
    std::string Norm;
    for (char C : Out)
      if (!isspace(static_cast<unsigned char>(C)))
        Norm += C;
    return Norm;
  };
  std::map<std::string, unsigned> Seen;
  for (Finding &F : Findings) {
    // A lambda is named by its position; drop the line so that edits above
    // it keep the fingerprint.
    static const std::regex Position(":[0-9]+:[0-9]+\\)");
    std::string Function = std::regex_replace(F.Function, Position, ")");
    std::string Key = F.Rule + "\n" + Function + "\n" + Text(F.At);
    F.Fingerprint = stableHash(Key) + ":" + std::to_string(++Seen[Key]);
  }
}

namespace {
/// The NOLINT directives of one line: (kind, checks) with kind "" (same
/// line), "NEXTLINE", "BEGIN" or "END"; checks "" means all.
std::vector<std::pair<std::string, std::string>>
nolints(const std::string &Line) {
  std::vector<std::pair<std::string, std::string>> Out;
  size_t Pos = 0;
  while ((Pos = Line.find("NOLINT", Pos)) != std::string::npos) {
    Pos += 6;
    std::string Kind;
    for (const char *K : {"NEXTLINE", "BEGIN", "END"})
      if (Line.compare(Pos, strlen(K), K) == 0) {
        Kind = K;
        Pos += strlen(K);
        break;
      }
    std::string Checks = "*";
    if (Pos < Line.size() && Line[Pos] == '(') {
      size_t Close = Line.find(')', Pos);
      if (Close == std::string::npos)
        continue;
      Checks = Line.substr(Pos + 1, Close - Pos - 1);
      Pos = Close + 1;
    }
    Out.push_back({Kind, Checks});
  }
  return Out;
}
} // namespace

void markSuppressed(std::vector<Finding> &Findings) {
  std::map<std::string, std::vector<std::string>> Files;
  for (Finding &F : Findings) {
    auto It = Files.find(F.At.File);
    if (It == Files.end())
      It = Files.emplace(F.At.File, splitLines(readFile(F.At.File).value_or("")))
               .first;
    const auto &Lines = It->second;
    if (F.At.Line == 0 || F.At.Line > Lines.size())
      continue;
    for (const auto &[Kind, Checks] : nolints(Lines[F.At.Line - 1]))
      if (Kind.empty() && globMatches(Checks, F.Rule))
        F.Suppressed = true;
    if (F.At.Line >= 2)
      for (const auto &[Kind, Checks] : nolints(Lines[F.At.Line - 2]))
        if (Kind == "NEXTLINE" && globMatches(Checks, F.Rule))
          F.Suppressed = true;
    std::vector<std::string> Open;
    for (unsigned N = 1; N <= F.At.Line; ++N)
      for (const auto &[Kind, Checks] : nolints(Lines[N - 1])) {
        if (Kind == "BEGIN") {
          Open.push_back(Checks);
        } else if (Kind == "END") {
          auto Match = std::find(Open.rbegin(), Open.rend(), Checks);
          if (Match != Open.rend())
            Open.erase(std::next(Match).base());
        }
      }
    for (const auto &Checks : Open)
      if (globMatches(Checks, F.Rule))
        F.Suppressed = true;
  }
}

bool readBaseline(const std::string &Path, std::multiset<std::string> &Out,
                  std::string &Error) {
  auto Text = readFile(Path);
  if (!Text) {
    Error = Path + ": error: cannot read baseline";
    return false;
  }
  return readBaselineText(Path, *Text, Out, Error);
}

bool readBaselineText(const std::string &Path, const std::string &Text,
                      std::multiset<std::string> &Out, std::string &Error) {
  try {
    auto J = nlohmann::json::parse(Text);
    if (!J.is_object() || J.value("version", "") != "2.1.0" ||
        !J.contains("runs") || !J["runs"].is_array()) {
      Error = Path + ": error: baseline is not a SARIF 2.1.0 log";
      return false;
    }
    for (const auto &Run : J["runs"])
      for (const auto &R : Run.value("results", nlohmann::json::array())) {
        std::string Rule = R.value("ruleId", "");
        auto FP = R.value("partialFingerprints", nlohmann::json::object());
        if (FP.contains("primaryLocationLineHash") &&
            FP["primaryLocationLineHash"].is_string())
          Out.insert(Rule + "\n" +
                     FP["primaryLocationLineHash"].get<std::string>());
      }
  } catch (const nlohmann::json::exception &E) {
    Error = Path + ": error: baseline is not valid JSON: " + E.what();
    return false;
  }
  return true;
}

std::string fixesYaml(const std::vector<Finding> &Findings) {
  auto Quote = [](const std::string &S) {
    std::string Out = "'";
    for (char C : S) {
      if (C == '\'')
        Out += "''";
      else if (C == '\n')
        Out += "\n\n";
      else
        Out += C;
    }
    return Out + "'";
  };
  std::string Y = "---\nMainSourceFile:  ''\nDiagnostics:\n";
  for (const Finding &F : Findings) {
    if (F.Fixes.empty() || F.Suppressed)
      continue;
    Y += "  - DiagnosticName:  " + F.Rule + "\n";
    Y += "    DiagnosticMessage:\n";
    Y += "      Message:         " + Quote(F.Message) + "\n";
    Y += "      FilePath:        " + Quote(F.At.File) + "\n";
    Y += "      FileOffset:      " + std::to_string(F.At.Offset) + "\n";
    Y += "      Replacements:\n";
    for (const FixFact &Fx : F.Fixes) {
      Y += "        - FilePath:        " + Quote(Fx.File) + "\n";
      Y += "          Offset:          " + std::to_string(Fx.Offset) + "\n";
      Y += "          Length:          " + std::to_string(Fx.Length) + "\n";
      Y += "          ReplacementText: " + Quote(Fx.Text) + "\n";
    }
    Y += "    Level:           Warning\n";
  }
  return Y + "...\n";
}

std::vector<std::string>
applyFixes(const std::vector<Finding> &Findings,
           const std::map<std::string, FileStamp> &Stamps,
           std::map<std::string, std::string> &Originals,
           std::vector<std::string> &Errors) {
  std::map<std::string, std::vector<const FixFact *>> ByFile;
  for (const Finding &F : Findings)
    if (!F.Suppressed)
      for (const FixFact &Fx : F.Fixes)
        ByFile[Fx.File].push_back(&Fx);
  std::vector<std::string> Written;
  for (auto &[File, Fixes] : ByFile) {
    auto Was = Stamps.find(File);
    if (Was == Stamps.end() || !(stampOf(File) == Was->second)) {
      Errors.push_back(File + ": error: file changed since it was analysed; "
                              "not applying fixes (run blockwatch again)");
      continue;
    }
    auto Text = readFile(File);
    if (!Text) {
      Errors.push_back(File + ": error: cannot read file to fix");
      continue;
    }
    // Mode bits, not access(2): root may write anything, but a file marked
    // read-only is not ours to change.
    struct stat St;
    if (::stat(File.c_str(), &St) != 0 ||
        !(St.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) ||
        ::access(File.c_str(), W_OK) != 0) {
      Errors.push_back(File + ": error: file is read-only; not applying fixes");
      continue;
    }
    std::sort(Fixes.begin(), Fixes.end(),
                     [](const FixFact *A, const FixFact *B) {
                       return std::tie(A->Offset, A->Length, A->Text) <
                              std::tie(B->Offset, B->Length, B->Text);
                     });
    std::vector<const FixFact *> Kept;
    for (const FixFact *Fx : Fixes) {
      if (!Kept.empty() &&
          (Kept.back()->Offset + Kept.back()->Length > Fx->Offset ||
           (Kept.back()->Offset == Fx->Offset))) {
        if (Kept.back()->Offset == Fx->Offset &&
            Kept.back()->Length == Fx->Length && Kept.back()->Text == Fx->Text)
          continue; // The same fix reported twice.
        Errors.push_back(File + ": warning: skipping a fix at offset " +
                         std::to_string(Fx->Offset) +
                         " that overlaps another one");
        continue;
      }
      if (Fx->Offset + Fx->Length > Text->size()) {
        Errors.push_back(File + ": error: fix outside the file; skipped");
        continue;
      }
      Kept.push_back(Fx);
    }
    std::string New = *Text;
    for (auto It = Kept.rbegin(); It != Kept.rend(); ++It)
      New.replace((*It)->Offset, (*It)->Length, (*It)->Text);
    if (New == *Text)
      continue;
    std::string Err = writeFileAtomically(File, New);
    if (!Err.empty()) {
      Errors.push_back(File + ": error: " + Err);
      continue;
    }
    Originals[File] = *Text;
    Written.push_back(File);
  }
  return Written;
}

} // namespace blockwatch
