//===- AnalysisTests.cpp - unit tests of the analysis library -------------===//
#include "analysis/Analysis.h"
#include "analysis/BoundedRegex.h"
#include "analysis/Facts.h"
#include "analysis/SparseVector.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Regex.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace blockwatch;

namespace {

//===--------------------------------------------------------------------===//
// requiredLiteral: the prefilter in front of every pack regex.
//===--------------------------------------------------------------------===//

TEST(RequiredLiteral, LongestPlainRunOutsideGroups) {
  EXPECT_EQ(requiredLiteral("^::(boost::)?asio::post$"), "asio::post");
  EXPECT_EQ(requiredLiteral("^::uv_(tcp|udp)_[a-z_]+$"), "::uv_");
  EXPECT_EQ(requiredLiteral("^::__builtin_"), "::__builtin_");
  EXPECT_EQ(requiredLiteral("^::event_get_[a-z_]+$"), "::event_get_");
  EXPECT_EQ(requiredLiteral("^::std::(mutex|recursive_mutex)::lock$"),
            "::std::");
}

TEST(RequiredLiteral, QuantifiedCharactersAreNotRequired) {
  // 'x?' may be absent, 'b{2}' and 'c*' too: each ends the run before it.
  EXPECT_EQ(requiredLiteral("^::ax?yz$"), "::a");
  EXPECT_EQ(requiredLiteral("^::ab{2}cd$"), "::a");
  EXPECT_EQ(requiredLiteral("^::abc*$"), "::ab");
  EXPECT_EQ(requiredLiteral("^::a.b$"), "::a");
  EXPECT_EQ(requiredLiteral("^::x{2}yzw$"), "yzw");
}

TEST(RequiredLiteral, NothingIsRequiredAcrossTopLevelAlternatives) {
  EXPECT_EQ(requiredLiteral("^::read$|^::recv$"), "");
  EXPECT_EQ(requiredLiteral("(a|b)"), "");
  // A '|' inside brackets or a group is not top level.
  EXPECT_EQ(requiredLiteral("^::f[|]x::g$"), "x::g");
  EXPECT_EQ(requiredLiteral("^::(a|b)::name$"), "::name");
}

TEST(RequiredLiteral, EscapedPunctuationIsLiteral) {
  EXPECT_EQ(requiredLiteral("sdk\\.h$"), "sdk.h");
  EXPECT_EQ(requiredLiteral("^a\\.b*"), "a.");
}

// Whatever the pattern, a name it matches contains the literal: otherwise
// the prefilter would hide a match.
TEST(RequiredLiteral, NeverHidesAMatch) {
  const char *Patterns[] = {
      "^::(boost::)?asio::(buffer|dynamic_buffer|make_strand)",
      "^::(boost::)?asio::basic_(stream_socket|socket)::non_blocking$",
      "^::uv_(tcp|udp|pipe)_[a-z_]+$", "^::curl_easy_(init|cleanup)$",
      "^::a+b", "^::ab?c", "x{2}y", "a{1,3}b{2}", "^::f[]|]g", "ab|cd", "^::(x)y?z",
      "\\.h$", "^::std::this_thread::sleep_(for|until)$"};
  const char *Names[] = {
      "::boost::asio::buffer", "::asio::make_strand", "::asio::buffer_x",
      "::boost::asio::basic_socket::non_blocking", "::uv_tcp_connect",
      "::uv_udp_recv_start", "::curl_easy_init", "::ab", "::aab", "::ac",
      "::abc", "xxy", "aabb", "ab1b", "::f]g", "::f|g", "cd", "ab", "::xz", "::xyz",
      "a/b/sdk.h", "::std::this_thread::sleep_for", "::other"};
  for (const char *P : Patterns) {
    std::string Error;
    auto Re = compileBoundedRegex(P, Error);
    ASSERT_TRUE(Re) << P << ": " << Error;
    std::string Lit = requiredLiteral(P);
    for (const char *N : Names)
      if (Re->match(N))
        EXPECT_NE(std::string(N).find(Lit), std::string::npos)
            << "pattern " << P << " matches " << N << " without '" << Lit
            << "'";
  }
}

//===--------------------------------------------------------------------===//
// literalAlternatives: patterns that are lists of names become lookups.
//===--------------------------------------------------------------------===//

TEST(LiteralAlternatives, ExpandsGroupsOfPlainAlternatives) {
  std::vector<std::string> Out;
  ASSERT_TRUE(literalAlternatives("^::(boost::)?asio::(post|defer)$", Out));
  std::sort(Out.begin(), Out.end());
  EXPECT_EQ(Out, (std::vector<std::string>{"::asio::defer", "::asio::post",
                                           "::boost::asio::defer",
                                           "::boost::asio::post"}));
  ASSERT_TRUE(literalAlternatives("^::a\\.b$", Out));
  EXPECT_EQ(Out, (std::vector<std::string>{"::a.b"}));
}

TEST(LiteralAlternatives, RefusesAnythingElse) {
  std::vector<std::string> Out;
  for (const char *P :
       {"^::(str|mem)[a-z_]*$", "^::(sin|cos)f?$", "^::a", "::a$", "^::a+$",
        "^::(a|b)+$", "^::a.$", "^::(a(b|c))$", "^::(a|b)$|^::c$"}) {
    EXPECT_FALSE(literalAlternatives(P, Out)) << P;
    EXPECT_TRUE(Out.empty()) << P;
  }
  // Too many names: the automaton is cheaper than the list.
  EXPECT_FALSE(literalAlternatives("^(a|b)(a|b)(a|b)(a|b)$", Out, 8));
}

// A listed pattern matches exactly the names it lists.
TEST(LiteralAlternatives, AgreesWithTheAutomaton) {
  const char *P = "^::(JavaVM_|_JavaVM)::(Attach|Detach)(CurrentThread)?$";
  std::vector<std::string> Names;
  ASSERT_TRUE(literalAlternatives(P, Names));
  EXPECT_EQ(Names.size(), 8u);
  std::string Error;
  auto Re = compileBoundedRegex(P, Error);
  ASSERT_TRUE(Re);
  for (const std::string &N : Names)
    EXPECT_TRUE(Re->match(N)) << N;
  for (const char *N : {"::JavaVM_::Attach", "::JavaVM_::AttachX",
                        "::_JavaVM::DetachCurrentThread", "::JavaVM::Attach",
                        "x::JavaVM_::Attach"})
    EXPECT_EQ(Re->match(N),
              std::find(Names.begin(), Names.end(), N) != Names.end())
        << N;
}

//===--------------------------------------------------------------------===//
// readFacts: the pull reader of what to_json writes.
//===--------------------------------------------------------------------===//

SourceLoc loc(const char *File, unsigned Line) {
  SourceLoc L;
  L.File = File;
  L.Line = L.EndLine = Line;
  L.Col = 3;
  L.EndCol = 9;
  L.Offset = Line * 10;
  L.EndOffset = Line * 10 + 6;
  return L;
}

TuFacts sample() {
  TuFacts T;
  T.MainFile = "/src/a \"quoted\" \xc3\xa9.cpp";
  T.RulesDigest = "0123456789abcdef";
  T.Orders.push_back({"A::mu", "B::mu", loc("/src/a.h", 4)});
  FunctionFact F;
  F.Usr = "c:@F@serve#";
  F.Name = "::serve";
  F.At = loc("/src/a.cpp", 10);
  F.HasBody = true;
  F.EntryContext = "event-loop";
  F.EntryReason = "the coroutine";
  CallFact C;
  C.Callee = "c:@F@helper#I#";
  C.CalleeName = "::helper";
  C.At = loc("/src/a.cpp", 11);
  HeldLock H;
  H.Id = "Server::mu_";
  H.AcquiredAt = loc("/src/a.cpp", 10);
  H.Instance = "this";
  H.Param = -1;
  C.Held.push_back(H);
  C.ArgLocks.push_back({0, "Server::mu_", "this"});
  C.FdArgs.push_back({1, "local:fd", true, false, -1, {{"c:@F@set#", 0}}});
  F.Calls.push_back(C);
  BlockingFact B;
  B.Api = "::recv";
  B.Kind = "socket-io";
  B.Alternative = "tab\there, newline\n, control \x01";
  B.OnlyIn.push_back("fiber");
  B.At = loc("/src/a.cpp", 12);
  B.Fixes.push_back({"fiber", true, {{"/src/a.cpp", 5, 2, "x", "d"}}});
  F.Blocking.push_back(B);
  AcquireFact A;
  A.Lock = H;
  A.Try = true;
  A.At = loc("/src/a.cpp", 13);
  A.MergeWith = "Other::mu";
  A.MergeFix.push_back({"/src/a.cpp", 1, 2, "std::scoped_lock", "merge"});
  F.Acquires.push_back(A);
  F.Spawns.push_back({"c:@F@t#", "::t", "", "::std::thread", loc("/src/a.cpp", 14)});
  ReadFact R;
  R.Api = "::read";
  R.Mode = "posix";
  R.Family = "posix";
  R.Fd = "fd";
  R.Key = "param:0";
  R.Param = 0;
  R.At = loc("/src/a.cpp", 15);
  F.Reads.push_back(R);
  F.DeadlineParams.push_back(2);
  F.DeadlineParamCalls.push_back({1, {"c:@F@set#", 0}});
  F.DeadlineMembers.push_back("member:Conn::fd_");
  ChannelFact Ch;
  Ch.Key = "run::ch@/src/a.cpp:3:1";
  Ch.Holds = -1;
  Ch.At = loc("/src/a.cpp", 3);
  F.Channels.Channels.push_back(Ch);
  ChannelOpFact Op;
  Op.Key = Ch.Key;
  Op.Op = "send";
  Op.SpawnedBefore.push_back("c:@F@t#");
  F.Channels.Ops.push_back(Op);
  F.Channels.Escapes.push_back({Ch.Key, "", 4, loc("/src/a.cpp", 5)});
  T.Functions.push_back(F);
  FunctionFact Decl;
  Decl.Usr = "c:@F@helper#I#";
  Decl.Name = "::helper";
  Decl.ExternC = true;
  T.Functions.push_back(Decl);
  return T;
}

std::string dump(const TuFacts &T) {
  nlohmann::json J;
  to_json(J, T);
  return J.dump();
}

TEST(ReadFacts, RoundTripsWhatToJsonWrites) {
  TuFacts T = sample();
  std::string Text = dump(T);
  TuFacts Back;
  readFacts(Text, Back);
  EXPECT_EQ(dump(Back), Text);
  EXPECT_EQ(Back.Functions[0].Blocking[0].Alternative,
            T.Functions[0].Blocking[0].Alternative);
  EXPECT_EQ(Back.MainFile, T.MainFile);
}

TEST(ReadFacts, ReadsPrettyPrintedAndUnicodeEscapes) {
  nlohmann::json J;
  to_json(J, sample());
  std::string Pretty = J.dump(2, ' ', true); // \u escapes for non-ASCII
  TuFacts Back;
  readFacts(Pretty, Back);
  EXPECT_EQ(Back.MainFile, sample().MainFile);
  EXPECT_EQ(dump(Back), dump(sample()));
}

TEST(ReadFacts, EveryTruncationIsAnErrorNotACrash) {
  std::string Text = dump(sample());
  for (size_t N = 0; N + 1 < Text.size(); ++N) {
    TuFacts Back;
    EXPECT_THROW(readFacts(std::string_view(Text).substr(0, N), Back),
                 std::runtime_error)
        << "prefix of " << N << " bytes";
  }
}

TEST(ReadFacts, ErrorsSayWhatAndWhere) {
  TuFacts Back;
  try {
    readFacts(R"({"blockwatch_facts": 3, "functions": [{"usr": 7}]})", Back);
    FAIL() << "accepted a number as a USR";
  } catch (const std::runtime_error &E) {
    EXPECT_STREQ(E.what(), "malformed facts at byte 46: expected a string");
  }
  try {
    readFacts(R"({"blockwatch_facts": 99})", Back);
    FAIL();
  } catch (const std::runtime_error &E) {
    EXPECT_NE(std::string(E.what()).find("facts version 99"),
              std::string::npos);
  }
  EXPECT_THROW(readFacts(R"({"functions": []})", Back), std::runtime_error);
  EXPECT_THROW(readFacts(R"({"blockwatch_facts": 3} x)", Back),
               std::runtime_error);
}

//===--------------------------------------------------------------------===//
// Program: the merge by USR.
//===--------------------------------------------------------------------===//

FunctionFact body(const char *Usr, const char *File, unsigned Line,
                  const char *Calls = nullptr) {
  FunctionFact F;
  F.Usr = Usr;
  F.Name = Usr;
  F.At = loc(File, Line);
  F.HasBody = true;
  if (Calls) {
    CallFact C;
    C.Callee = Calls;
    F.Calls.push_back(C);
  }
  return F;
}

TEST(Program, HeaderFunctionsMergeAndOtherProgramsDefinitionsStayApart) {
  TuFacts A, B;
  A.MainFile = "/p1/main.cpp";
  A.Functions = {body("work", "/p1/main.cpp", 3), body("main", "/p1/main.cpp", 9, "work"),
                 body("inl", "/inc/h.h", 2)};
  B.MainFile = "/p2/main.cpp";
  B.Functions = {body("work", "/p2/main.cpp", 5), body("main2", "/p2/main.cpp", 9, "work"),
                 body("inl", "/inc/h.h", 2)};
  Program P;
  P.add(std::move(A));
  P.add(std::move(B));
  std::vector<std::string> Usrs;
  for (const FunctionFact *F : P.functions())
    Usrs.push_back(F->Usr);
  EXPECT_EQ(Usrs, (std::vector<std::string>{"inl", "main", "main2", "work",
                                             "work@/p2/main.cpp"}));
  EXPECT_EQ(P.find("main2")->Calls[0].Callee, "work@/p2/main.cpp");
  EXPECT_EQ(P.find("main")->Calls[0].Callee, "work");
  EXPECT_EQ(P.id("nope"), -1);
}

TEST(Program, ABodyReplacesADeclaration) {
  TuFacts A, B;
  A.MainFile = "/a.cpp";
  FunctionFact Decl;
  Decl.Usr = "f";
  A.Functions.push_back(Decl);
  B.MainFile = "/b.cpp";
  B.Functions.push_back(body("f", "/b.cpp", 1));
  Program P;
  P.add(std::move(A));
  P.add(std::move(B));
  ASSERT_EQ(P.functions().size(), 1u);
  EXPECT_TRUE(P.find("f")->HasBody);
}

//===--------------------------------------------------------------------===//
// SparseVector and FileName: compact facts behave like what they replace.
//===--------------------------------------------------------------------===//

TEST(SparseVector, BehavesLikeAVector) {
  SparseVector<int> V;
  EXPECT_TRUE(V.empty());
  EXPECT_EQ(V.begin(), V.end());
  V.push_back(1);
  V.emplace_back(2);
  SparseVector<int> Copy = V;
  V.clear();
  EXPECT_TRUE(V.empty());
  EXPECT_EQ(Copy.vec(), (std::vector<int>{1, 2}));
  SparseVector<int> Moved = std::move(Copy);
  EXPECT_EQ(Moved.size(), 2u);
  EXPECT_EQ(Moved.back(), 2);
}

TEST(FileName, InternsAndOrdersByContent) {
  FileName A("/b/x.cpp"), B(std::string("/b/x.cpp")), C("/a/y.cpp");
  EXPECT_EQ(&A.str(), &B.str());
  EXPECT_TRUE(C < A);
  EXPECT_FALSE(A < B);
  EXPECT_TRUE(FileName().empty());
}

} // namespace
