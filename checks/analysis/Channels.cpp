//===- Channels.cpp - channel facts and blockwatch-channel-self-deadlock --===//
#include "Channels.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/AST/TypeLoc.h"
#include "clang/Analysis/Analyses/PostOrderCFGView.h"
#include "clang/Analysis/CFG.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <map>
#include <optional>
#include <set>

using namespace clang;

namespace blockwatch {

const Expr *bareExpr(const Expr *E) {
  while (E) {
    const Expr *Next = E->IgnoreParenImpCasts();
    if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(Next))
      Next = M->getSubExpr();
    else if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(Next))
      Next = B->getSubExpr();
    else if (const auto *C = dyn_cast<ExprWithCleanups>(Next))
      Next = C->getSubExpr();
    if (Next == E)
      return E;
    E = Next;
  }
  return E;
}

namespace {

bool isSend(const std::string &Op) {
  return Op == "send" || Op == "try_send" || Op == "timed_send";
}
bool isReceive(const std::string &Op) {
  return Op == "receive" || Op == "try_receive" || Op == "timed_receive";
}

/// A channel named by an expression.
struct ChanRef {
  std::string Key;
  const ChannelType *Type = nullptr;
};

/// What may or must have happened to one channel on the paths to a point.
struct ChanState {
  unsigned MinSends = 0, MaxReceives = 0;
  bool AnySend = false, Closed = false, Opaque = false;
  std::set<std::string> Spawned;
  bool operator==(const ChanState &O) const {
    return MinSends == O.MinSends && MaxReceives == O.MaxReceives &&
           AnySend == O.AnySend && Closed == O.Closed && Opaque == O.Opaque &&
           Spawned == O.Spawned;
  }
};
using State = std::map<std::string, ChanState>;

/// Receives counted on any path; a cap keeps loops finite.
constexpr unsigned ReceiveCap = 64;

class ChannelCollector {
public:
  ChannelCollector(ASTContext &Ctx, const RuleSet &Rules,
                   const FunctionDecl *FD, const Stmt *Body,
                   const ChannelNaming &Naming, FunctionFact &Fn)
      : Ctx(Ctx), Rules(Rules), FD(FD), Body(Body), Naming(Naming), Fn(Fn),
        Parents(const_cast<Stmt *>(Body)) {}

  void run();

private:
  ASTContext &Ctx;
  const RuleSet &Rules;
  const FunctionDecl *FD;
  const Stmt *Body;
  const ChannelNaming &Naming;
  FunctionFact &Fn;
  ParentMap Parents;
  bool Recording = false;
  /// Calls that are the operand of a co_await.
  llvm::DenseSet<const Expr *> Awaited;
  /// Where the function starts callables elsewhere, and their targets.
  std::map<SourceLoc, std::vector<std::string>> SpawnTargets;
  std::set<std::pair<std::string, unsigned>> Escaped;

  std::optional<ChanRef> refOf(const Expr *E);
  std::string keyOf(const FunctionDecl *Owner, const VarDecl *V,
                     bool WithDecl);
  const std::vector<std::string> *spawnAt(const Stmt *S);
  bool underSpawnOrLambda(const Stmt *S);
  void transfer(State &S, const Stmt *St, unsigned Order, bool InLoop);
  void declare(State &S, const VarDecl *VD);
  void escape(State &S, const Expr *Within, const std::vector<std::string> *Targets,
              const SourceLoc &At, unsigned Order);
  void escapeOne(State &S, const std::string &Key, const std::string &Target,
                 const SourceLoc &At, unsigned Order);
  void growFix(ChannelFact &C, const VarDecl *VD, const CXXConstructExpr *CE,
               const ChannelType *CT);
};

std::string ChannelCollector::keyOf(const FunctionDecl *Owner,
                                    const VarDecl *V, bool WithDecl) {
  std::string K = (Owner ? Naming.QualName(Owner).substr(2) + "::" : "") +
                  V->getNameAsString();
  if (!WithDecl)
    return K;
  SourceLoc L = Naming.Loc(V->getLocation());
  return K + "@" + L.File.str() + ":" + std::to_string(L.Line) + ":" +
         std::to_string(L.Col);
}

std::optional<ChanRef> ChannelCollector::refOf(const Expr *E) {
  E = bareExpr(E);
  if (const auto *ME = dyn_cast_or_null<MemberExpr>(E)) {
    const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl());
    const ChannelType *CT =
        F ? Rules.channel(Naming.TypeName(F->getType())) : nullptr;
    if (!CT)
      return std::nullopt;
    return ChanRef{Naming.QualName(F).substr(2), CT};
  }
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E);
  const auto *V = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  const ChannelType *CT =
      V ? Rules.channel(Naming.TypeName(V->getType())) : nullptr;
  if (!CT)
    return std::nullopt;
  if (V->hasGlobalStorage())
    return ChanRef{Naming.QualName(V).substr(2), CT};
  const auto *Owner = dyn_cast_or_null<FunctionDecl>(
      V->getParentFunctionOrMethod());
  // Only a channel object declared here is one instance per call whose
  // every use this function (and the lambdas it starts) shows.
  bool Owned = !isa<ParmVarDecl>(V) && !V->getType()->isReferenceType() &&
               !V->getType()->isPointerType();
  return ChanRef{keyOf(Owner, V, Owned), CT};
}

const std::vector<std::string> *ChannelCollector::spawnAt(const Stmt *S) {
  if (!isa<CallExpr>(S) && !isa<CXXConstructExpr>(S))
    return nullptr;
  auto It = SpawnTargets.find(Naming.Loc(S->getSourceRange()));
  return It == SpawnTargets.end() ? nullptr : &It->second;
}

bool ChannelCollector::underSpawnOrLambda(const Stmt *S) {
  for (const Stmt *P = Parents.getParent(S); P; P = Parents.getParent(P))
    if (isa<LambdaExpr>(P) || spawnAt(P))
      return true;
  return false;
}

void ChannelCollector::escapeOne(State &S, const std::string &Key,
                                 const std::string &Target, const SourceLoc &At,
                                 unsigned Order) {
  if (Target.empty())
    S[Key].Opaque = true;
  else
    S[Key].Spawned.insert(Target);
  if (Recording && Escaped.insert({Key + "\n" + Target, Order}).second)
    Fn.Channels.Escapes.push_back({Key, Target, Order, At});
}

/// Every channel named inside \p Within leaves the function: into the
/// callables \p Targets started there when a lambda captures it, to code
/// not visible here otherwise.
void ChannelCollector::escape(State &S, const Expr *Within,
                              const std::vector<std::string> *Targets,
                              const SourceLoc &At, unsigned Order) {
  struct Finder : RecursiveASTVisitor<Finder> {
    ChannelCollector &C;
    unsigned InLambda = 0;
    std::vector<std::pair<ChanRef, bool>> Found;
    explicit Finder(ChannelCollector &C) : C(C) {}
    bool TraverseLambdaExpr(LambdaExpr *LE) {
      ++InLambda;
      RecursiveASTVisitor::TraverseLambdaExpr(LE);
      --InLambda;
      return true;
    }
    bool VisitDeclRefExpr(DeclRefExpr *E) { return add(E); }
    bool VisitMemberExpr(MemberExpr *E) { return add(E); }
    bool add(const Expr *E) {
      if (auto R = C.refOf(E))
        Found.push_back({*R, InLambda > 0});
      return true;
    }
  } F(*this);
  F.TraverseStmt(const_cast<Expr *>(Within));
  for (const auto &[R, Captured] : F.Found) {
    if (Captured && Targets && !Targets->empty())
      for (const std::string &T : *Targets)
        escapeOne(S, R.Key, T, At, Order);
    else
      escapeOne(S, R.Key, "", At, Order);
  }
}

void ChannelCollector::growFix(ChannelFact &C, const VarDecl *VD,
                               const CXXConstructExpr *CE,
                               const ChannelType *CT) {
  auto Edit = [&](SourceRange R, bool InsertAfter, const std::string &Text) {
    SourceLoc L = Naming.Loc(R);
    unsigned Off = InsertAfter ? L.EndOffset : L.Offset;
    C.GrowFix.push_back({L.File, Off, InsertAfter ? 0 : L.EndOffset - L.Offset,
                         Text, "give '" + C.Name + "' a capacity of $N"});
  };
  if (!CE || VD->getBeginLoc().isMacroID() || VD->getEndLoc().isMacroID())
    return;
  const ChannelType *Target = CT;
  if (CT->CapacityArg >= 0) {
    unsigned Arg = CT->CapacityArg;
    if (Arg < CE->getNumArgs() && !isa<CXXDefaultArgExpr>(CE->getArg(Arg)))
      Edit(CE->getArg(Arg)->getSourceRange(), false, "$N");
    else if (Arg >= 1 && Arg <= CE->getNumArgs() &&
             !isa<CXXDefaultArgExpr>(CE->getArg(Arg - 1)))
      Edit(CE->getArg(Arg - 1)->getSourceRange(), true, ", $N");
    else if (Arg == 0 && CE->getParenOrBraceRange().isValid())
      Edit(CE->getParenOrBraceRange(), false, "{$N}");
    else if (Arg == 0)
      Edit(SourceRange(VD->getLocation()), true, "{$N}");
    else
      return;
  } else {
    Target = CT->GrowInto.empty() ? nullptr : Rules.channel(CT->GrowInto);
    if (!Target || Target->CapacityArg != 0 || CE->getNumArgs() != 0 ||
        !VD->getTypeSourceInfo())
      return;
    TypeLoc TL = VD->getTypeSourceInfo()->getTypeLoc();
    if (auto ETL = TL.getAs<ElaboratedTypeLoc>())
      TL = ETL.getNamedTypeLoc();
    auto TSTL = TL.getAs<TemplateSpecializationTypeLoc>();
    if (!TSTL || TSTL.getTemplateNameLoc().isMacroID())
      return;
    Edit(SourceRange(TSTL.getTemplateNameLoc()), false,
         CT->GrowInto.substr(CT->GrowInto.rfind("::") + 2));
    if (CE->getParenOrBraceRange().isValid())
      Edit(CE->getParenOrBraceRange(), false, "{$N}");
    else
      Edit(SourceRange(VD->getLocation()), true, "{$N}");
  }
  C.GrowPowerOfTwo = Target->PowerOfTwo;
  C.GrowHoldsOneLess = Target->HoldsOneLess;
}

void ChannelCollector::declare(State &S, const VarDecl *VD) {
  const ChannelType *CT = Rules.channel(Naming.TypeName(VD->getType()));
  if (!CT || !VD->hasLocalStorage() || isa<ParmVarDecl>(VD) ||
      VD->getType()->isReferenceType() || VD->getType()->isPointerType())
    return;
  ChannelFact C;
  C.Key = keyOf(FD, VD, true);
  // A channel declared in a loop body is a new one on every iteration.
  S[C.Key] = ChanState();
  if (!Recording)
    return;
  C.Name = VD->getNameAsString();
  C.Type = CT->Type.text();
  C.Task = CT->Task;
  C.At = Naming.Loc(VD->getLocation());
  const auto *CE = dyn_cast_or_null<CXXConstructExpr>(
      VD->getInit() ? bareExpr(VD->getInit()) : nullptr);
  long long Capacity = CT->Capacity;
  if (CT->CapacityArg >= 0 && CE &&
      CT->CapacityArg < static_cast<int>(CE->getNumArgs()) &&
      !isa<CXXDefaultArgExpr>(CE->getArg(CT->CapacityArg))) {
    Expr::EvalResult R;
    const Expr *A = CE->getArg(CT->CapacityArg);
    Capacity = !A->isValueDependent() && A->EvaluateAsInt(R, Ctx)
                   ? R.Val.getInt().getExtValue()
                   : -1;
  } else if (CT->CapacityArg >= 0 && !CE) {
    Capacity = -1;
  }
  C.Holds = Capacity < 0 ? -1
                         : std::max(0LL, Capacity - (CT->HoldsOneLess ? 1 : 0));
  growFix(C, VD, CE, CT);
  for (const ChannelFact &Old : Fn.Channels.Channels)
    if (Old.Key == C.Key)
      return;
  Fn.Channels.Channels.push_back(std::move(C));
}

void ChannelCollector::transfer(State &S, const Stmt *St, unsigned Order,
                                bool InLoop) {
  if (const auto *DS = dyn_cast<DeclStmt>(St)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D))
        declare(S, VD);
    return;
  }
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(St)) {
    const CXXMethodDecl *M = MC->getMethodDecl();
    auto R = refOf(MC->getImplicitObjectArgument());
    if (R && M && M->getIdentifier()) {
      auto Op = R->Type->Ops.find(M->getName().str());
      if (Op == R->Type->Ops.end())
        return;
      const std::string &Kind = Op->second;
      bool Blocking = (Kind == "send" || Kind == "receive") &&
                      (!R->Type->Awaited || Awaited.count(MC));
      ChanState &CS = S[R->Key];
      if (Recording) {
        ChannelOpFact O;
        O.Key = R->Key;
        O.Op = Kind;
        O.Method = Op->first;
        O.Blocking = Blocking;
        O.InLoop = InLoop;
        O.Order = Order;
        O.At = Naming.Loc(MC->getSourceRange());
        O.SendsBefore = CS.MinSends;
        O.ReceivesBefore = CS.MaxReceives;
        O.AnySendBefore = CS.AnySend;
        O.ClosedBefore = CS.Closed;
        O.OpaqueBefore = CS.Opaque;
        O.SpawnedBefore.assign(CS.Spawned.begin(), CS.Spawned.end());
        Fn.Channels.Ops.push_back(std::move(O));
      }
      if (Kind == "close")
        CS.Closed = true;
      if (isSend(Kind))
        CS.AnySend = true;
      if (Kind == "send" && Blocking)
        ++CS.MinSends;
      if (isReceive(Kind))
        CS.MaxReceives = std::min(ReceiveCap, CS.MaxReceives + 1);
      return;
    }
  }
  if (const auto *Targets = spawnAt(St)) {
    SourceLoc At = Naming.Loc(St->getSourceRange());
    if (const auto *CE = dyn_cast<CallExpr>(St))
      for (const Expr *A : CE->arguments())
        escape(S, A, Targets, At, Order);
    else
      for (const Expr *A : cast<CXXConstructExpr>(St)->arguments())
        escape(S, A, Targets, At, Order);
    return;
  }
  if (const auto *LE = dyn_cast<LambdaExpr>(St)) {
    // A lambda kept for later may be started or called at any point.
    if (!underSpawnOrLambda(LE))
      escape(S, LE, nullptr, Naming.Loc(LE->getSourceRange()), Order);
    return;
  }
  const auto *E = dyn_cast<Expr>(St);
  if (!E || (!isa<DeclRefExpr>(E) && !isa<MemberExpr>(E)))
    return;
  auto R = refOf(E);
  if (!R || underSpawnOrLambda(E))
    return;
  // 'ch.method(...)': an operation, or a query that lets nothing escape.
  const Stmt *P = Parents.getParentIgnoreParenImpCasts(const_cast<Expr *>(E));
  if (const auto *ME = dyn_cast_or_null<MemberExpr>(P))
    if (isa<CXXMethodDecl>(ME->getMemberDecl()))
      return;
  escapeOne(S, R->Key, "", Naming.Loc(E->getSourceRange()), Order);
}

void ChannelCollector::run() {
  for (const SpawnFact &Sp : Fn.Spawns)
    SpawnTargets[Sp.At].push_back(Sp.Target);
  struct FindAwaits : RecursiveASTVisitor<FindAwaits> {
    llvm::DenseSet<const Expr *> &Out;
    explicit FindAwaits(llvm::DenseSet<const Expr *> &Out) : Out(Out) {}
    bool VisitCoawaitExpr(CoawaitExpr *CA) {
      Out.insert(bareExpr(CA->getOperand()));
      return true;
    }
    bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  };
  FindAwaits(Awaited).TraverseStmt(const_cast<Stmt *>(Body));

  CFG::BuildOptions BO;
  BO.AddImplicitDtors = true;
  BO.AddInitializers = true;
  BO.setAllAlwaysAdd();
  std::unique_ptr<CFG> G =
      CFG::buildCFG(FD, const_cast<Stmt *>(Body), &Ctx, BO);
  if (!G)
    return;
  PostOrderCFGView RPO(G.get());
  std::vector<unsigned> Position(G->getNumBlockIDs());
  unsigned N = 0;
  for (const CFGBlock *B : RPO)
    Position[B->getBlockID()] = N++;
  // A block is in a loop when it reaches itself.
  auto InLoop = [&](const CFGBlock *From) {
    std::vector<bool> Seen(G->getNumBlockIDs());
    std::vector<const CFGBlock *> Work(From->succ_begin(), From->succ_end());
    while (!Work.empty()) {
      const CFGBlock *B = Work.back();
      Work.pop_back();
      if (!B || Seen[B->getBlockID()])
        continue;
      if (B == From)
        return true;
      Seen[B->getBlockID()] = true;
      Work.insert(Work.end(), B->succ_begin(), B->succ_end());
    }
    return false;
  };

  auto Meet = [](std::optional<State> &Into, const State &From) {
    if (!Into) {
      Into = From;
      return true;
    }
    State Old = *Into;
    for (const auto &[Key, FS] : From) {
      auto It = Into->find(Key);
      if (It == Into->end()) {
        ChanState CS = FS;
        CS.MinSends = 0;
        Into->emplace(Key, CS);
        continue;
      }
      ChanState &CS = It->second;
      CS.MinSends = std::min(CS.MinSends, FS.MinSends);
      CS.MaxReceives = std::max(CS.MaxReceives, FS.MaxReceives);
      CS.AnySend |= FS.AnySend;
      CS.Closed |= FS.Closed;
      CS.Opaque |= FS.Opaque;
      CS.Spawned.insert(FS.Spawned.begin(), FS.Spawned.end());
    }
    for (auto &[Key, CS] : *Into)
      if (!From.count(Key))
        CS.MinSends = 0;
    return !(Old == *Into);
  };
  std::vector<std::optional<State>> In(G->getNumBlockIDs());
  In[G->getEntry().getBlockID()] = State();
  auto RunBlock = [&](const CFGBlock *B, State S) {
    bool Loop = Recording && InLoop(B);
    unsigned Idx = 0;
    llvm::DenseSet<const Stmt *> Done;
    for (const CFGElement &E : *B) {
      ++Idx;
      if (auto CS = E.getAs<CFGStmt>())
        if (Done.insert(CS->getStmt()).second)
          transfer(S, CS->getStmt(), Position[B->getBlockID()] * 4096 + Idx,
                   Loop);
    }
    return S;
  };
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const CFGBlock *B : RPO) {
      if (!In[B->getBlockID()])
        continue;
      State Out = RunBlock(B, *In[B->getBlockID()]);
      for (const CFGBlock *Succ : B->succs())
        if (Succ)
          Changed |= Meet(In[Succ->getBlockID()], Out);
    }
  }
  Recording = true;
  for (const CFGBlock *B : RPO)
    if (In[B->getBlockID()])
      RunBlock(B, *In[B->getBlockID()]);
}

//===----------------------------------------------------------------------===//
// The rule
//===----------------------------------------------------------------------===//

struct Use {
  const FunctionFact *Fn;
  const ChannelOpFact *Op;
};

class SelfDeadlock {
public:
  SelfDeadlock(const Program &P, std::vector<Finding> &Out) : P(P), Out(Out) {
    for (const FunctionFact *F : P.functions()) {
      for (const ChannelFact &C : F->Channels.Channels)
        Owners.emplace(C.Key, std::make_pair(F, &C));
      for (const ChannelOpFact &O : F->Channels.Ops)
        Uses[O.Key].push_back({F, &O});
      for (const ChannelEscapeFact &E : F->Channels.Escapes)
        Escapes[E.Key].push_back(&E);
    }
  }

  void run() {
    for (const auto &[Key, Owner] : Owners) {
      const auto &[F, C] = Owner;
      ownerOps(*F, *C);
      capturedReceives(*F, *C);
    }
  }

private:
  const Program &P;
  std::vector<Finding> &Out;
  std::map<std::string, std::pair<const FunctionFact *, const ChannelFact *>>
      Owners;
  std::map<std::string, std::vector<Use>> Uses;
  std::map<std::string, std::vector<const ChannelEscapeFact *>> Escapes;

  const FunctionFact *fn(const std::string &Usr) const { return P.find(Usr); }

  /// Can the callable \p Usr, started with the channel, do what \p Wanted
  /// accepts with it? Unknown code, and code that hands the channel on, can.
  bool peerCan(const std::string &Usr, const std::string &Key,
               bool (*Wanted)(const std::string &)) const {
    const FunctionFact *T = fn(Usr);
    if (!T || !T->HasBody)
      return true;
    for (const ChannelOpFact &O : T->Channels.Ops)
      if (O.Key == Key && Wanted(O.Op))
        return true;
    for (const ChannelEscapeFact &E : T->Channels.Escapes)
      if (E.Key == Key)
        return true;
    return false;
  }
  static bool receives(const std::string &Op) { return isReceive(Op); }
  static bool sendsOrCloses(const std::string &Op) {
    return isSend(Op) || Op == "close";
  }

  /// Would \p O wait forever in the function that owns the channel?
  bool stuck(const ChannelOpFact &O, const ChannelFact &C) const {
    if (!O.Blocking || O.ClosedBefore || O.OpaqueBefore)
      return false;
    if (O.Op == "send") {
      for (const std::string &T : O.SpawnedBefore)
        if (peerCan(T, C.Key, receives))
          return false;
      return C.Holds >= 0 &&
             static_cast<long long>(O.SendsBefore) -
                     static_cast<long long>(O.ReceivesBefore) >=
                 C.Holds;
    }
    if (O.Op == "receive") {
      for (const std::string &T : O.SpawnedBefore)
        if (peerCan(T, C.Key, sendsOrCloses))
          return false;
      return !O.AnySendBefore;
    }
    return false;
  }

  static std::string what(const ChannelFact &C, const ChannelOpFact &O) {
    return "'" + C.Name + "." + O.Method + "'";
  }

  void ownerOps(const FunctionFact &F, const ChannelFact &C) {
    std::vector<const ChannelOpFact *> Ops;
    for (const ChannelOpFact &O : F.Channels.Ops)
      if (O.Key == C.Key)
        Ops.push_back(&O);
    std::sort(Ops.begin(), Ops.end(),
              [](auto *A, auto *B) { return A->Order < B->Order; });
    // The first operation that waits forever: nothing after it runs.
    const ChannelOpFact *Stuck = nullptr;
    for (const ChannelOpFact *O : Ops)
      if (stuck(*O, C)) {
        Stuck = O;
        break;
      }
    if (!Stuck)
      return;
    std::string Msg;
    if (Stuck->Op == "send" && C.Holds == 0)
      Msg = what(C, *Stuck) + " can never complete: no other " + C.Task +
            " receives from '" + C.Name + "' before this " + Stuck->Method +
            "; this " + C.Task + " blocks forever";
    else if (Stuck->Op == "send")
      Msg = what(C, *Stuck) + " can never complete: '" + C.Name +
            "' is full (it holds " + std::to_string(C.Holds) +
            (C.Holds == 1 ? " item" : " items") + ") and no other " + C.Task +
            " receives from it before this " + Stuck->Method + "; this " +
            C.Task + " blocks forever";
    else
      Msg = what(C, *Stuck) + " can never complete: nothing sends to '" +
            C.Name + "' or closes it before this " + Stuck->Method +
            "; this " + C.Task + " blocks forever";
    Finding Fd;
    Fd.Rule = rules::ChannelSelfDeadlock;
    Fd.At = Stuck->At;
    Fd.Message = Msg;
    Fd.Function = F.Name;
    Fd.Notes.push_back({C.At, "'" + C.Name + "' declared here" +
                                  (C.Holds == 0 ? " without a buffer"
                                   : C.Holds > 0
                                       ? ", holding " + std::to_string(C.Holds) +
                                             (C.Holds == 1 ? " item" : " items")
                                       : "")});
    for (const ChannelEscapeFact &E : F.Channels.Escapes)
      if (E.Key == C.Key && E.Order > Stuck->Order) {
        Fd.Notes.push_back(
            {E.At, E.Target.empty()
                       ? "'" + C.Name + "' reaches other code only here, after "
                                        "the " + Stuck->Method
                       : "a " + C.Task + " that can use '" + C.Name +
                             "' starts only here, after the " +
                             Stuck->Method});
        break;
      }
    if (Stuck->Op == "send")
      addGrowFix(Fd, C, Ops);
    else
      Fd.Notes.push_back({Stuck->At, "start the " + C.Task +
                                         " that sends to '" + C.Name +
                                         "' before this " + Stuck->Method});
    Out.push_back(std::move(Fd));
  }

  /// When only the buffer is too small (every send that waits is outside
  /// loops and no receive waits forever), a capacity fixes it.
  void addGrowFix(Finding &Fd, const ChannelFact &C,
                  const std::vector<const ChannelOpFact *> &Ops) {
    long long Needed = 0;
    bool Fixable = !C.GrowFix.empty();
    for (const ChannelOpFact *O : Ops) {
      ChannelFact Unbounded = C;
      Unbounded.Holds = 0;
      if (O->Op == "receive" && stuck(*O, C))
        Fixable = false;
      if (O->Op != "send" || !stuck(*O, Unbounded))
        continue;
      // A loop sends an unknown number; a started peer that only sends
      // needs room too.
      if (O->InLoop || !O->SpawnedBefore.empty())
        Fixable = false;
      Needed = std::max(Needed, static_cast<long long>(O->SendsBefore) -
                                    static_cast<long long>(O->ReceivesBefore) +
                                    1);
    }
    if (!Fixable) {
      Fd.Notes.push_back({Fd.At, "start the " + C.Task + " that receives from '" +
                                     C.Name + "' before the first send"});
      return;
    }
    long long N = Needed + (C.GrowHoldsOneLess ? 1 : 0);
    if (C.GrowPowerOfTwo) {
      long long P2 = 1;
      while (P2 < N)
        P2 *= 2;
      N = P2;
    }
    std::string Text = std::to_string(N);
    for (FixFact E : C.GrowFix) {
      for (std::string *S : {&E.Text, &E.Description})
        for (size_t At; (At = S->find("$N")) != std::string::npos;)
          S->replace(At, 2, Text);
      Fd.Fixes.push_back(std::move(E));
    }
    Fd.Notes.push_back({C.At, Fd.Fixes.front().Description +
                                  ", or start the " + C.Task +
                                  " that receives from it before the first "
                                  "send"});
  }

  /// A receive in a callable the channel was started with, when nothing
  /// anywhere sends to the channel or closes it and every place it reaches
  /// is visible.
  void capturedReceives(const FunctionFact &Owner, const ChannelFact &C) {
    const auto &U = Uses[C.Key];
    for (const Use &X : U)
      if (sendsOrCloses(X.Op->Op))
        return;
    for (const ChannelEscapeFact *E : Escapes[C.Key]) {
      const FunctionFact *T = E->Target.empty() ? nullptr : fn(E->Target);
      if (!T || !T->HasBody)
        return;
    }
    std::set<const FunctionFact *> Reported;
    for (const Use &X : U) {
      if (X.Fn == &Owner || !X.Op->Blocking || X.Op->Op != "receive" ||
          X.Op->ClosedBefore || !Reported.insert(X.Fn).second)
        continue;
      Finding Fd;
      Fd.Rule = rules::ChannelSelfDeadlock;
      Fd.At = X.Op->At;
      Fd.Message = what(C, *X.Op) + " can never complete: nothing sends to '" +
                   C.Name + "' or closes it; this " + C.Task +
                   " blocks forever";
      Fd.Function = X.Fn->Name;
      Fd.Notes.push_back({C.At, "'" + C.Name + "' declared here"});
      Out.push_back(std::move(Fd));
    }
  }
};

} // namespace

void collectChannels(ASTContext &Ctx, const RuleSet &Rules,
                     const FunctionDecl *FD, const Stmt *Body,
                     const ChannelNaming &Naming, FunctionFact &Fn) {
  if (Body)
    ChannelCollector(Ctx, Rules, FD, Body, Naming, Fn).run();
}

void channelSelfDeadlock(const Program &P, std::vector<Finding> &Out) {
  SelfDeadlock(P, Out).run();
}

} // namespace blockwatch
