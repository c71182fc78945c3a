//===- Facts.cpp - JSON form of facts -------------------------------------===//
#include "Facts.h"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <tuple>

namespace blockwatch {

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
  return json::array({L.File, L.Line, L.Col, L.EndLine, L.EndCol, L.Offset,
                      L.EndOffset});
}
static SourceLoc locFrom(const json &J) {
  if (!J.is_array() || J.size() != 7)
    throw std::runtime_error("malformed location");
  SourceLoc L;
  L.File = J[0].get<std::string>();
  L.Line = J[1].get<unsigned>();
  L.Col = J[2].get<unsigned>();
  L.EndLine = J[3].get<unsigned>();
  L.EndCol = J[4].get<unsigned>();
  L.Offset = J[5].get<unsigned>();
  L.EndOffset = J[6].get<unsigned>();
  return L;
}

static json lockJson(const HeldLock &H) {
  return {{"id", H.Id},
          {"shared", H.Shared},
          {"recursive", H.Recursive},
          {"at", locJson(H.AcquiredAt)},
          {"instance", H.Instance},
          {"param", H.Param}};
}
static HeldLock lockFrom(const json &J) {
  HeldLock H;
  H.Id = J.at("id").get<std::string>();
  H.Shared = J.at("shared").get<bool>();
  H.Recursive = J.at("recursive").get<bool>();
  H.AcquiredAt = locFrom(J.at("at"));
  H.Instance = J.at("instance").get<std::string>();
  H.Param = J.at("param").get<int>();
  return H;
}
static json locksJson(const std::vector<HeldLock> &V) {
  json A = json::array();
  for (const auto &H : V)
    A.push_back(lockJson(H));
  return A;
}
static std::vector<HeldLock> locksFrom(const json &J) {
  std::vector<HeldLock> V;
  for (const auto &E : J)
    V.push_back(lockFrom(E));
  return V;
}
static json fixJson(const FixFact &F) {
  return {{"file", F.File},
          {"offset", F.Offset},
          {"length", F.Length},
          {"text", F.Text},
          {"description", F.Description}};
}
static FixFact fixFrom(const json &J) {
  FixFact F;
  F.File = J.at("file").get<std::string>();
  F.Offset = J.at("offset").get<unsigned>();
  F.Length = J.at("length").get<unsigned>();
  F.Text = J.at("text").get<std::string>();
  F.Description = J.at("description").get<std::string>();
  return F;
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

void from_json(const json &J, ChannelFacts &F) {
  for (const auto &X : J.at("channels")) {
    ChannelFact C;
    C.Key = X.at("key").get<std::string>();
    C.Name = X.at("name").get<std::string>();
    C.Type = X.at("type").get<std::string>();
    C.Task = X.at("task").get<std::string>();
    C.Holds = X.at("holds").get<long long>();
    C.At = locFrom(X.at("at"));
    for (const auto &E : X.at("grow_fix"))
      C.GrowFix.push_back(fixFrom(E));
    C.GrowPowerOfTwo = X.at("grow_pow2").get<bool>();
    C.GrowHoldsOneLess = X.at("grow_one_less").get<bool>();
    F.Channels.push_back(std::move(C));
  }
  for (const auto &X : J.at("ops")) {
    ChannelOpFact O;
    O.Key = X.at("key").get<std::string>();
    O.Op = X.at("op").get<std::string>();
    O.Method = X.at("method").get<std::string>();
    O.Blocking = X.at("blocking").get<bool>();
    O.InLoop = X.at("in_loop").get<bool>();
    O.Order = X.at("order").get<unsigned>();
    O.At = locFrom(X.at("at"));
    O.SendsBefore = X.at("sends_before").get<unsigned>();
    O.ReceivesBefore = X.at("receives_before").get<unsigned>();
    O.AnySendBefore = X.at("any_send_before").get<bool>();
    O.ClosedBefore = X.at("closed_before").get<bool>();
    O.OpaqueBefore = X.at("opaque_before").get<bool>();
    O.SpawnedBefore = X.at("spawned_before").get<std::vector<std::string>>();
    F.Ops.push_back(std::move(O));
  }
  for (const auto &X : J.at("escapes"))
    F.Escapes.push_back({X.at("key").get<std::string>(),
                         X.at("target").get<std::string>(),
                         X.at("order").get<unsigned>(), locFrom(X.at("at"))});
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

void from_json(const json &J, TuFacts &F) {
  try {
    if (!J.is_object() || !J.contains("blockwatch_facts"))
      throw std::runtime_error("not a blockwatch facts document");
    int V = J.at("blockwatch_facts").get<int>();
    if (V != TuFacts::Version)
      throw std::runtime_error("facts version " + std::to_string(V) +
                               " is not supported (expected " +
                               std::to_string(TuFacts::Version) + ")");
    F.MainFile = J.at("main_file").get<std::string>();
    F.RulesDigest = J.at("rules").get<std::string>();
    F.Functions.clear();
    F.Orders.clear();
    for (const auto &O : J.value("orders", json::array()))
      F.Orders.push_back({O.at(0).get<std::string>(), O.at(1).get<std::string>(),
                          locFrom(O.at(2))});
    for (const auto &JF : J.at("functions")) {
      FunctionFact Fn;
      Fn.Usr = JF.at("usr").get<std::string>();
      Fn.Name = JF.at("name").get<std::string>();
      Fn.At = locFrom(JF.at("at"));
      Fn.HasBody = JF.at("body").get<bool>();
      Fn.ExternC = JF.at("extern_c").get<bool>();
      Fn.InSystemHeader = JF.at("system").get<bool>();
      Fn.ForeignApi = JF.at("foreign_api").get<bool>();
      if (JF.contains("entry")) {
        Fn.EntryContext = JF.at("entry").get<std::string>();
        Fn.EntryReason = JF.at("entry_reason").get<std::string>();
      }
      for (const auto &C : JF.at("calls")) {
        CallFact CF;
        CF.Callee = C.at("callee").get<std::string>();
        CF.CalleeName = C.at("name").get<std::string>();
        CF.At = locFrom(C.at("at"));
        CF.Held = locksFrom(C.at("held"));
        CF.ThisCall = C.at("this_call").get<bool>();
        for (const auto &A : C.at("arg_locks"))
          CF.ArgLocks.push_back({A.at(0).get<int>(), A.at(1).get<std::string>(),
                                 A.at(2).get<std::string>()});
        for (const auto &A : C.at("fd_args")) {
          FdArg FA{A.at(0).get<int>(), A.at(1).get<std::string>(),
                   A.at(2).get<bool>(), A.at(3).get<bool>(), A.at(4).get<int>(),
                   {}};
          for (const auto &V : A.at(5))
            FA.ViaCalls.push_back({V.at(0).get<std::string>(), V.at(1).get<int>()});
          CF.FdArgs.push_back(std::move(FA));
        }
        Fn.Calls.push_back(std::move(CF));
      }
      for (const auto &B : JF.at("blocking")) {
        BlockingFact BF;
        BF.Api = B.at("api").get<std::string>();
        BF.Kind = B.at("kind").get<std::string>();
        BF.Alternative = B.at("alternative").get<std::string>();
        BF.ReleasesLock = B.at("releases").get<std::string>();
        BF.OnlyIn = B.at("only_in").get<std::vector<std::string>>();
        BF.At = locFrom(B.at("at"));
        BF.Held = locksFrom(B.at("held"));
        for (const auto &X : B.at("fixes")) {
          BlockingFact::ContextFix CF;
          CF.Context = X.at("context").get<std::string>();
          CF.Direct = X.at("direct").get<bool>();
          for (const auto &E : X.at("edits"))
            CF.Edits.push_back(fixFrom(E));
          BF.Fixes.push_back(std::move(CF));
        }
        Fn.Blocking.push_back(std::move(BF));
      }
      for (const auto &S : JF.at("suspends"))
        Fn.Suspends.push_back({S.at("what").get<std::string>(),
                               locFrom(S.at("at")), locksFrom(S.at("held"))});
      for (const auto &A : JF.at("acquires")) {
        AcquireFact AF;
        AF.Lock = lockFrom(A.at("lock"));
        AF.Try = A.at("try").get<bool>();
        AF.BlocksThread = A.at("blocks_thread").get<bool>();
        AF.Held = locksFrom(A.at("held"));
        AF.At = locFrom(A.at("at"));
        AF.MergeWith = A.at("merge_with").get<std::string>();
        for (const auto &F : A.at("merge_fix"))
          AF.MergeFix.push_back(fixFrom(F));
        Fn.Acquires.push_back(std::move(AF));
      }
      for (const auto &S : JF.at("spawns"))
        Fn.Spawns.push_back({S.at("target").get<std::string>(),
                             S.at("target_name").get<std::string>(),
                             S.at("context").get<std::string>(),
                             S.at("via").get<std::string>(), locFrom(S.at("at"))});
      if (JF.contains("channels"))
        JF.at("channels").get_to(Fn.Channels);
      for (const auto &R : JF.at("reads")) {
        ReadFact RF;
        RF.Api = R.at("api").get<std::string>();
        RF.Mode = R.at("mode").get<std::string>();
        RF.Family = R.at("family").get<std::string>();
        RF.Fd = R.at("fd").get<std::string>();
        RF.Key = R.at("key").get<std::string>();
        RF.KnownSocket = R.at("known_socket").get<bool>();
        RF.Param = R.at("param").get<int>();
        RF.Bounded = R.at("bounded").get<bool>();
        for (const auto &V : R.at("via"))
          RF.ViaCalls.push_back({V.at(0).get<std::string>(), V.at(1).get<int>()});
        RF.At = locFrom(R.at("at"));
        for (const auto &X : R.at("fixes"))
          RF.Fixes.push_back(fixFrom(X));
        Fn.Reads.push_back(std::move(RF));
      }
      Fn.DeadlineParams = JF.at("deadline_params").get<std::vector<int>>();
      Fn.DeadlineMembers =
          JF.value("deadline_members", std::vector<std::string>());
      for (const auto &D : JF.at("deadline_param_calls"))
        Fn.DeadlineParamCalls.push_back(
            {D.at(0).get<int>(),
             {D.at(1).get<std::string>(), D.at(2).get<int>()}});
      F.Functions.push_back(std::move(Fn));
    }
  } catch (const json::exception &E) {
    throw std::runtime_error(std::string("malformed facts: ") + E.what());
  }
}

} // namespace blockwatch
