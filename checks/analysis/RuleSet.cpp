//===- RuleSet.cpp - strict loader for rule packs -------------------------===//
#include "RuleSet.h"
#include "LocatedJson.h"
#include "StableHash.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Regex.h"

#include <cstdint>
#include <set>

namespace blockwatch {

namespace {
struct BuiltinPack {
  const char *Name;
  const char *Text;
};
const BuiltinPack BuiltinPacks[] = {
#include "BuiltinRules.inc"
};

const std::set<std::string> BlockingKinds = {
    "sleep",     "socket-io",   "file-io", "dns",     "lock-wait",
    "condition-wait", "join",   "future-wait", "process", "sync-rpc",
    "io-wait",   "ipc"};
const std::set<std::string> LockOps = {
    "lock",   "unlock",          "try_lock", "lock_shared",
    "unlock_shared", "try_lock_shared", "release"};

const std::map<std::string, std::string> DefaultMutexMethods = {
    {"lock", "lock"},
    {"unlock", "unlock"},
    {"try_lock", "try_lock"},
    {"try_lock_for", "try_lock"},
    {"try_lock_until", "try_lock"},
    {"lock_shared", "lock_shared"},
    {"unlock_shared", "unlock_shared"},
    {"try_lock_shared", "try_lock_shared"},
    {"try_lock_shared_for", "try_lock_shared"},
    {"try_lock_shared_until", "try_lock_shared"}};
const std::map<std::string, std::string> DefaultGuardMethods = {
    {"lock", "lock"},         {"unlock", "unlock"},
    {"try_lock", "try_lock"}, {"try_lock_for", "try_lock"},
    {"try_lock_until", "try_lock"}, {"release", "release"}};

bool validQualifiedName(const std::string &N) {
  if (N.size() < 3 || N.compare(0, 2, "::") != 0)
    return false;
  size_t I = 2;
  while (true) {
    size_t Start = I;
    while (I < N.size() && (isalnum(static_cast<unsigned char>(N[I])) ||
                            N[I] == '_' || N[I] == '~'))
      ++I;
    if (I == Start)
      return false;
    if (I == N.size())
      return true;
    if (N.compare(I, 2, "::") != 0)
      return false;
    I += 2;
  }
}

/// Validates one pack against the schema, reporting errors with positions.
class PackReader {
public:
  PackReader(const std::string &File, const LocatedJson &Doc,
             std::vector<std::string> &Errors)
      : File(File), Doc(Doc), Errors(Errors) {}

  void error(const std::string &Ptr, const std::string &Msg, bool AtKey) {
    TextPos P = AtKey ? Doc.keyPos(Ptr) : Doc.valuePos(Ptr);
    Errors.push_back(File + ":" + std::to_string(P.Line) + ":" +
                     std::to_string(P.Col) + ": error: " + Msg);
  }

  Origin origin(const std::string &Ptr) {
    return Origin{File, Doc.valuePos(Ptr).Line};
  }

  /// Checks that \p Obj (at \p Ptr) is an object whose keys are all in
  /// \p Allowed and that \p Required are present.
  bool checkObject(const nlohmann::json &Obj, const std::string &Ptr,
                   const std::string &What, const std::set<std::string> &Allowed,
                   const std::set<std::string> &Required) {
    if (!Obj.is_object()) {
      error(Ptr, What + " must be an object", false);
      return false;
    }
    bool Ok = true;
    for (auto It = Obj.begin(); It != Obj.end(); ++It) {
      if (!Allowed.count(It.key())) {
        std::string List;
        for (const auto &A : Allowed)
          List += (List.empty() ? "" : ", ") + A;
        error(Ptr + "/" + jsonPointerEscape(It.key()),
              "unknown key '" + It.key() + "' in " + What + " (expected one of: " +
                  List + ")",
              true);
        Ok = false;
      }
    }
    for (const auto &R : Required)
      if (!Obj.contains(R)) {
        error(Ptr, What + " is missing required key '" + R + "'", false);
        Ok = false;
      }
    return Ok;
  }

  bool getString(const nlohmann::json &Obj, const std::string &Ptr,
                 const std::string &Key, std::string &Out) {
    if (!Obj.contains(Key))
      return true;
    const auto &V = Obj[Key];
    if (!V.is_string()) {
      error(Ptr + "/" + Key, "'" + Key + "' must be a string", false);
      return false;
    }
    Out = V.get<std::string>();
    return true;
  }

  bool getBool(const nlohmann::json &Obj, const std::string &Ptr,
               const std::string &Key, bool &Out) {
    if (!Obj.contains(Key))
      return true;
    const auto &V = Obj[Key];
    if (!V.is_boolean()) {
      error(Ptr + "/" + Key, "'" + Key + "' must be true or false", false);
      return false;
    }
    Out = V.get<bool>();
    return true;
  }

  bool getInt(const nlohmann::json &Obj, const std::string &Ptr,
              const std::string &Key, long long &Out) {
    if (!Obj.contains(Key))
      return true;
    const auto &V = Obj[Key];
    if (!V.is_number_integer()) {
      error(Ptr + "/" + Key, "'" + Key + "' must be an integer", false);
      return false;
    }
    Out = V.get<long long>();
    return true;
  }

  /// Reads exactly one of \p Key (a qualified name) or \p Key_regex.
  bool getPattern(const nlohmann::json &Obj, const std::string &Ptr,
                  const std::string &Key, NamePattern &Out) {
    std::string RegexKey = Key + "_regex";
    bool HasExact = Obj.contains(Key), HasRegex = Obj.contains(RegexKey);
    if (HasExact == HasRegex) {
      error(Ptr, "exactly one of '" + Key + "' and '" + RegexKey +
                     "' is required",
            false);
      return false;
    }
    if (HasExact) {
      if (!getString(Obj, Ptr, Key, Out.Exact))
        return false;
      if (!validQualifiedName(Out.Exact)) {
        error(Ptr + "/" + Key,
              "malformed qualified name '" + Out.Exact +
                  "' (expected '::ns::name', starting with '::')",
              false);
        return false;
      }
      return true;
    }
    if (!getString(Obj, Ptr, RegexKey, Out.RegexText))
      return false;
    std::string Why;
    Out.Regex = compileBoundedRegex(Out.RegexText, Why);
    if (!Out.Regex) {
      error(Ptr + "/" + RegexKey, Why, false);
      return false;
    }
    Out.Required = requiredLiteral(Out.RegexText);
    if (literalAlternatives(Out.RegexText, Out.Names)) {
      std::sort(Out.Names.begin(), Out.Names.end());
      Out.Names.erase(std::unique(Out.Names.begin(), Out.Names.end()),
                      Out.Names.end());
    }
    return true;
  }

  bool getConditions(const nlohmann::json &Obj, const std::string &Ptr,
                     const std::string &Key, std::vector<ArgCondition> &Out) {
    if (!Obj.contains(Key))
      return true;
    const auto &Arr = Obj[Key];
    std::string APtr = Ptr + "/" + Key;
    if (!Arr.is_array()) {
      error(APtr, "'" + Key + "' must be an array of argument conditions",
            false);
      return false;
    }
    bool Ok = true;
    for (size_t I = 0; I < Arr.size(); ++I) {
      std::string CPtr = APtr + "/" + std::to_string(I);
      const auto &C = Arr[I];
      if (!checkObject(C, CPtr, "argument condition",
                       {"arg", "equals", "has_flag", "type_regex", "missing",
                        "duration_below_ns"},
                       {"arg"})) {
        Ok = false;
        continue;
      }
      ArgCondition AC;
      long long Arg = 0;
      Ok &= getInt(C, CPtr, "arg", Arg);
      AC.Arg = static_cast<int>(Arg);
      int Forms = C.contains("equals") + C.contains("has_flag") +
                  C.contains("type_regex") + C.contains("missing") +
                  C.contains("duration_below_ns");
      if (Forms != 1) {
        error(CPtr,
              "an argument condition needs exactly one of 'equals', "
              "'has_flag', 'type_regex', 'missing', 'duration_below_ns'",
              false);
        Ok = false;
        continue;
      }
      if (C.contains("equals")) {
        AC.K = ArgCondition::Equals;
        Ok &= getInt(C, CPtr, "equals", AC.Value);
      } else if (C.contains("has_flag")) {
        AC.K = ArgCondition::HasFlag;
        Ok &= getInt(C, CPtr, "has_flag", AC.Value);
      } else if (C.contains("duration_below_ns")) {
        AC.K = ArgCondition::DurationBelow;
        Ok &= getInt(C, CPtr, "duration_below_ns", AC.Value);
        if (AC.Value <= 0) {
          error(CPtr + "/duration_below_ns",
                "'duration_below_ns' must be a positive number of nanoseconds",
                false);
          Ok = false;
        }
      } else if (C.contains("missing")) {
        AC.K = ArgCondition::Missing;
        bool B = false;
        Ok &= getBool(C, CPtr, "missing", B);
        if (!B) {
          error(CPtr + "/missing",
                "'missing' can only be true (omit the condition otherwise)",
                false);
          Ok = false;
        }
      } else {
        AC.K = ArgCondition::TypeMatches;
        Ok &= getPattern(C, CPtr, "type", AC.Type);
      }
      Out.push_back(std::move(AC));
    }
    return Ok;
  }

  bool getMethods(const nlohmann::json &Obj, const std::string &Ptr,
                  std::map<std::string, std::string> &Out) {
    if (!Obj.contains("methods"))
      return true;
    const auto &M = Obj["methods"];
    std::string MPtr = Ptr + "/methods";
    if (!M.is_object()) {
      error(MPtr, "'methods' must map method names to lock operations", false);
      return false;
    }
    Out.clear();
    bool Ok = true;
    for (auto It = M.begin(); It != M.end(); ++It) {
      std::string VPtr = MPtr + "/" + jsonPointerEscape(It.key());
      if (!It.value().is_string() ||
          !LockOps.count(It.value().get<std::string>())) {
        error(VPtr,
              "lock operation of method '" + It.key() +
                  "' must be one of: lock, unlock, try_lock, lock_shared, "
                  "unlock_shared, try_lock_shared, release",
              false);
        Ok = false;
        continue;
      }
      Out[It.key()] = It.value().get<std::string>();
    }
    return Ok;
  }

  std::string File;
  const LocatedJson &Doc;
  std::vector<std::string> &Errors;
};
} // namespace

bool NamePattern::matches(const std::string &QualName) const {
  if (!Names.empty())
    return std::binary_search(Names.begin(), Names.end(), QualName);
  if (Regex)
    return QualName.find(Required) != std::string::npos &&
           Regex->match(QualName);
  return QualName == Exact;
}

template <typename T>
void RuleSet::Table<T>::add(T Item, const NamePattern &P) {
  Items.push_back(std::move(Item));
  if (!P.Names.empty())
    for (const std::string &Name : P.Names)
      Listed[Name].push_back(Items.size() - 1);
  else if (P.Regex)
    Regexes.push_back(Items.size() - 1);
  else
    Exact[P.Exact].push_back(Items.size() - 1);
}

template <typename T>
std::vector<const T *>
RuleSet::Table<T>::findAll(const std::string &Name) const {
  std::vector<const T *> Out;
  auto It = Exact.find(Name);
  if (It != Exact.end())
    for (size_t I : It->second)
      Out.push_back(&Items[I]);
  auto L = Listed.find(Name);
  if (Regexes.empty()) {
    if (L != Listed.end())
      for (size_t I : L->second)
        Out.push_back(&Items[I]);
    return Out;
  }
  std::lock_guard<std::mutex> Lock(RegexMu);
  auto Hit = RegexHits.find(Name);
  if (Hit == RegexHits.end()) {
    std::vector<size_t> Matches;
    for (size_t I : Regexes) {
      const T &Item = Items[I];
      const NamePattern *P = nullptr;
      if constexpr (std::is_same_v<T, NamePattern>)
        P = &Item;
      else if constexpr (std::is_same_v<T, BlockingApi> ||
                         std::is_same_v<T, LockFunction> ||
                         std::is_same_v<T, FdSetter> ||
                         std::is_same_v<T, WorkGuardApi> ||
                         std::is_same_v<T, SocketCall>)
        P = &Item.Name;
      else if constexpr (std::is_same_v<T, SpawnApi>)
        P = &Item.Call;
      else
        P = &Item.Type;
      if (P->matches(Name))
        Matches.push_back(I);
    }
    // Listed regexes rank among the others, in the packs' order.
    if (L != Listed.end()) {
      Matches.insert(Matches.end(), L->second.begin(), L->second.end());
      std::sort(Matches.begin(), Matches.end());
    }
    Hit = RegexHits.emplace(Name, std::move(Matches)).first;
  }
  for (size_t I : Hit->second)
    Out.push_back(&Items[I]);
  return Out;
}

template <typename T>
const T *RuleSet::Table<T>::find(const std::string &Name) const {
  auto All = findAll(Name);
  return All.empty() ? nullptr : All.front();
}

bool RuleSet::loadText(const std::string &File, const std::string &Text,
                       std::vector<std::string> &Errors) {
  LocatedJson Doc;
  std::string ParseError;
  if (!Doc.parse(Text, ParseError)) {
    Errors.push_back(File + ":" + ParseError.substr(0, ParseError.find(": ")) +
                     ": error: invalid JSON: " +
                     ParseError.substr(ParseError.find(": ") + 2));
    return false;
  }
  PackReader R(File, Doc, Errors);
  const nlohmann::json &Root = Doc.root();
  size_t ErrorsBefore = Errors.size();
  if (!R.checkObject(Root, "", "rule pack",
                     {"pack", "provenance", "contexts", "blocking",
                      "nonblocking", "foreign", "mutexes", "guards",
                      "lock_tags", "lock_functions", "entries", "handoffs",
                      "task_types", "entry_parameters", "invokers", "binders",
                      "nonblocking_fds", "foreign_pointers", "socket_sources",
                      "socket_reads", "deadline_setters", "readiness_waits",
                      "timer_arms", "peer_contacts", "work_guards",
                      "channels"},
                     {"pack", "provenance"}))
    return false;
  std::string PackName, Provenance;
  R.getString(Root, "", "pack", PackName);
  R.getString(Root, "", "provenance", Provenance);

  // Every section is an array of objects; visit each with its pointer.
  auto ForEach = [&](const std::string &Key, auto Fn) {
    if (!Root.contains(Key))
      return;
    const auto &Arr = Root[Key];
    if (!Arr.is_array()) {
      R.error("/" + Key, "'" + Key + "' must be an array", false);
      return;
    }
    for (size_t I = 0; I < Arr.size(); ++I)
      Fn(Arr[I], "/" + Key + "/" + std::to_string(I));
  };

  // Duplicates are errors: two entries for one API would make the answer
  // depend on load order.
  std::map<std::string, std::string> &Seen = SeenEntries;
  auto CheckDuplicate = [&](const std::string &Section, const NamePattern &P,
                            const std::string &Ptr, const std::string &Key) {
    std::string Id = Section + "\n" + P.text();
    TextPos Pos = Doc.valuePos(Ptr);
    std::string Here = File + ":" + std::to_string(Pos.Line);
    auto [It, New] = Seen.emplace(Id, Here);
    if (!New) {
      R.error(Ptr + "/" + Key,
              "duplicate " + Section + " entry '" + P.text() +
                  "' (first defined at " + It->second + ")",
              true);
      return false;
    }
    return true;
  };

  ForEach("contexts", [&](const nlohmann::json &O, const std::string &P) {
    if (!R.checkObject(O, P, "context",
                       {"name", "thread", "handoff", "entry", "all_lock_waits"},
                       {"name", "thread", "handoff"}))
      return;
    ContextInfo C;
    R.getString(O, P, "entry", C.Entry);
    R.getBool(O, P, "all_lock_waits", C.AllLockWaits);
    R.getString(O, P, "name", C.Name);
    R.getString(O, P, "thread", C.Thread);
    R.getString(O, P, "handoff", C.Handoff);
    if (Contexts.count(C.Name)) {
      R.error(P + "/name", "duplicate context '" + C.Name + "'", true);
      return;
    }
    Contexts[C.Name] = C;
  });
  auto CheckContext = [&](const nlohmann::json &O, const std::string &P,
                          std::string &Out) {
    if (!R.getString(O, P, "context", Out))
      return false;
    // Packs may use a context another pack declares; checked once all
    // packs are loaded.
    TextPos Pos = Doc.valuePos(P + "/context");
    ContextRefs.push_back({Out, File + ":" + std::to_string(Pos.Line) + ":" +
                                    std::to_string(Pos.Col)});
    return true;
  };

  ForEach("blocking", [&](const nlohmann::json &O, const std::string &P) {
    if (!R.checkObject(O, P, "blocking entry",
                       {"name", "name_regex", "kind", "unless", "alternative",
                        "releases_arg", "fixes", "only_in", "fd_arg",
                        "runs_loop"},
                       {"kind"}))
      return;
    BlockingApi B;
    bool Ok = R.getPattern(O, P, "name", B.Name);
    Ok &= R.getString(O, P, "kind", B.Kind);
    if (Ok && !BlockingKinds.count(B.Kind)) {
      std::string List;
      for (const auto &K : BlockingKinds)
        List += (List.empty() ? "" : ", ") + K;
      R.error(P + "/kind", "unknown blocking kind '" + B.Kind +
                               "' (expected one of: " + List + ")",
              false);
      Ok = false;
    }
    Ok &= R.getConditions(O, P, "unless", B.Unless);
    Ok &= R.getString(O, P, "alternative", B.Alternative);
    Ok &= R.getBool(O, P, "runs_loop", B.RunsLoop);
    long long Rel = -1;
    Ok &= R.getInt(O, P, "releases_arg", Rel);
    B.ReleasesArg = static_cast<int>(Rel);
    if (O.contains("fd_arg") && O["fd_arg"].is_string() &&
        O["fd_arg"].get<std::string>() == "object") {
      B.FdArg = BlockingApi::ObjectFd;
    } else {
      long long Fd = -1;
      Ok &= R.getInt(O, P, "fd_arg", Fd);
      B.FdArg = static_cast<int>(Fd);
    }
    if (O.contains("only_in")) {
      const auto &L = O["only_in"];
      if (!L.is_array()) {
        R.error(P + "/only_in", "'only_in' must be an array of context names",
                false);
        Ok = false;
      } else {
        for (size_t I = 0; I < L.size(); ++I) {
          std::string CP = P + "/only_in/" + std::to_string(I);
          if (!L[I].is_string()) {
            R.error(CP, "context names must be strings", false);
            Ok = false;
            continue;
          }
          B.OnlyIn.push_back(L[I].get<std::string>());
          TextPos Pos = Doc.valuePos(CP);
          ContextRefs.push_back({B.OnlyIn.back(),
                                 File + ":" + std::to_string(Pos.Line) + ":" +
                                     std::to_string(Pos.Col)});
        }
      }
    }
    if (O.contains("fixes")) {
      const auto &F = O["fixes"];
      if (!F.is_array()) {
        R.error(P + "/fixes", "'fixes' must be an array", false);
        Ok = false;
      } else {
        for (size_t I = 0; I < F.size(); ++I) {
          std::string FP = P + "/fixes/" + std::to_string(I);
          if (!R.checkObject(F[I], FP, "fix",
                             {"context", "replace_callee", "replace_call",
                              "in_coroutine", "task_type_regex"},
                             {"context"})) {
            Ok = false;
            continue;
          }
          BlockingFix Fix;
          Ok &= CheckContext(F[I], FP, Fix.Context);
          Ok &= R.getString(F[I], FP, "replace_callee", Fix.ReplaceCallee);
          Ok &= R.getString(F[I], FP, "replace_call", Fix.ReplaceCall);
          Ok &= R.getBool(F[I], FP, "in_coroutine", Fix.InCoroutine);
          if (Fix.ReplaceCallee.empty() == Fix.ReplaceCall.empty()) {
            R.error(FP, "a fix needs exactly one of 'replace_callee' and "
                        "'replace_call'",
                    false);
            Ok = false;
          }
          if (F[I].contains("task_type_regex"))
            Ok &= R.getPattern(F[I], FP, "task_type", Fix.TaskType);
          B.Fixes.push_back(Fix);
        }
      }
    }
    B.From = R.origin(P);
    if (Ok && CheckDuplicate("blocking", B.Name, P,
                             B.Name.Regex ? "name_regex" : "name"))
      Blocking.add(B, B.Name);
  });

  auto SimpleNames = [&](const std::string &Section, Table<NamePattern> &T) {
    ForEach(Section, [&](const nlohmann::json &O, const std::string &P) {
      if (!R.checkObject(O, P, Section + " entry", {"name", "name_regex"}, {}))
        return;
      NamePattern N;
      if (R.getPattern(O, P, "name", N) &&
          CheckDuplicate(Section, N, P, N.Regex ? "name_regex" : "name"))
        T.add(N, N);
    });
  };
  SimpleNames("nonblocking", NonBlocking);
  SimpleNames("foreign", Foreign);
  SimpleNames("foreign_pointers", ForeignPointers);
  SimpleNames("invokers", Invokers);
  SimpleNames("binders", Binders);

  ForEach("mutexes", [&](const nlohmann::json &O, const std::string &P) {
    if (!R.checkObject(O, P, "mutex entry",
                       {"type", "type_regex", "recursive", "shared",
                        "blocks_thread", "methods"},
                       {}))
      return;
    MutexType M;
    M.Methods = DefaultMutexMethods;
    bool Ok = R.getPattern(O, P, "type", M.Type);
    Ok &= R.getBool(O, P, "recursive", M.Recursive);
    Ok &= R.getBool(O, P, "shared", M.Shared);
    Ok &= R.getBool(O, P, "blocks_thread", M.BlocksThread);
    Ok &= R.getMethods(O, P, M.Methods);
    M.From = R.origin(P);
    if (Ok && CheckDuplicate("mutexes", M.Type, P,
                             M.Type.Regex ? "type_regex" : "type"))
      Mutexes.add(M, M.Type);
  });

  ForEach("guards", [&](const nlohmann::json &O, const std::string &P) {
    if (!R.checkObject(O, P, "guard entry",
                       {"type", "type_regex", "mode", "multi", "relockable",
                        "methods"},
                       {}))
      return;
    GuardType G;
    bool Ok = R.getPattern(O, P, "type", G.Type);
    std::string Mode = "exclusive";
    Ok &= R.getString(O, P, "mode", Mode);
    if (Mode != "exclusive" && Mode != "shared") {
      R.error(P + "/mode", "'mode' must be 'exclusive' or 'shared'", false);
      Ok = false;
    }
    G.SharedMode = Mode == "shared";
    Ok &= R.getBool(O, P, "multi", G.Multi);
    Ok &= R.getBool(O, P, "relockable", G.Relockable);
    if (G.Relockable)
      G.Methods = DefaultGuardMethods;
    Ok &= R.getMethods(O, P, G.Methods);
    G.From = R.origin(P);
    if (Ok && CheckDuplicate("guards", G.Type, P,
                             G.Type.Regex ? "type_regex" : "type"))
      Guards.add(G, G.Type);
  });

  ForEach("lock_tags", [&](const nlohmann::json &O, const std::string &P) {
    if (!R.checkObject(O, P, "lock tag entry", {"type", "type_regex", "effect"},
                       {"effect"}))
      return;
    LockTag T;
    bool Ok = R.getPattern(O, P, "type", T.Type);
    Ok &= R.getString(O, P, "effect", T.Effect);
    if (Ok && T.Effect != "defer" && T.Effect != "try" && T.Effect != "adopt") {
      R.error(P + "/effect", "'effect' must be 'defer', 'try' or 'adopt'",
              false);
      Ok = false;
    }
    if (Ok && CheckDuplicate("lock_tags", T.Type, P,
                             T.Type.Regex ? "type_regex" : "type"))
      Tags.add(T, T.Type);
  });

  ForEach("lock_functions", [&](const nlohmann::json &O, const std::string &P) {
    if (!R.checkObject(O, P, "lock function entry",
                       {"name", "name_regex", "op", "arg"}, {"op"}))
      return;
    LockFunction F;
    bool Ok = R.getPattern(O, P, "name", F.Name);
    Ok &= R.getString(O, P, "op", F.Op);
    if (Ok && !LockOps.count(F.Op) && F.Op != "lock_all") {
      R.error(P + "/op",
              "unknown lock operation '" + F.Op +
                  "' (expected lock, unlock, try_lock, lock_shared, "
                  "unlock_shared, try_lock_shared or lock_all)",
              false);
      Ok = false;
    }
    long long Arg = 0;
    Ok &= R.getInt(O, P, "arg", Arg);
    if (Arg < 0) {
      R.error(P + "/arg", "'arg' must be a non-negative argument index", false);
      Ok = false;
    }
    F.Arg = static_cast<int>(Arg);
    F.From = R.origin(P);
    if (Ok && CheckDuplicate("lock_functions", F.Name, P,
                             F.Name.Regex ? "name_regex" : "name"))
      LockFunctions.add(F, F.Name);
  });

  auto GetLoopArg = [&](const nlohmann::json &O, const std::string &P,
                        int &Out) {
    if (!O.contains("loop_arg"))
      return true;
    const auto &L = O["loop_arg"];
    if (L.is_string() && L.get<std::string>() == "object")
      Out = SpawnApi::ObjectLoop;
    else if (L.is_number_integer() && L.get<long long>() >= 0)
      Out = static_cast<int>(L.get<long long>());
    else {
      R.error(P + "/loop_arg",
              "'loop_arg' must be an argument index or \"object\"", false);
      return false;
    }
    return true;
  };
  auto ReadSpawn = [&](const std::string &Section, bool Handoff) {
    ForEach(Section, [&](const nlohmann::json &O, const std::string &P) {
      std::set<std::string> Allowed = {"call", "call_regex", "callable",
                                       "when", "unless"};
      std::set<std::string> Required;
      if (!Handoff) {
        Allowed.insert("context");
        Allowed.insert("loop_arg");
        Required.insert("context");
      }
      if (!R.checkObject(O, P, Section == "entries" ? "entry" : "handoff",
                         Allowed, Required))
        return;
      SpawnApi S;
      S.Handoff = Handoff;
      bool Ok = R.getPattern(O, P, "call", S.Call);
      if (O.contains("callable")) {
        const auto &C = O["callable"];
        if (C.is_string() && C.get<std::string>() == "all")
          S.CallableArg = -2;
        else if (C.is_string() && C.get<std::string>() == "last")
          S.CallableArg = -1;
        else if (C.is_number_integer() && C.get<long long>() >= 0)
          S.CallableArg = static_cast<int>(C.get<long long>());
        else {
          R.error(P + "/callable",
                  "'callable' must be an argument index, \"last\" or \"all\"",
                  false);
          Ok = false;
        }
      }
      Ok &= GetLoopArg(O, P, S.LoopArg);
      if (!Handoff)
        Ok &= CheckContext(O, P, S.Context);
      Ok &= R.getConditions(O, P, "when", S.When);
      Ok &= R.getConditions(O, P, "unless", S.Unless);
      S.From = R.origin(P);
      // Entries and handoffs may share an API (asio::post is an entry on an
      // io_context and a handoff on a thread_pool), told apart by conditions.
      if (Ok)
        Spawns.add(S, S.Call);
    });
  };
  ReadSpawn("entries", false);
  ReadSpawn("handoffs", true);

  ForEach("work_guards", [&](const nlohmann::json &O, const std::string &P) {
    if (!R.checkObject(O, P, "work_guards entry",
                       {"name", "name_regex", "loop_arg"}, {}))
      return;
    WorkGuardApi W;
    bool Ok = R.getPattern(O, P, "name", W.Name);
    Ok &= GetLoopArg(O, P, W.LoopArg);
    W.From = R.origin(P);
    if (Ok && CheckDuplicate("work_guards", W.Name, P,
                             W.Name.Regex ? "name_regex" : "name"))
      WorkGuards.add(W, W.Name);
  });

  ForEach("nonblocking_fds", [&](const nlohmann::json &O, const std::string &P) {
    if (!R.checkObject(O, P, "nonblocking_fds entry",
                       {"name", "name_regex", "fd", "when"}, {"fd"}))
      return;
    FdSetter F;
    bool Ok = R.getPattern(O, P, "name", F.Name);
    const auto &Fd = O["fd"];
    if (Fd.is_string() && Fd.get<std::string>() == "result")
      F.FdArg = -1;
    else if (Fd.is_string() && Fd.get<std::string>() == "object")
      F.Object = true;
    else if (Fd.is_number_integer() && Fd.get<long long>() >= 0)
      F.FdArg = static_cast<int>(Fd.get<long long>());
    else {
      R.error(P + "/fd",
              "'fd' must be an argument index, \"result\" or \"object\"",
              false);
      Ok = false;
    }
    Ok &= R.getConditions(O, P, "when", F.When);
    if (Ok && CheckDuplicate("nonblocking_fds", F.Name, P,
                             F.Name.Regex ? "name_regex" : "name"))
      FdSetters.add(F, F.Name);
  });

  // Socket reads and what bounds them (read-without-deadline).
  auto ReadSocketCalls = [&](const std::string &Section, Table<SocketCall> &T,
                             const std::set<std::string> &Modes) {
    ForEach(Section, [&](const nlohmann::json &O, const std::string &P) {
      std::set<std::string> Allowed = {"name", "name_regex", "fd", "mode",
                                       "family", "when", "unless"};
      if (Section == "socket_reads") {
        Allowed.insert("socket_only");
        Allowed.insert("reply_only");
      }
      if (Section == "deadline_setters") {
        Allowed.insert("persistent");
        Allowed.insert("clears");
      }
      if (!R.checkObject(O, P, Section + " entry", Allowed, {}))
        return;
      SocketCall SC;
      bool Ok = R.getPattern(O, P, "name", SC.Name);
      if (O.contains("fd")) {
        const auto &Fd = O["fd"];
        if (Fd.is_string() && (Fd.get<std::string>() == "result" ||
                               Fd.get<std::string>() == "object")) {
          SC.FdArg = -1;
          SC.Object = Fd.get<std::string>() == "object";
        } else if (Fd.is_number_integer() && Fd.get<long long>() >= 0) {
          SC.FdArg = static_cast<int>(Fd.get<long long>());
        } else {
          R.error(P + "/fd",
                  "'fd' must be an argument index, \"result\" or \"object\"",
                  false);
          Ok = false;
        }
      }
      Ok &= R.getString(O, P, "mode", SC.Mode);
      if (!Modes.empty() && !Modes.count(SC.Mode)) {
        std::string List;
        for (const auto &M : Modes)
          List += (List.empty() ? "" : ", ") + M;
        R.error(P + (O.contains("mode") ? "/mode" : ""),
                "'mode' must be one of: " + List, false);
        Ok = false;
      }
      SC.Family = "posix";
      Ok &= R.getString(O, P, "family", SC.Family);
      Ok &= R.getBool(O, P, "socket_only", SC.SocketOnly);
      Ok &= R.getBool(O, P, "persistent", SC.Persistent);
      Ok &= R.getBool(O, P, "reply_only", SC.ReplyOnly);
      Ok &= R.getBool(O, P, "clears", SC.Clears);
      Ok &= R.getConditions(O, P, "when", SC.When);
      Ok &= R.getConditions(O, P, "unless", SC.Unless);
      // Setters may share an API with different conditions (set_option).
      if (Ok && (Section == "deadline_setters" ||
                 CheckDuplicate(Section, SC.Name, P,
                                SC.Name.Regex ? "name_regex" : "name")))
        T.add(SC, SC.Name);
    });
  };
  ReadSocketCalls("socket_sources", SocketSources, {""});
  ReadSocketCalls("socket_reads", SocketReads, {"posix", "sync", "async"});
  ReadSocketCalls("deadline_setters", DeadlineSetters, {"all", "async"});
  ReadSocketCalls("readiness_waits", ReadinessWaits, {""});
  ReadSocketCalls("timer_arms", TimerArms, {""});
  ReadSocketCalls("peer_contacts", PeerContacts, {""});

  auto ReadTyped = [&](const std::string &Section, Table<TypedContext> &T) {
    ForEach(Section, [&](const nlohmann::json &O, const std::string &P) {
      if (!R.checkObject(O, P, Section + " entry",
                         {"type", "type_regex", "context"}, {"context"}))
        return;
      TypedContext TC;
      bool Ok = R.getPattern(O, P, "type", TC.Type);
      Ok &= CheckContext(O, P, TC.Context);
      if (Ok && CheckDuplicate(Section, TC.Type, P,
                               TC.Type.Regex ? "type_regex" : "type"))
        T.add(TC, TC.Type);
    });
  };
  ReadTyped("task_types", TaskTypes);
  ReadTyped("entry_parameters", EntryParams);

  ForEach("channels", [&](const nlohmann::json &O, const std::string &P) {
    static const std::set<std::string> ChannelOps = {
        "send",       "receive",       "try_send", "try_receive",
        "timed_send", "timed_receive", "close"};
    if (!R.checkObject(O, P, "channel entry",
                       {"type", "type_regex", "capacity_arg", "capacity",
                        "holds", "power_of_two", "blocks_when", "task",
                        "grow_into", "ops"},
                       {"ops"}))
      return;
    ChannelType C;
    bool Ok = R.getPattern(O, P, "type", C.Type);
    long long Arg = -1;
    Ok &= R.getInt(O, P, "capacity_arg", Arg);
    C.CapacityArg = static_cast<int>(Arg);
    Ok &= R.getInt(O, P, "capacity", C.Capacity);
    if (C.Capacity < 0) {
      R.error(P + "/capacity", "'capacity' must not be negative", false);
      Ok = false;
    }
    std::string Holds = "capacity", When = "call";
    Ok &= R.getString(O, P, "holds", Holds);
    if (Holds != "capacity" && Holds != "capacity-1") {
      R.error(P + "/holds", "'holds' must be 'capacity' or 'capacity-1'",
              false);
      Ok = false;
    }
    C.HoldsOneLess = Holds == "capacity-1";
    Ok &= R.getBool(O, P, "power_of_two", C.PowerOfTwo);
    Ok &= R.getString(O, P, "blocks_when", When);
    if (When != "call" && When != "co_await") {
      R.error(P + "/blocks_when", "'blocks_when' must be 'call' or 'co_await'",
              false);
      Ok = false;
    }
    C.Awaited = When == "co_await";
    Ok &= R.getString(O, P, "task", C.Task);
    Ok &= R.getString(O, P, "grow_into", C.GrowInto);
    if (!C.GrowInto.empty() && !validQualifiedName(C.GrowInto)) {
      R.error(P + "/grow_into",
              "malformed qualified name '" + C.GrowInto +
                  "' (expected '::ns::name', starting with '::')",
              false);
      Ok = false;
    }
    const auto &Ops = O["ops"];
    if (!Ops.is_object() || Ops.empty()) {
      R.error(P + "/ops", "'ops' must map method names to channel operations",
              false);
      Ok = false;
    } else {
      for (auto It = Ops.begin(); It != Ops.end(); ++It) {
        if (It.value().is_string() &&
            ChannelOps.count(It.value().get<std::string>())) {
          C.Ops[It.key()] = It.value().get<std::string>();
          continue;
        }
        R.error(P + "/ops/" + jsonPointerEscape(It.key()),
                "channel operation of method '" + It.key() +
                    "' must be one of: send, receive, try_send, try_receive, "
                    "timed_send, timed_receive, close",
                false);
        Ok = false;
      }
    }
    C.From = R.origin(P);
    if (Ok && CheckDuplicate("channels", C.Type, P,
                             C.Type.Regex ? "type_regex" : "type"))
      Channels.add(C, C.Type);
  });

  if (Errors.size() != ErrorsBefore)
    return false;
  PackNames.push_back(PackName);
  DigestInput += File + "\n" + Text + "\n";
  Digest = stableHash(DigestInput);
  return true;
}

bool RuleSet::checkContextRefs(std::vector<std::string> &Errors) const {
  bool Ok = true;
  for (const auto &[Name, Where] : ContextRefs)
    if (!Contexts.count(Name)) {
      Errors.push_back(Where + ": error: unknown context '" + Name +
                       "' (declare it in a 'contexts' section)");
      Ok = false;
    }
  return Ok;
}

bool RuleSet::loadBuiltin(std::vector<std::string> &Errors) {
  bool Ok = true;
  for (const auto &P : BuiltinPacks)
    Ok &= loadText(P.Name, P.Text, Errors);
  return Ok;
}

bool RuleSet::loadFile(const std::string &Path,
                       std::vector<std::string> &Errors) {
  // The path may come from a repository's .clang-tidy or .clangd. Reading a
  // FIFO or a device would never end (/dev/zero) or steal clangd's LSP input
  // (/dev/stdin), so only regular files are read, and only up to a size no
  // hand-written pack comes near.
  llvm::sys::fs::file_status St;
  if (llvm::sys::fs::status(Path, St)) {
    Errors.push_back(Path + ": error: cannot read rule pack");
    return false;
  }
  if (St.type() != llvm::sys::fs::file_type::regular_file) {
    Errors.push_back(Path +
                     ": error: cannot read rule pack: not a regular file");
    return false;
  }
  if (St.getSize() > MaxPackBytes) {
    Errors.push_back(Path + ": error: cannot read rule pack: larger than " +
                     std::to_string(MaxPackBytes >> 20) + " MiB");
    return false;
  }
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!Buf) {
    Errors.push_back(Path + ": error: cannot read rule pack");
    return false;
  }
  return loadText(Path, (*Buf)->getBuffer().str(), Errors);
}

std::shared_ptr<const RuleSet>
RuleSet::create(const std::string &ExtraFiles,
                std::vector<std::string> &Errors) {
  auto RS = std::make_shared<RuleSet>();
  bool Ok = RS->loadBuiltin(Errors);
  std::string Cur;
  auto Flush = [&] {
    size_t B = Cur.find_first_not_of(" \t");
    size_t E = Cur.find_last_not_of(" \t");
    if (B != std::string::npos)
      Ok &= RS->loadFile(Cur.substr(B, E - B + 1), Errors);
    Cur.clear();
  };
  for (char C : ExtraFiles) {
    if (C == ',' || C == ';')
      Flush();
    else
      Cur += C;
  }
  Flush();
  Ok &= RS->checkContextRefs(Errors);
  if (!Ok)
    return nullptr;
  return RS;
}

const BlockingApi *RuleSet::blocking(const std::string &Q) const {
  return Blocking.find(Q);
}
bool RuleSet::isNonBlocking(const std::string &Q) const {
  return NonBlocking.find(Q) != nullptr;
}
bool RuleSet::isForeignApi(const std::string &Q) const {
  return Foreign.find(Q) != nullptr;
}
bool RuleSet::isForeignPointerSource(const std::string &Q) const {
  return ForeignPointers.find(Q) != nullptr;
}
const MutexType *RuleSet::mutex(const std::string &T) const {
  return Mutexes.find(T);
}
const GuardType *RuleSet::guard(const std::string &T) const {
  return Guards.find(T);
}
const LockTag *RuleSet::lockTag(const std::string &T) const {
  return Tags.find(T);
}
const LockFunction *RuleSet::lockFunction(const std::string &Q) const {
  return LockFunctions.find(Q);
}
std::vector<const SpawnApi *> RuleSet::spawns(const std::string &Q) const {
  return Spawns.findAll(Q);
}
const TypedContext *RuleSet::taskType(const std::string &T) const {
  return TaskTypes.find(T);
}
const TypedContext *RuleSet::entryParameter(const std::string &T) const {
  return EntryParams.find(T);
}
const FdSetter *RuleSet::fdSetter(const std::string &Q) const {
  return FdSetters.find(Q);
}
const ChannelType *RuleSet::channel(const std::string &T) const {
  return Channels.find(T);
}
const SocketCall *RuleSet::socketSource(const std::string &Q) const {
  return SocketSources.find(Q);
}
const SocketCall *RuleSet::socketRead(const std::string &Q) const {
  return SocketReads.find(Q);
}
std::vector<const SocketCall *>
RuleSet::deadlineSetters(const std::string &Q) const {
  return DeadlineSetters.findAll(Q);
}
const SocketCall *RuleSet::readinessWait(const std::string &Q) const {
  return ReadinessWaits.find(Q);
}
const SocketCall *RuleSet::timerArm(const std::string &Q) const {
  return TimerArms.find(Q);
}
const SocketCall *RuleSet::peerContact(const std::string &Q) const {
  return PeerContacts.find(Q);
}
const WorkGuardApi *RuleSet::workGuard(const std::string &Q) const {
  return WorkGuards.find(Q);
}
bool RuleSet::isInvoker(const std::string &Q) const {
  return Invokers.find(Q) != nullptr;
}
bool RuleSet::isBinder(const std::string &Q) const {
  return Binders.find(Q) != nullptr;
}
const ContextInfo &RuleSet::context(const std::string &Name) const {
  static const ContextInfo Unknown{"", "this thread",
                                   "move the blocking work to a worker thread",
                                   "", false};
  auto It = Contexts.find(Name);
  return It == Contexts.end() ? Unknown : It->second;
}

} // namespace blockwatch
