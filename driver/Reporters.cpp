//===- Reporters.cpp ------------------------------------------------------===//
#include "Reporters.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

namespace blockwatch {

#ifndef BLOCKWATCH_VERSION
#define BLOCKWATCH_VERSION "0.0.0"
#endif
#ifndef BLOCKWATCH_HOMEPAGE
#define BLOCKWATCH_HOMEPAGE "https://github.com/blockwatch/blockwatch"
#endif

const std::vector<RuleInfo> &allRules() {
  static const std::vector<RuleInfo> Rules = {
      {rules::BlockingOnEventLoop, "BlockingOnEventLoop",
       "Blocking call on an event-loop or fiber-scheduler thread",
       "A handler, fiber or coroutine that runs on an event-loop or "
       "fiber-scheduler thread reaches a blocking call, directly or through "
       "calls. While it blocks, every other task on that thread stalls.",
       "asio::post(io, [&] {\n  std::this_thread::sleep_for(1s);\n});",
       "asio::steady_timer t(io, 1s);\nt.async_wait([](auto) { /* ... */ });",
       "high", "error", true},
      {rules::ReadWithoutDeadline, "ReadWithoutDeadline",
       "Socket read that can wait forever",
       "A socket read or accept with no timeout, no readiness wait with a "
       "finite timeout and no non-blocking mode hangs forever on a peer that "
       "vanished without closing the connection.",
       "int fd = accept(lfd, nullptr, nullptr);\nrecv(fd, buf, n, 0);",
       "timeval tv{30, 0};\nsetsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, "
       "sizeof tv);\nrecv(fd, buf, n, 0);",
       "medium", "warning", true},
      {rules::ChannelSelfDeadlock, "ChannelSelfDeadlock",
       "Channel operation that can never complete",
       "A channel send or receive that no other task can ever complete: the "
       "sender is also the only receiver, or a buffered channel is filled "
       "beyond its capacity before any consumer runs.",
       "boost::fibers::unbuffered_channel<int> ch;\nch.push(1);\nint v; "
       "ch.pop(v);",
       "boost::fibers::unbuffered_channel<int> ch;\nboost::fibers::fiber "
       "consumer([&] { int v; ch.pop(v); });\nch.push(1);",
       "high", "error", true},
      {rules::LockOrderInversion, "LockOrderInversion",
       "Locks taken in opposite orders",
       "Two locks are taken in one order on one path and in the opposite "
       "order on another. Two threads taking both paths at once deadlock.",
       "void a() { std::lock_guard g1(m1); std::lock_guard g2(m2); }\nvoid "
       "b() { std::lock_guard g2(m2); std::lock_guard g1(m1); }",
       "void a() { std::scoped_lock g(m1, m2); }\nvoid b() { "
       "std::scoped_lock g(m1, m2); }",
       "high", "error", true},
      {rules::ForeignCallWithoutHandoff, "ForeignCallWithoutHandoff",
       "Opaque foreign call on a loop or fiber thread",
       "A call into code the analysis cannot see (a C library, a vendor SDK, "
       "another language's runtime) runs on an event-loop or fiber thread. "
       "If it blocks, the whole loop freezes.",
       "asio::post(io, [&] { vendor_sdk_query(h); });",
       "asio::post(pool, [&] { vendor_sdk_query(h); });", "medium", "warning",
       true},
      {rules::BlockingUnderLock, "BlockingUnderLock",
       "Blocking call while a mutex is held",
       "A blocking call (sleep, socket or file I/O, DNS, a wait) made while "
       "a mutex is held makes every thread that needs the mutex wait for the "
       "I/O too.",
       "std::lock_guard<std::mutex> g(mu_);\nrecv(fd, buf, n, 0);",
       "ssize_t got = recv(fd, buf, n, 0);\nstd::lock_guard<std::mutex> "
       "g(mu_);",
       "high", "warning", true},
  };
  return Rules;
}

namespace {

// Paths and source text need not be UTF-8; JSON must be. Invalid bytes
// become U+FFFD rather than aborting the run.
constexpr auto Lossy = nlohmann::json::error_handler_t::replace;

/// File contents, read once, split into lines.
class SourceCache {
public:
  const std::vector<std::string> *lines(const std::string &File) {
    auto It = Files.find(File);
    if (It != Files.end())
      return It->second.empty() && Missing.count(File) ? nullptr : &It->second;
    std::ifstream In(File, std::ios::binary);
    auto &L = Files[File];
    if (!In) {
      Missing.insert({File, true});
      return nullptr;
    }
    std::string Line;
    while (std::getline(In, Line)) {
      if (!Line.empty() && Line.back() == '\r')
        Line.pop_back();
      L.push_back(Line);
    }
    return &L;
  }
  /// 1-based line and byte column of a byte offset.
  std::pair<unsigned, unsigned> lineCol(const std::string &File,
                                        unsigned Offset) {
    auto It = Raw.find(File);
    if (It == Raw.end()) {
      std::ifstream In(File, std::ios::binary);
      std::stringstream SS;
      if (In)
        SS << In.rdbuf();
      It = Raw.emplace(File, SS.str()).first;
    }
    unsigned Line = 1, Col = 1;
    for (unsigned I = 0; I < Offset && I < It->second.size(); ++I) {
      if (It->second[I] == '\n') {
        ++Line;
        Col = 1;
      } else {
        ++Col;
      }
    }
    return {Line, Col};
  }
  std::string line(const std::string &File, unsigned N) {
    auto *L = lines(File);
    return L && N >= 1 && N <= L->size() ? (*L)[N - 1] : std::string();
  }

private:
  std::map<std::string, std::vector<std::string>> Files;
  std::map<std::string, bool> Missing;
  std::map<std::string, std::string> Raw;
};

std::string relPath(const std::string &File, const std::string &Root) {
  if (!Root.empty() && File.compare(0, Root.size(), Root) == 0)
    return File.substr(Root.size());
  return File;
}

/// UTF-16 code units before byte column \p Col (1-based) of \p Line.
unsigned utf16Col(const std::string &Line, unsigned Col) {
  unsigned Units = 0;
  size_t I = 0, End = std::min<size_t>(Col - 1, Line.size());
  while (I < End) {
    unsigned char C = Line[I];
    size_t Len = C < 0x80 ? 1 : (C >> 5) == 6 ? 2 : (C >> 4) == 14 ? 3
                              : (C >> 3) == 30 ? 4 : 1;
    Units += Len == 4 ? 2 : 1;
    I += Len;
  }
  return Units + 1 + (Col - 1 > Line.size() ? Col - 1 - Line.size() : 0);
}

} // namespace

void writeText(std::ostream &OS, const RunResult &R, const ReportOptions &O) {
  SourceCache Src;
  auto Color = [&](const char *Code) -> std::string {
    return O.Color ? std::string("\033[") + Code + "m" : "";
  };
  const std::vector<FixFact> NoFixes;
  const std::vector<FixFact> *FixLines = &NoFixes;
  auto Emit = [&](const SourceLoc &L, const char *Kind, const char *KindColor,
                  const std::string &Msg, const std::string &Rule) {
    OS << Color("1") << relPath(L.File, O.SrcRoot) << ":" << L.Line << ":"
       << L.Col << ": " << Color(KindColor) << Kind << ": " << Color("0")
       << Color("1") << Msg;
    if (!Rule.empty())
      OS << " [" << Rule << "]";
    OS << Color("0") << "\n";
    std::string Line = Src.line(L.File, L.Line);
    if (Line.empty())
      return;
    // Clang 19's snippet layout, so both front ends print the same lines.
    std::string No = std::to_string(L.Line);
    size_t Width = std::max<size_t>(4, No.size());
    std::string Gutter = " " + std::string(Width, ' ') + " | ";
    OS << " " << std::string(Width - No.size(), ' ') << No << " | " << Line
       << "\n";
    std::string Caret;
    for (unsigned I = 1; I < L.Col && I <= Line.size(); ++I)
      Caret += Line[I - 1] == '\t' ? '\t' : ' ';
    Caret += '^';
    if (L.EndLine == L.Line && L.EndCol > L.Col + 1)
      Caret += std::string(L.EndCol - L.Col - 1, '~');
    OS << Gutter << Color("1;32") << Caret << Color("0") << "\n";
    for (const FixFact &Fx : *FixLines)
      if (Fx.File == L.File && Fx.Offset >= L.Offset - (L.Col - 1) &&
          Fx.Offset - (L.Offset - (L.Col - 1)) <= Line.size())
        OS << Gutter << Color("1;32")
           << std::string(Fx.Offset - (L.Offset - (L.Col - 1)), ' ')
           << Fx.Text << Color("0") << "\n";
  };
  for (const Finding &F : R.Findings) {
    if (F.Suppressed)
      continue;
    FixLines = &F.Fixes;
    Emit(F.At, "warning", "1;35", F.Message, F.Rule);
    FixLines = &NoFixes;
    for (const Note &N : F.Notes)
      Emit(N.At, "note", "1;30", N.Message, "");
  }
}

/// Pretty-printed JSON in the layout of nlohmann's dump(2), written straight
/// into a string: building a DOM per finding was most of the time of a large
/// report. Strings that need escaping go through nlohmann, so the escaping
/// (and the replacement of invalid UTF-8) is exactly its own.
class PrettyJson {
public:
  explicit PrettyJson(std::string &Out) : Out(Out) {}

  void string(const std::string &S) {
    for (unsigned char C : S)
      if (C < 0x20 || C == '"' || C == '\\' || C >= 0x80) {
        Out += nlohmann::json(S).dump(-1, ' ', false, Lossy);
        return;
      }
    Out += '"';
    Out += S;
    Out += '"';
  }
  void number(uint64_t N) { Out += std::to_string(N); }
  void boolean(bool B) { Out += B ? "true" : "false"; }

  /// {"key": value, ...}: \p Members calls key() before each value.
  template <typename Fn> void object(Fn Members) {
    open('{', Members);
  }
  /// [value, ...]: \p Items calls item() before each value.
  template <typename Fn> void array(Fn Items) { open('[', Items); }
  void key(const char *K) {
    next();
    Out += '"';
    Out += K;
    Out += "\": ";
  }
  void item() { next(); }

private:
  std::string &Out;
  unsigned Depth = 0;
  std::vector<bool> Empty; ///< Per open container: nothing in it yet.

  template <typename Fn> void open(char C, Fn Body) {
    Out += C;
    ++Depth;
    Empty.push_back(true);
    Body();
    --Depth;
    if (!Empty.back()) {
      Out += '\n';
      Out.append(2 * Depth, ' ');
    }
    Empty.pop_back();
    Out += C == '{' ? '}' : ']';
  }
  void next() {
    Out += Empty.back() ? "\n" : ",\n";
    Empty.back() = false;
    Out.append(2 * Depth, ' ');
  }
};

void writeJson(std::ostream &OS, const RunResult &R, const ReportOptions &O) {
  std::string Buf;
  PrettyJson J(Buf);
  auto Loc = [&](const SourceLoc &L) {
    J.object([&] {
      J.key("file");
      J.string(relPath(L.File, O.SrcRoot));
      J.key("line");
      J.number(L.Line);
      J.key("column");
      J.number(L.Col);
      J.key("end_line");
      J.number(L.EndLine);
      J.key("end_column");
      J.number(L.EndCol);
    });
  };
  auto Notes = [&](const std::vector<Note> &V) {
    J.array([&] {
      for (const Note &N : V) {
        J.item();
        J.object([&] {
          J.key("message");
          J.string(N.Message);
          J.key("location");
          Loc(N.At);
        });
      }
    });
  };
  // Flushed finding by finding, so the report is never whole in memory.
  auto Flush = [&] {
    OS.write(Buf.data(), Buf.size());
    Buf.clear();
  };
  J.object([&] {
    J.key("tool");
    J.string("blockwatch");
    J.key("version");
    J.string(BLOCKWATCH_VERSION);
    J.key("findings");
    J.array([&] {
      for (const Finding &F : R.Findings) {
        J.item();
        J.object([&] {
          J.key("rule");
          J.string(F.Rule);
          J.key("message");
          J.string(F.Message);
          J.key("location");
          Loc(F.At);
          J.key("function");
          J.string(F.Function);
          J.key("fingerprint");
          J.string(F.Fingerprint);
          J.key("suppressed");
          J.boolean(F.Suppressed);
          J.key("notes");
          Notes(F.Notes);
          J.key("flow");
          Notes(F.Flow);
          J.key("fixes");
          J.array([&] {
            for (const FixFact &Fx : F.Fixes) {
              J.item();
              J.object([&] {
                J.key("file");
                J.string(relPath(Fx.File, O.SrcRoot));
                J.key("offset");
                J.number(Fx.Offset);
                J.key("length");
                J.number(Fx.Length);
                J.key("replacement");
                J.string(Fx.Text);
                J.key("description");
                J.string(Fx.Description);
              });
            }
          });
        });
        Flush();
      }
    });
    J.key("errors");
    J.array([&] {
      for (const TuFailure &E : R.Failures) {
        J.item();
        J.object([&] {
          J.key("file");
          J.string(relPath(E.File, O.SrcRoot));
          J.key("message");
          J.string(E.Message);
        });
      }
    });
  });
  Buf += '\n';
  Flush();
}

void writeSarif(std::ostream &OS, const RunResult &R, const ReportOptions &O) {
  using nlohmann::ordered_json;
  SourceCache Src;
  std::string Home = BLOCKWATCH_HOMEPAGE;

  ordered_json Rules = ordered_json::array();
  std::map<std::string, size_t> RuleIndex;
  for (const RuleInfo &RI : allRules()) {
    RuleIndex[RI.Id] = Rules.size();
    std::string Md = std::string("**") + RI.Short + "**\n\n" + RI.Full +
                     "\n\nBad:\n\n```cpp\n" + RI.Bad +
                     "\n```\n\nGood:\n\n```cpp\n" + RI.Good + "\n```\n";
    std::string Text = std::string(RI.Full) + "\n\nBad:\n" + RI.Bad +
                       "\n\nGood:\n" + RI.Good + "\n";
    std::string Level =
        std::string(RI.Severity) == "error" ? "error" : "warning";
    Rules.push_back(
        {{"id", RI.Id},
         {"name", RI.Name},
         {"shortDescription", {{"text", RI.Short}}},
         {"fullDescription", {{"text", RI.Full}}},
         {"help", {{"text", Text}, {"markdown", Md}}},
         {"helpUri", Home + "/blob/main/docs/checks/" + RI.Id + ".md"},
         {"defaultConfiguration", {{"level", Level}}},
         {"properties",
          {{"tags", {"concurrency", "reliability"}},
           {"precision", RI.Precision},
           {"problem.severity", RI.Severity}}}});
  }

  auto PhysLoc = [&](const SourceLoc &L) {
    std::string Line = Src.line(L.File, L.Line);
    std::string EndLine =
        L.EndLine == L.Line ? Line : Src.line(L.File, L.EndLine);
    ordered_json Art;
    std::string Rel = relPath(L.File, O.SrcRoot);
    if (Rel != L.File) {
      Art = {{"uri", Rel}, {"uriBaseId", "%SRCROOT%"}};
    } else {
      Art = {{"uri", "file://" + L.File.str()}};
    }
    ordered_json Region = {{"startLine", L.Line},
                           {"startColumn", utf16Col(Line, L.Col)}};
    if (L.EndLine) {
      Region["endLine"] = L.EndLine;
      Region["endColumn"] = utf16Col(EndLine, L.EndCol);
    }
    return ordered_json{{"physicalLocation",
                         {{"artifactLocation", Art}, {"region", Region}}}};
  };

  // Code scanning maps results to files of the repository; a path outside
  // the source root would leak a machine path and map to nothing.
  auto Inside = [&](const SourceLoc &L) {
    return relPath(L.File, O.SrcRoot) != L.File;
  };
  size_t Outside = 0;
  ordered_json Results = ordered_json::array();
  for (const Finding &F : R.Findings) {
    if (!Inside(F.At)) {
      ++Outside;
      continue;
    }
    const RuleInfo *RI = nullptr;
    for (const RuleInfo &X : allRules())
      if (F.Rule == X.Id)
        RI = &X;
    ordered_json Res = {
        {"ruleId", F.Rule},
        {"ruleIndex", RuleIndex[F.Rule]},
        {"level",
         RI && std::string(RI->Severity) == "error" ? "error" : "warning"},
        {"message", {{"text", F.Message}}},
        {"locations", ordered_json::array({PhysLoc(F.At)})}};
    // Stable under edits elsewhere in the file (PostProcess.cpp), in code
    // scanning's 'hash:occurrence' form so upload-sarif keeps ours.
    if (!F.Fingerprint.empty())
      Res["partialFingerprints"] = {
          {"primaryLocationLineHash", F.Fingerprint}};
    if (F.Suppressed)
      Res["suppressions"] = ordered_json::array(
          {{{"kind", "inSource"},
            {"justification", "NOLINT comment in the source"}}});
    if (R.Baselined)
      Res["baselineState"] = "new";
    if (!F.Notes.empty()) {
      ordered_json Rel = ordered_json::array();
      unsigned Id = 1;
      for (const Note &N : F.Notes) {
        if (!Inside(N.At))
          continue;
        ordered_json L = PhysLoc(N.At);
        L["id"] = Id++;
        L["message"] = {{"text", N.Message}};
        Rel.push_back(L);
      }
      Res["relatedLocations"] = Rel;
    }
    if (!F.Flow.empty()) {
      ordered_json Locs = ordered_json::array();
      for (const Note &N : F.Flow) {
        if (!Inside(N.At))
          continue;
        ordered_json L = PhysLoc(N.At);
        L["message"] = {{"text", N.Message}};
        Locs.push_back({{"location", L}});
      }
      Res["codeFlows"] = ordered_json::array(
          {{{"threadFlows", ordered_json::array({{{"locations", Locs}}})}}});
    }
    if (!F.Fixes.empty()) {
      // One artifactChange per file (SARIF 3.55.3), replacements in order.
      std::map<std::string, ordered_json> ByFile;
      std::vector<std::string> FileOrder;
      for (const FixFact &Fx : F.Fixes) {
        // Text replacements need a text region (SARIF 3.57.2): lines and
        // columns in the run's columnKind.
        SourceLoc FL;
        FL.File = Fx.File;
        auto [BL, BC] = Src.lineCol(Fx.File, Fx.Offset);
        auto [EL, EC] = Src.lineCol(Fx.File, Fx.Offset + Fx.Length);
        FL.Line = BL;
        FL.Col = BC;
        FL.EndLine = EL;
        FL.EndCol = EC;
        ordered_json Phys = PhysLoc(FL)["physicalLocation"];
        auto [It, New] = ByFile.emplace(
            Fx.File, ordered_json{{"artifactLocation", Phys["artifactLocation"]},
                                  {"replacements", ordered_json::array()}});
        if (New)
          FileOrder.push_back(Fx.File);
        It->second["replacements"].push_back(
            {{"deletedRegion", Phys["region"]},
             {"insertedContent", {{"text", Fx.Text}}}});
      }
      ordered_json Changes = ordered_json::array();
      for (const auto &File : FileOrder)
        Changes.push_back(ByFile[File]);
      Res["fixes"] = ordered_json::array(
          {{{"description", {{"text", F.Fixes.front().Description}}},
            {"artifactChanges", Changes}}});
    }
    Results.push_back(Res);
  }

  ordered_json Notifications = ordered_json::array();
  for (const TuFailure &E : R.Failures) {
    SourceLoc L;
    L.File = E.File;
    ordered_json Loc = PhysLoc(L);
    Loc["physicalLocation"].erase("region");
    Notifications.push_back({{"level", "error"},
                             {"message", {{"text", E.Message}}},
                             {"locations", ordered_json::array({Loc})}});
  }
  if (Outside)
    Notifications.push_back(
        {{"level", "warning"},
         {"message",
          {{"text", std::to_string(Outside) +
                        " finding(s) in files outside the source root were "
                        "left out; pass --srcroot to include them"}}}});
  ordered_json Invocation = {{"executionSuccessful", R.Failures.empty()}};
  if (!Notifications.empty())
    Invocation["toolExecutionNotifications"] = Notifications;

  ordered_json Run = {
      {"tool",
       {{"driver",
         {{"name", "blockwatch"},
          {"version", BLOCKWATCH_VERSION},
          {"semanticVersion", BLOCKWATCH_VERSION},
          {"informationUri", Home},
          {"rules", Rules}}}}},
      {"invocations", ordered_json::array({Invocation})},
      {"originalUriBaseIds",
       {{"%SRCROOT%", {{"uri", "file://" + O.SrcRoot}}}}},
      {"columnKind", "utf16CodeUnits"},
      {"results", Results}};
  ordered_json Doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", ordered_json::array({Run})}};
  OS << Doc.dump(2, ' ', false, Lossy) << "\n";
}

} // namespace blockwatch
