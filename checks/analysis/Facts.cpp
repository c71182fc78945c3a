//===- Facts.cpp - JSON form of facts -------------------------------------===//
#include "Facts.h"
#include "LocatedJson.h"

#include <nlohmann/json.hpp>
#include <climits>
#include <stdexcept>
#include <string_view>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace blockwatch {

const std::string &FileName::empty_() {
  static const std::string Empty;
  return Empty;
}

const std::string *FileName::intern(std::string_view Name) {
  if (Name.empty())
    return &empty_();
  // Each thread asks its own table first: the driver's workers and the merge
  // readers make locations in parallel, nearly always in files seen before.
  thread_local std::unordered_map<std::string_view, const std::string *> Seen;
  auto It = Seen.find(Name);
  if (It != Seen.end())
    return It->second;
  static std::mutex Mu;
  // Never freed: FileNames may live in statics and thread-locals until exit.
  static auto *Table = new std::unordered_set<std::string>();
  const std::string *S;
  {
    std::lock_guard<std::mutex> Lock(Mu);
    S = &*Table->emplace(Name).first;
  }
  Seen.emplace(*S, S);
  return S;
}

bool SourceLoc::operator<(const SourceLoc &O) const {
  return std::tie(File, Line, Col, EndLine, EndCol) <
         std::tie(O.File, O.Line, O.Col, O.EndLine, O.EndCol);
}
bool SourceLoc::operator==(const SourceLoc &O) const {
  return std::tie(File, Line, Col, EndLine, EndCol) ==
         std::tie(O.File, O.Line, O.Col, O.EndLine, O.EndCol);
}

using nlohmann::json;

static json locJson(const SourceLoc &L) {
  return json::array({L.File.str(), L.Line, L.Col, L.EndLine, L.EndCol, L.Offset,
                      L.EndOffset});
}
static json lockJson(const HeldLock &H) {
  return {{"id", H.Id},
          {"shared", H.Shared},
          {"recursive", H.Recursive},
          {"at", locJson(H.AcquiredAt)},
          {"instance", H.Instance},
          {"param", H.Param}};
}
static json locksJson(const std::vector<HeldLock> &V) {
  json A = json::array();
  for (const auto &H : V)
    A.push_back(lockJson(H));
  return A;
}
static json fixJson(const FixFact &F) {
  return {{"file", F.File},
          {"offset", F.Offset},
          {"length", F.Length},
          {"text", F.Text},
          {"description", F.Description}};
}
void to_json(json &J, const ChannelFacts &F) {
  J = {{"channels", json::array()}, {"ops", json::array()},
       {"escapes", json::array()}};
  for (const auto &C : F.Channels) {
    json Fix = json::array();
    for (const auto &X : C.GrowFix)
      Fix.push_back(fixJson(X));
    J["channels"].push_back({{"key", C.Key}, {"name", C.Name},
                             {"type", C.Type},
                             {"task", C.Task}, {"holds", C.Holds},
                             {"at", locJson(C.At)}, {"grow_fix", Fix},
                             {"grow_pow2", C.GrowPowerOfTwo},
                             {"grow_one_less", C.GrowHoldsOneLess}});
  }
  for (const auto &O : F.Ops)
    J["ops"].push_back({{"key", O.Key}, {"op", O.Op}, {"method", O.Method},
                        {"blocking", O.Blocking}, {"in_loop", O.InLoop},
                        {"order", O.Order}, {"at", locJson(O.At)},
                        {"sends_before", O.SendsBefore},
                        {"receives_before", O.ReceivesBefore},
                        {"any_send_before", O.AnySendBefore},
                        {"closed_before", O.ClosedBefore},
                        {"opaque_before", O.OpaqueBefore},
                        {"spawned_before", O.SpawnedBefore}});
  for (const auto &E : F.Escapes)
    J["escapes"].push_back({{"key", E.Key}, {"target", E.Target},
                            {"order", E.Order}, {"at", locJson(E.At)}});
}

void to_json(json &J, const TuFacts &F) {
  json Fns = json::array();
  for (const auto &Fn : F.Functions) {
    json JF = {{"usr", Fn.Usr},
               {"name", Fn.Name},
               {"at", locJson(Fn.At)},
               {"body", Fn.HasBody},
               {"extern_c", Fn.ExternC},
               {"system", Fn.InSystemHeader},
               {"foreign_api", Fn.ForeignApi}};
    if (!Fn.EntryContext.empty()) {
      JF["entry"] = Fn.EntryContext;
      JF["entry_reason"] = Fn.EntryReason;
    }
    json Calls = json::array();
    for (const auto &C : Fn.Calls) {
      json Args = json::array();
      for (const auto &A : C.ArgLocks)
        Args.push_back(json::array({A.Index, A.Id, A.Instance}));
      json Fds = json::array();
      for (const auto &A : C.FdArgs) {
        json Via = json::array();
        for (const auto &[U, I] : A.ViaCalls)
          Via.push_back(json::array({U, I}));
        Fds.push_back(json::array(
            {A.Index, A.Key, A.KnownSocket, A.Bounded, A.Param, Via}));
      }
      Calls.push_back({{"callee", C.Callee},
                       {"name", C.CalleeName},
                       {"at", locJson(C.At)},
                       {"held", locksJson(C.Held)},
                       {"this_call", C.ThisCall},
                       {"arg_locks", Args},
                       {"fd_args", Fds}});
    }
    json Blocks = json::array();
    for (const auto &B : Fn.Blocking) {
      json Fixes = json::array();
      for (const auto &CF : B.Fixes) {
        json Edits = json::array();
        for (const auto &E : CF.Edits)
          Edits.push_back(fixJson(E));
        Fixes.push_back(
            {{"context", CF.Context}, {"direct", CF.Direct}, {"edits", Edits}});
      }
      Blocks.push_back({{"api", B.Api},
                        {"kind", B.Kind},
                        {"alternative", B.Alternative},
                        {"releases", B.ReleasesLock},
                        {"only_in", B.OnlyIn},
                        {"at", locJson(B.At)},
                        {"held", locksJson(B.Held)},
                        {"fixes", Fixes}});
    }
    json Susp = json::array();
    for (const auto &S : Fn.Suspends)
      Susp.push_back(
          {{"what", S.What}, {"at", locJson(S.At)}, {"held", locksJson(S.Held)}});
    json Acq = json::array();
    for (const auto &A : Fn.Acquires) {
      json Fix = json::array();
      for (const auto &F : A.MergeFix)
        Fix.push_back(fixJson(F));
      Acq.push_back({{"lock", lockJson(A.Lock)},
                     {"try", A.Try},
                     {"blocks_thread", A.BlocksThread},
                     {"held", locksJson(A.Held)},
                     {"at", locJson(A.At)},
                     {"merge_with", A.MergeWith},
                     {"merge_fix", Fix}});
    }
    json Sp = json::array();
    for (const auto &S : Fn.Spawns)
      Sp.push_back({{"target", S.Target},
                    {"target_name", S.TargetName},
                    {"context", S.Context},
                    {"via", S.Via},
                    {"at", locJson(S.At)}});
    JF["calls"] = Calls;
    JF["blocking"] = Blocks;
    JF["suspends"] = Susp;
    JF["acquires"] = Acq;
    JF["spawns"] = Sp;
    if (!Fn.Channels.empty())
      JF["channels"] = Fn.Channels;
    json Reads = json::array();
    for (const auto &R : Fn.Reads) {
      json Via = json::array();
      for (const auto &[U, I] : R.ViaCalls)
        Via.push_back(json::array({U, I}));
      json Fix = json::array();
      for (const auto &F : R.Fixes)
        Fix.push_back(fixJson(F));
      Reads.push_back({{"api", R.Api},
                       {"mode", R.Mode},
                       {"family", R.Family},
                       {"fd", R.Fd},
                       {"key", R.Key},
                       {"known_socket", R.KnownSocket},
                       {"param", R.Param},
                       {"bounded", R.Bounded},
                       {"via", Via},
                       {"at", locJson(R.At)},
                       {"fixes", Fix}});
    }
    JF["reads"] = Reads;
    json DPC = json::array();
    for (const auto &[P, C] : Fn.DeadlineParamCalls)
      DPC.push_back(json::array({P, C.first, C.second}));
    JF["deadline_params"] = Fn.DeadlineParams;
    JF["deadline_param_calls"] = DPC;
    JF["deadline_members"] = Fn.DeadlineMembers;
    Fns.push_back(JF);
  }
  json Orders = json::array();
  for (const auto &O : F.Orders)
    Orders.push_back(json::array({O.First, O.Second, locJson(O.At)}));
  J = {{"blockwatch_facts", TuFacts::Version},
       {"orders", Orders},
       {"main_file", F.MainFile},
       {"rules", F.RulesDigest},
       {"functions", Fns}};
}

namespace {

/// A pull reader for the facts documents to_json writes: it builds the facts
/// as it scans, without a JSON DOM, which made reading most of a merge's
/// time. Unknown keys are skipped; anything that is not JSON of the expected
/// shape throws std::runtime_error with the byte offset.
class FactsReader {
public:
  explicit FactsReader(std::string_view Text)
      : Begin(Text.data()), P(Text.data()), End(Text.data() + Text.size()) {}

  void document(TuFacts &F) {
    F = TuFacts();
    bool Versioned = false;
    object([&](std::string_view K) {
      if (K == "blockwatch_facts") {
        long long V = integer(INT_MIN, INT_MAX);
        if (V != TuFacts::Version)
          throw std::runtime_error("facts version " + std::to_string(V) +
                                   " is not supported (expected " +
                                   std::to_string(TuFacts::Version) + ")");
        Versioned = true;
      } else if (K == "main_file") {
        str(F.MainFile);
      } else if (K == "rules") {
        str(F.RulesDigest);
      } else if (K == "orders") {
        array([&] {
          DeclaredOrder O;
          expect('[');
          str(O.First);
          expect(',');
          str(O.Second);
          expect(',');
          loc(O.At);
          expect(']');
          F.Orders.push_back(std::move(O));
        });
      } else if (K == "functions") {
        array([&] { function(F.Functions.emplace_back()); });
      } else {
        skip();
      }
    });
    ws();
    if (P != End)
      fail("text after the document");
    if (!Versioned)
      throw std::runtime_error("not a blockwatch facts document");
  }

private:
  const char *Begin, *P, *End;
  std::string Key; ///< Storage for a key that had escapes.
  std::string Scratch;

  [[noreturn]] void fail(const std::string &What) {
    throw std::runtime_error("malformed facts at byte " +
                             std::to_string(P - Begin) + ": " + What);
  }
  void ws() {
    while (P < End && (*P == ' ' || *P == '\n' || *P == '\r' || *P == '\t'))
      ++P;
  }
  bool next(char C) {
    ws();
    if (P < End && *P == C) {
      ++P;
      return true;
    }
    return false;
  }
  void expect(char C) {
    if (!next(C))
      fail(std::string("expected '") + C + "'");
  }
  template <typename Fn> void array(Fn Each) {
    expect('[');
    if (next(']'))
      return;
    do
      Each();
    while (next(','));
    expect(']');
  }
  template <typename Fn> void object(Fn Field) {
    expect('{');
    if (next('}'))
      return;
    do {
      std::string_view K = key();
      expect(':');
      Field(K);
    } while (next(','));
    expect('}');
  }
  std::string_view key() {
    ws();
    if (P >= End || *P != '"')
      fail("expected a key");
    const char *Start = P + 1;
    for (const char *Q = Start; Q < End; ++Q) {
      if (*Q == '\\')
        break;
      if (*Q == '"') {
        P = Q + 1;
        return std::string_view(Start, Q - Start);
      }
    }
    str(Key);
    return Key;
  }
  void str(std::string &Out) {
    ws();
    if (P >= End || *P != '"')
      fail("expected a string");
    ++P;
    Out.clear();
    while (true) {
      const char *Run = P;
      while (P < End && *P != '"' && *P != '\\' &&
             static_cast<unsigned char>(*P) >= 0x20)
        ++P;
      Out.append(Run, P);
      if (P >= End)
        fail("unterminated string");
      if (*P == '"') {
        ++P;
        return;
      }
      if (*P != '\\')
        fail("control character in a string");
      size_t I = P + 1 - Begin;
      const char *Error =
          decodeJsonEscape(std::string_view(Begin, End - Begin), I, Out);
      P = Begin + I;
      if (Error)
        fail(Error);
    }
  }
  std::string str() {
    std::string S;
    str(S);
    return S;
  }
  long long integer(long long Min, long long Max) {
    ws();
    bool Neg = P < End && *P == '-';
    if (Neg)
      ++P;
    if (P >= End || *P < '0' || *P > '9')
      fail("expected an integer");
    long long V = 0;
    while (P < End && *P >= '0' && *P <= '9') {
      if (V > (LLONG_MAX - 9) / 10)
        fail("integer out of range");
      V = V * 10 + (*P++ - '0');
    }
    if (P < End && (*P == '.' || *P == 'e' || *P == 'E'))
      fail("expected an integer");
    if (Neg)
      V = -V;
    if (V < Min || V > Max)
      fail("integer out of range");
    return V;
  }
  unsigned uns() { return integer(0, UINT_MAX); }
  int sint() { return integer(INT_MIN, INT_MAX); }
  bool boolean() {
    ws();
    if (End - P >= 4 && std::string_view(P, 4) == "true") {
      P += 4;
      return true;
    }
    if (End - P >= 5 && std::string_view(P, 5) == "false") {
      P += 5;
      return false;
    }
    fail("expected true or false");
  }
  /// Any value, unread. Depth-limited: facts nest a few levels only.
  void skip(unsigned Depth = 0) {
    if (Depth > 64)
      fail("nested too deeply");
    ws();
    if (P >= End)
      fail("expected a value");
    switch (*P) {
    case '{':
      object([&](std::string_view) { skip(Depth + 1); });
      return;
    case '[':
      array([&] { skip(Depth + 1); });
      return;
    case '"':
      str(Key);
      return;
    case 't':
    case 'f':
      boolean();
      return;
    case 'n':
      if (End - P >= 4 && std::string_view(P, 4) == "null") {
        P += 4;
        return;
      }
      fail("expected a value");
    default:
      integer(LLONG_MIN / 2, LLONG_MAX / 2);
    }
  }

  void loc(SourceLoc &L) {
    expect('[');
    str(Scratch);
    L.File = Scratch;
    unsigned *Fields[] = {&L.Line,   &L.Col,    &L.EndLine,  &L.EndCol,
                          &L.Offset, &L.EndOffset};
    for (unsigned *F : Fields) {
      if (!next(','))
        fail("malformed location");
      *F = uns();
    }
    if (!next(']'))
      fail("malformed location");
  }
  void lock(HeldLock &H) {
    object([&](std::string_view K) {
      if (K == "id") str(H.Id);
      else if (K == "shared") H.Shared = boolean();
      else if (K == "recursive") H.Recursive = boolean();
      else if (K == "at") loc(H.AcquiredAt);
      else if (K == "instance") str(H.Instance);
      else if (K == "param") H.Param = sint();
      else skip();
    });
  }
  void locks(std::vector<HeldLock> &V) {
    array([&] { lock(V.emplace_back()); });
  }
  void fix(FixFact &F) {
    object([&](std::string_view K) {
      if (K == "file") str(F.File);
      else if (K == "offset") F.Offset = uns();
      else if (K == "length") F.Length = uns();
      else if (K == "text") str(F.Text);
      else if (K == "description") str(F.Description);
      else skip();
    });
  }
  template <typename Vec> void fixes(Vec &V) {
    array([&] { fix(V.emplace_back()); });
  }
  template <typename Vec> void strings(Vec &V) {
    array([&] { str(V.emplace_back()); });
  }
  /// [[usr, argument], ...]
  void viaCalls(std::vector<std::pair<std::string, int>> &V) {
    array([&] {
      auto &E = V.emplace_back();
      expect('[');
      str(E.first);
      expect(',');
      E.second = sint();
      expect(']');
    });
  }

  void call(CallFact &C) {
    object([&](std::string_view K) {
      if (K == "callee") str(C.Callee);
      else if (K == "name") str(C.CalleeName);
      else if (K == "at") loc(C.At);
      else if (K == "held") locks(C.Held);
      else if (K == "this_call") C.ThisCall = boolean();
      else if (K == "arg_locks")
        array([&] {
          ArgLock &A = C.ArgLocks.emplace_back();
          expect('[');
          A.Index = sint();
          expect(',');
          str(A.Id);
          expect(',');
          str(A.Instance);
          expect(']');
        });
      else if (K == "fd_args")
        array([&] {
          FdArg &A = C.FdArgs.emplace_back();
          expect('[');
          A.Index = sint();
          expect(',');
          str(A.Key);
          expect(',');
          A.KnownSocket = boolean();
          expect(',');
          A.Bounded = boolean();
          expect(',');
          A.Param = sint();
          expect(',');
          viaCalls(A.ViaCalls);
          expect(']');
        });
      else skip();
    });
  }
  void blocking(BlockingFact &B) {
    object([&](std::string_view K) {
      if (K == "api") str(B.Api);
      else if (K == "kind") str(B.Kind);
      else if (K == "alternative") str(B.Alternative);
      else if (K == "releases") str(B.ReleasesLock);
      else if (K == "only_in") strings(B.OnlyIn);
      else if (K == "at") loc(B.At);
      else if (K == "held") locks(B.Held);
      else if (K == "fixes")
        array([&] {
          auto &CF = B.Fixes.emplace_back();
          object([&](std::string_view K2) {
            if (K2 == "context") str(CF.Context);
            else if (K2 == "direct") CF.Direct = boolean();
            else if (K2 == "edits") fixes(CF.Edits);
            else skip();
          });
        });
      else skip();
    });
  }
  void acquire(AcquireFact &A) {
    object([&](std::string_view K) {
      if (K == "lock") lock(A.Lock);
      else if (K == "try") A.Try = boolean();
      else if (K == "blocks_thread") A.BlocksThread = boolean();
      else if (K == "held") locks(A.Held);
      else if (K == "at") loc(A.At);
      else if (K == "merge_with") str(A.MergeWith);
      else if (K == "merge_fix") fixes(A.MergeFix);
      else skip();
    });
  }
  void read(ReadFact &R) {
    object([&](std::string_view K) {
      if (K == "api") str(R.Api);
      else if (K == "mode") str(R.Mode);
      else if (K == "family") str(R.Family);
      else if (K == "fd") str(R.Fd);
      else if (K == "key") str(R.Key);
      else if (K == "known_socket") R.KnownSocket = boolean();
      else if (K == "param") R.Param = sint();
      else if (K == "bounded") R.Bounded = boolean();
      else if (K == "via") viaCalls(R.ViaCalls);
      else if (K == "at") loc(R.At);
      else if (K == "fixes") fixes(R.Fixes);
      else skip();
    });
  }
  void channels(ChannelFacts &F) {
    object([&](std::string_view K) {
      if (K == "channels")
        array([&] {
          ChannelFact &C = F.Channels.emplace_back();
          object([&](std::string_view K2) {
            if (K2 == "key") str(C.Key);
            else if (K2 == "name") str(C.Name);
            else if (K2 == "type") str(C.Type);
            else if (K2 == "task") str(C.Task);
            else if (K2 == "holds") C.Holds = integer(LLONG_MIN / 2, LLONG_MAX / 2);
            else if (K2 == "at") loc(C.At);
            else if (K2 == "grow_fix") fixes(C.GrowFix);
            else if (K2 == "grow_pow2") C.GrowPowerOfTwo = boolean();
            else if (K2 == "grow_one_less") C.GrowHoldsOneLess = boolean();
            else skip();
          });
        });
      else if (K == "ops")
        array([&] {
          ChannelOpFact &O = F.Ops.emplace_back();
          object([&](std::string_view K2) {
            if (K2 == "key") str(O.Key);
            else if (K2 == "op") str(O.Op);
            else if (K2 == "method") str(O.Method);
            else if (K2 == "blocking") O.Blocking = boolean();
            else if (K2 == "in_loop") O.InLoop = boolean();
            else if (K2 == "order") O.Order = uns();
            else if (K2 == "at") loc(O.At);
            else if (K2 == "sends_before") O.SendsBefore = uns();
            else if (K2 == "receives_before") O.ReceivesBefore = uns();
            else if (K2 == "any_send_before") O.AnySendBefore = boolean();
            else if (K2 == "closed_before") O.ClosedBefore = boolean();
            else if (K2 == "opaque_before") O.OpaqueBefore = boolean();
            else if (K2 == "spawned_before") strings(O.SpawnedBefore);
            else skip();
          });
        });
      else if (K == "escapes")
        array([&] {
          ChannelEscapeFact &E = F.Escapes.emplace_back();
          object([&](std::string_view K2) {
            if (K2 == "key") str(E.Key);
            else if (K2 == "target") str(E.Target);
            else if (K2 == "order") E.Order = uns();
            else if (K2 == "at") loc(E.At);
            else skip();
          });
        });
      else skip();
    });
  }

  void function(FunctionFact &Fn) {
    object([&](std::string_view K) {
      if (K == "usr") str(Fn.Usr);
      else if (K == "name") str(Fn.Name);
      else if (K == "at") loc(Fn.At);
      else if (K == "body") Fn.HasBody = boolean();
      else if (K == "extern_c") Fn.ExternC = boolean();
      else if (K == "system") Fn.InSystemHeader = boolean();
      else if (K == "foreign_api") Fn.ForeignApi = boolean();
      else if (K == "entry") str(Fn.EntryContext);
      else if (K == "entry_reason") str(Fn.EntryReason);
      else if (K == "calls") array([&] { call(Fn.Calls.emplace_back()); });
      else if (K == "blocking") array([&] { blocking(Fn.Blocking.emplace_back()); });
      else if (K == "suspends")
        array([&] {
          SuspendFact &S = Fn.Suspends.emplace_back();
          object([&](std::string_view K2) {
            if (K2 == "what") str(S.What);
            else if (K2 == "at") loc(S.At);
            else if (K2 == "held") locks(S.Held);
            else skip();
          });
        });
      else if (K == "acquires") array([&] { acquire(Fn.Acquires.emplace_back()); });
      else if (K == "spawns")
        array([&] {
          SpawnFact &S = Fn.Spawns.emplace_back();
          object([&](std::string_view K2) {
            if (K2 == "target") str(S.Target);
            else if (K2 == "target_name") str(S.TargetName);
            else if (K2 == "context") str(S.Context);
            else if (K2 == "via") str(S.Via);
            else if (K2 == "at") loc(S.At);
            else skip();
          });
        });
      else if (K == "channels") channels(Fn.Channels);
      else if (K == "reads") array([&] { read(Fn.Reads.emplace_back()); });
      else if (K == "deadline_params")
        array([&] { Fn.DeadlineParams.push_back(sint()); });
      else if (K == "deadline_param_calls")
        array([&] {
          auto &D = Fn.DeadlineParamCalls.emplace_back();
          expect('[');
          D.first = sint();
          expect(',');
          str(D.second.first);
          expect(',');
          D.second.second = sint();
          expect(']');
        });
      else if (K == "deadline_members") strings(Fn.DeadlineMembers);
      else skip();
    });
  }
};

} // namespace

void readFacts(std::string_view Text, TuFacts &F) {
  FactsReader(Text).document(F);
}

} // namespace blockwatch
