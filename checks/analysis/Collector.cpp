//===- Collector.cpp - facts from the AST ---------------------------------===//
#include "Collector.h"
#include "Channels.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ASTLambda.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/Analyses/PostOrderCFGView.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <optional>
#include <set>

using namespace clang;

namespace blockwatch {
namespace {

/// "::ns::Class::member" with no template arguments and no inline
/// namespaces, the form rule packs use: a member of basic_socket<tcp> and of
/// basic_socket<udp> both match '::boost::asio::basic_socket::close'.
std::string plainName(const NamedDecl *D) {
  if (isa<CXXConstructorDecl>(D))
    return cast<CXXConstructorDecl>(D)->getParent()->getName().str();
  if (isa<CXXDestructorDecl>(D))
    return "~" + cast<CXXDestructorDecl>(D)->getParent()->getName().str();
  if (const IdentifierInfo *II = D->getIdentifier())
    return II->getName().str();
  // 'typedef struct {...} pthread_mutex_t;' is known by its typedef name.
  if (const auto *TD = dyn_cast<TagDecl>(D))
    if (const TypedefNameDecl *TN = TD->getTypedefNameForAnonDecl())
      return TN->getName().str();
  if (isa<RecordDecl>(D) || isa<NamespaceDecl>(D))
    return "(anonymous)";
  return D->getNameAsString();
}

std::string qualName(const NamedDecl *D) {
  std::string Q = plainName(D);
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (NS->isInline())
        continue;
      Q = plainName(NS) + "::" + Q;
    } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
      Q = plainName(RD) + "::" + Q;
    } else if (const auto *FD = dyn_cast<FunctionDecl>(DC)) {
      Q = plainName(FD) + "::" + Q;
    }
  }
  return "::" + Q;
}

/// The record a type names, through references, pointers and typedefs.
const CXXRecordDecl *recordOf(QualType T) {
  if (T.isNull())
    return nullptr;
  T = T.getNonReferenceType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType();
  return T->getAsCXXRecordDecl();
}

std::string typeName(QualType T) {
  if (const CXXRecordDecl *RD = recordOf(T))
    return qualName(RD);
  T = T.getNonReferenceType().getUnqualifiedType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType().getUnqualifiedType();
  if (const auto *TT = T->getAs<TypedefType>())
    return qualName(TT->getDecl());
  return "";
}

/// bareExpr, and through functional casts, '&' and '*' too: the object an
/// argument names.
const Expr *strip(const Expr *E) {
  while (E) {
    E = bareExpr(E);
    if (const auto *F = dyn_cast<CXXFunctionalCastExpr>(E))
      E = F->getSubExpr();
    else if (const auto *U = dyn_cast<UnaryOperator>(E);
             U && (U->getOpcode() == UO_AddrOf || U->getOpcode() == UO_Deref))
      E = U->getSubExpr();
    else
      return E;
  }
  return E;
}

/// Arguments written at the call: defaulted trailing ones (asio's
/// enable_if parameters) don't count as "the last argument".
int explicitArgs(llvm::ArrayRef<const Expr *> Args) {
  int N = static_cast<int>(Args.size());
  while (N > 0 && isa<CXXDefaultArgExpr>(Args[N - 1]))
    --N;
  return N;
}

/// The variable or data member an object expression names, looking through
/// a smart pointer's '*' and '->': its DeclRefExpr or MemberExpr, or null.
const Expr *objectNode(const Expr *E) {
  E = strip(E);
  if (const auto *OC = dyn_cast_or_null<CXXOperatorCallExpr>(E))
    if ((OC->getOperator() == OO_Arrow || OC->getOperator() == OO_Star) &&
        OC->getNumArgs() == 1)
      E = strip(OC->getArg(0));
  return isa_and_nonnull<DeclRefExpr, MemberExpr>(E) ? E : nullptr;
}

const ValueDecl *objectDecl(const Expr *E) {
  E = objectNode(E);
  if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E))
    return DRE->getDecl();
  if (const auto *ME = dyn_cast_or_null<MemberExpr>(E))
    return ME->getMemberDecl();
  return nullptr;
}

/// The constructor parameter an initializer copies, moves or refers to:
/// 'socket_(socket)', 'socket_(std::move(socket))', 'fd_(&fd)'.
const ParmVarDecl *initParam(const Expr *E) {
  for (unsigned Depth = 0; E && Depth < 4; ++Depth) {
    E = strip(E);
    if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E))
      return dyn_cast<ParmVarDecl>(DRE->getDecl());
    if (const auto *CE = dyn_cast_or_null<CXXConstructExpr>(E)) {
      if (CE->getNumArgs() != 1)
        return nullptr;
      E = CE->getArg(0);
      continue;
    }
    const auto *Call = dyn_cast_or_null<CallExpr>(E);
    const FunctionDecl *F = Call ? Call->getDirectCallee() : nullptr;
    if (!F || Call->getNumArgs() != 1 || !F->isInStdNamespace() ||
        (F->getName() != "move" && F->getName() != "forward"))
      return nullptr;
    E = Call->getArg(0);
  }
  return nullptr;
}

/// The length of a constant std::chrono::duration in nanoseconds.
std::optional<double> durationNs(const Expr *A, ASTContext &Ctx) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      A->getType()->getAsCXXRecordDecl());
  if (!Spec || Spec->getName() != "duration" || A->isValueDependent())
    return std::nullopt;
  const TemplateArgumentList &TA = Spec->getTemplateArgs();
  if (TA.size() != 2 || TA[1].getKind() != TemplateArgument::Type)
    return std::nullopt;
  // The period, std::ratio<Num, Den>.
  const auto *Ratio = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      TA[1].getAsType()->getAsCXXRecordDecl());
  if (!Ratio || Ratio->getTemplateArgs().size() != 2 ||
      Ratio->getTemplateArgs()[0].getKind() != TemplateArgument::Integral ||
      Ratio->getTemplateArgs()[1].getKind() != TemplateArgument::Integral)
    return std::nullopt;
  double Num = Ratio->getTemplateArgs()[0].getAsIntegral().getSExtValue();
  double Den = Ratio->getTemplateArgs()[1].getAsIntegral().getSExtValue();
  Expr::EvalResult R;
  if (Den == 0 || !A->EvaluateAsRValue(R, Ctx) || !R.Val.isStruct() ||
      R.Val.getStructNumFields() != 1)
    return std::nullopt;
  const APValue &Count = R.Val.getStructField(0);
  if (Count.isInt())
    return Count.getInt().getSExtValue() * Num * 1e9 / Den;
  if (Count.isFloat())
    return Count.getFloat().convertToDouble() * Num * 1e9 / Den;
  return std::nullopt;
}

/// A held lock inside the dataflow: the fact plus who releases it.
struct Held {
  HeldLock Lock;
  bool BlocksThread = true;
  const VarDecl *Guard = nullptr; ///< Null: held manually.
  bool operator==(const Held &O) const {
    return Lock.Id == O.Lock.Id && Guard == O.Guard &&
           Lock.Shared == O.Lock.Shared;
  }
};
using HeldSet = std::vector<Held>;

/// The mutex a lock-taking expression names.
struct MutexRef {
  std::string Id;
  const MutexType *Type = nullptr;
  std::string Instance = "?";
  int Param = -1;
};

class FunctionCollector;

class TuCollector : public RecursiveASTVisitor<TuCollector> {
public:
  TuCollector(ASTContext &Ctx, const RuleSet &Rules)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Rules(Rules) {}

  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaBodies() const { return true; }

  bool TraverseDecl(Decl *D) {
    if (!D)
      return true;
    // Library code is known through rule packs; walking its bodies would
    // cost most of the time and add nothing.
    if (!isa<TranslationUnitDecl>(D) && inSystem(D->getLocation()))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitFunctionDecl(FunctionDecl *FD);
  bool VisitLambdaExpr(LambdaExpr *LE);
  bool VisitDeclaratorDecl(DeclaratorDecl *D);

  void run();
  /// Runs \p Pass of a FunctionCollector over \p FD's body (inside the
  /// coroutine wrapper), before the facts are collected.
  void prescan(const FunctionDecl *FD,
               void (FunctionCollector::*Pass)(const Stmt *));
  void bindNonBlockingMembers();
  void findWorkerLoops();
  void carryExpiries();

  bool inSystem(SourceLocation L) const {
    return L.isValid() && SM.isInSystemHeader(SM.getFileLoc(L));
  }

  SourceLoc loc(SourceRange R) const;
  SourceLoc loc(SourceLocation L) const { return loc(SourceRange(L, L)); }
  std::string usr(const FunctionDecl *FD);
  std::string name(const FunctionDecl *FD);
  FunctionFact &declare(const FunctionDecl *FD);
  void collectFunction(const FunctionDecl *FD);

  ASTContext &Ctx;
  SourceManager &SM;
  const RuleSet &Rules;
  TuFacts Facts;
  std::vector<const FunctionDecl *> Pending;
  llvm::DenseMap<const FunctionDecl *, size_t> Index;
  llvm::DenseMap<const Decl *, std::string> QualNames;
  llvm::DenseMap<FileID, std::string> FileNames;
  /// Variables and fields made non-blocking anywhere in the TU, and the
  /// functions that return such a descriptor.
  llvm::DenseSet<const ValueDecl *> NonBlockingFds;
  llvm::DenseSet<const FunctionDecl *> NonBlockingReturners;
  /// Member and global descriptors a socket source assigns anywhere here.
  std::set<std::string> SocketMembers;
  bool nonBlockingFd(const Expr *E) const {
    E = strip(E);
    if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E))
      return NonBlockingFds.count(DRE->getDecl());
    if (const auto *ME = dyn_cast_or_null<MemberExpr>(E))
      return NonBlockingFds.count(ME->getMemberDecl());
    return false;
  }

  /// Data members a constructor initializes from one of its parameters
  /// ('session(tcp::socket &s) : socket_(s)'), and every construction seen:
  /// a member that each construction binds to a non-blocking descriptor is
  /// non-blocking too.
  std::map<std::pair<const FunctionDecl *, unsigned>, const FieldDecl *>
      ParamMembers;
  llvm::DenseSet<const CXXConstructExpr *> Constructions;

  /// Callables that some handoff starts on another thread, and the loops
  /// that entries schedule each callable on (null: a loop not named by an
  /// expression, such as an I/O object's).
  llvm::DenseSet<const FunctionDecl *> HandoffTargets;
  llvm::DenseMap<const FunctionDecl *, llvm::DenseSet<const ValueDecl *>>
      ScheduledOn;
  /// Calls that run a loop ('io.run()'): the function and the loop.
  std::vector<std::pair<const FunctionDecl *, const ValueDecl *>> LoopRuns;
  /// Expressions that name a loop to schedule work on it, run it or keep
  /// it alive: uses that bind no I/O to it.
  llvm::DenseSet<const Expr *> LoopOnlyUses;
  /// Loops whose only threads are ones started to run them and that carry
  /// no I/O: work scheduled on them is handed off.
  llvm::DenseSet<const ValueDecl *> WorkerLoops;
  /// The one loop that every entry starting \p FD schedules it on, or null.
  const ValueDecl *scheduledLoop(const FunctionDecl *FD) const {
    auto It = ScheduledOn.find(FD->getCanonicalDecl());
    if (It == ScheduledOn.end() || It->second.size() != 1)
      return nullptr;
    return *It->second.begin();
  }

  /// Where a call or a completion handler passes control on, with the
  /// member stream expiries in force there ("member:...#async"): an expiry
  /// set before an async_write bounds the read its handler starts.
  struct ChainEdge {
    const FunctionDecl *From, *To;
    std::vector<std::string> Keys;
    bool SameObject; ///< On 'this', or a handler of this object.
  };
  std::vector<ChainEdge> ChainEdges;
  /// Member expiries each function clears somewhere ('expires_never').
  llvm::DenseMap<const FunctionDecl *, std::set<std::string>> Cleared;

  const std::string &cachedQualName(const NamedDecl *D) {
    auto It = QualNames.find(D);
    if (It != QualNames.end())
      return It->second;
    return QualNames[D] = qualName(D);
  }

  /// A class as deadline facts name it: its qualified name and the file
  /// that defines it. A database may hold several programs with a class of
  /// the same name (asio's examples each have a 'session'); one's timer
  /// must not bound the other's reads. The name stays first, so a member
  /// key still reads "member:<class>::<member>".
  std::string classKey(const RecordDecl *RD) {
    const RecordDecl *Def = RD->getDefinition();
    SourceLoc L = loc(SM.getExpansionLoc((Def ? Def : RD)->getLocation()));
    return cachedQualName(RD) + "@" + L.File.str();
  }
  /// "member:<classKey>::<member>" for a data member, or its plain
  /// qualified name when it belongs to no class.
  std::string memberKey(const ValueDecl *Member) {
    if (const auto *RD = dyn_cast<RecordDecl>(Member->getDeclContext()))
      return "member:" + classKey(RD) + "::" + Member->getNameAsString();
    return "member:" + qualName(Member);
  }
};

std::string TuCollector::usr(const FunctionDecl *FD) {
  llvm::SmallString<128> Buf;
  if (!index::generateUSRForDecl(FD, Buf)) {
    std::string U(Buf.str());
    // Lambdas and local entities can share a USR across TUs; their location
    // tells them apart.
    if (!FD->isExternallyVisible() || isLambdaCallOperator(FD)) {
      SourceLoc L = loc(FD->getLocation());
      U += "@" + L.File.str() + ":" + std::to_string(L.Line) + ":" +
           std::to_string(L.Col);
    }
    return U;
  }
  SourceLoc L = loc(FD->getLocation());
  return "blockwatch:" + FD->getNameAsString() + "@" + L.File.str() + ":" +
         std::to_string(L.Line) + ":" + std::to_string(L.Col);
}

std::string TuCollector::name(const FunctionDecl *FD) {
  if (isLambdaCallOperator(FD)) {
    SourceLoc L = loc(cast<CXXMethodDecl>(FD)->getParent()->getLocation());
    std::string File = L.File.str().substr(L.File.str().rfind('/') + 1);
    return "(lambda at " + File + ":" + std::to_string(L.Line) + ":" +
           std::to_string(L.Col) + ")";
  }
  return qualName(FD);
}

SourceLoc TuCollector::loc(SourceRange R) const {
  SourceLoc Out;
  SourceLocation B = SM.getFileLoc(R.getBegin());
  SourceLocation E = SM.getFileLoc(R.getEnd());
  if (B.isInvalid())
    return Out;
  FileID FID = SM.getFileID(B);
  auto It = FileNames.find(FID);
  if (It == FileNames.end()) {
    std::string Name;
    if (OptionalFileEntryRef FE = SM.getFileEntryRefForID(FID)) {
      llvm::SmallString<256> P(FE->getName());
      llvm::sys::fs::make_absolute(P);
      llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
      Name = std::string(P.str());
    }
    It = const_cast<TuCollector *>(this)->FileNames.insert({FID, Name}).first;
  }
  Out.File = It->second;
  Out.Line = SM.getSpellingLineNumber(B);
  Out.Col = SM.getSpellingColumnNumber(B);
  Out.Offset = SM.getFileOffset(B);
  if (E.isInvalid() || SM.getFileID(E) != FID)
    E = B;
  SourceLocation EndTok =
      Lexer::getLocForEndOfToken(E, 0, SM, Ctx.getLangOpts());
  if (EndTok.isInvalid() || SM.getFileID(EndTok) != FID)
    EndTok = E;
  Out.EndLine = SM.getSpellingLineNumber(EndTok);
  Out.EndCol = SM.getSpellingColumnNumber(EndTok);
  Out.EndOffset = SM.getFileOffset(EndTok);
  return Out;
}

FunctionFact &TuCollector::declare(const FunctionDecl *FD) {
  FD = FD->getCanonicalDecl();
  auto It = Index.find(FD);
  if (It != Index.end())
    return Facts.Functions[It->second];
  FunctionFact F;
  F.Usr = usr(FD);
  F.Name = name(FD);
  const FunctionDecl *Def = FD->getDefinition();
  F.At = loc((Def ? Def : FD)->getLocation());
  F.ExternC = FD->isExternC();
  F.InSystemHeader = inSystem(FD->getLocation());
  F.ForeignApi = Rules.isForeignApi(cachedQualName(FD));
  Index[FD] = Facts.Functions.size();
  Facts.Functions.push_back(std::move(F));
  return Facts.Functions.back();
}

bool TuCollector::VisitFunctionDecl(FunctionDecl *FD) {
  if (!FD->doesThisDeclarationHaveABody() || FD->isDependentContext() ||
      FD->isInvalidDecl() || inSystem(FD->getLocation()))
    return true;
  Pending.push_back(FD);
  return true;
}

/// Thread-safety annotations name a lock order: 'Mutex a ACQUIRED_BEFORE(b)'.
bool TuCollector::VisitDeclaratorDecl(DeclaratorDecl *D) {
  if (!isa<FieldDecl>(D) && !isa<VarDecl>(D))
    return true;
  auto Other = [&](const Expr *E) -> std::string {
    E = E->IgnoreParenImpCasts();
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      return qualName(ME->getMemberDecl()).substr(2);
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return qualName(DRE->getDecl()).substr(2);
    return "";
  };
  std::string Self = qualName(D).substr(2);
  for (const auto *A : D->specific_attrs<AcquiredBeforeAttr>())
    for (const Expr *E : A->args())
      if (std::string O = Other(E); !O.empty())
        Facts.Orders.push_back({Self, O, loc(A->getLocation())});
  for (const auto *A : D->specific_attrs<AcquiredAfterAttr>())
    for (const Expr *E : A->args())
      if (std::string O = Other(E); !O.empty())
        Facts.Orders.push_back({O, Self, loc(A->getLocation())});
  return true;
}

bool TuCollector::VisitLambdaExpr(LambdaExpr *LE) {
  const CXXRecordDecl *RD = LE->getLambdaClass();
  if (!RD || RD->isDependentContext())
    return true;
  if (FunctionTemplateDecl *FT = RD->getDependentLambdaCallOperator()) {
    for (FunctionDecl *Spec : FT->specializations())
      if (Spec->hasBody() && !Spec->isDependentContext())
        Pending.push_back(Spec);
    return true;
  }
  if (CXXMethodDecl *Op = LE->getCallOperator())
    if (Op->hasBody())
      Pending.push_back(Op);
  return true;
}

/// Per-function work: the CFG dataflow and the facts it yields.
class FunctionCollector {
public:
  FunctionCollector(TuCollector &TU, const FunctionDecl *FD, size_t FnIdx)
      : TU(TU), Ctx(TU.Ctx), Rules(TU.Rules), FD(FD), FnIdx(FnIdx) {}

  void run(const Stmt *Body);
  void scanNonBlockingFds(const Stmt *Body);
  void scanStructure(const Stmt *Body);

private:
  TuCollector &TU;
  ASTContext &Ctx;
  const RuleSet &Rules;
  const FunctionDecl *FD;
  /// An index, not a reference: declaring callees grows the function list.
  size_t FnIdx;
  FunctionFact &fn() { return TU.Facts.Functions[FnIdx]; }
  /// The mutexes each guard variable manages, for relocking.
  llvm::DenseMap<const VarDecl *, std::vector<std::pair<MutexRef, bool>>>
      GuardMutexes;
  bool Recording = false;
  /// Deadline facts that hold on every path to here (read-without-deadline):
  /// descriptor keys, "*posix"/"*async" for readiness waits and timers, and
  /// "key@usr#arg" for calls that passed the descriptor on.
  std::set<std::string> *Bounded = nullptr;
  /// Descriptors created by a socket source in this function.
  std::set<std::string> SocketKeys;
  /// The call being transferred, so a try-lock can be tied to the branch
  /// that tests its result.
  const Expr *CurrentCall = nullptr;
  /// What a try-lock call, or a guard made with try_to_lock, holds when it
  /// succeeded.
  llvm::DenseMap<const Expr *, HeldSet> TryCalls;
  llvm::DenseMap<const VarDecl *, HeldSet> TryGuards;
  /// Locks a branch condition proves held on its true (first) or false
  /// (second) successor.
  std::pair<HeldSet, HeldSet> successLocks(const Stmt *Cond);

  std::optional<MutexRef> mutexOf(const Expr *E);
  void instanceOf(const Expr *E, MutexRef &M);
  std::string lockId(const Expr *E);
  const GuardType *guardOf(const VarDecl *VD) {
    return VD ? Rules.guard(typeName(VD->getType())) : nullptr;
  }
  const VarDecl *guardVar(const Expr *E) {
    E = strip(E);
    // std::move(lk): the guard being moved from.
    if (const auto *CE = dyn_cast_or_null<CallExpr>(E))
      if (const FunctionDecl *Callee = CE->getDirectCallee())
        if (CE->getNumArgs() == 1 &&
            TU.cachedQualName(Callee) == "::std::move")
          E = strip(CE->getArg(0));
    if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        if (guardOf(VD))
          return VD;
    return nullptr;
  }

  void acquire(HeldSet &S, const MutexRef &M, bool Shared, bool Try,
               const VarDecl *Guard, SourceRange At,
               const HeldSet *Before = nullptr);
  void release(HeldSet &S, const std::string &Id, const VarDecl *Guard);
  void transfer(HeldSet &S, const Stmt *St);
  void onGuardDecl(HeldSet &S, const VarDecl *VD);
  void onCall(HeldSet &S, const Expr *Call, const FunctionDecl *Callee,
              llvm::ArrayRef<const Expr *> Args, const Expr *Object);
  bool conditionHolds(const ArgCondition &C,
                      llvm::ArrayRef<const Expr *> Args);
  bool valueHolds(const ArgCondition &C, const Expr *A);
  bool nonBlockingFd(const Expr *E) { return TU.nonBlockingFd(E); }
  void resolveCallables(const Expr *E, std::vector<const FunctionDecl *> &Out,
                        unsigned Depth = 0);
  /// The first entry or handoff for \p Q whose conditions hold, and the
  /// callables it starts.
  const SpawnApi *spawnApi(const std::string &Q,
                           llvm::ArrayRef<const Expr *> Args);
  std::vector<const FunctionDecl *>
  spawnTargets(const SpawnApi &SA, llvm::ArrayRef<const Expr *> Args);
  /// The loop expression an entry names (LoopArg), or null.
  const Expr *loopExpr(int LoopArg, llvm::ArrayRef<const Expr *> Args,
                       const Expr *Object) {
    if (LoopArg == SpawnApi::ObjectLoop)
      return Object;
    return LoopArg >= 0 && LoopArg < static_cast<int>(Args.size())
               ? Args[LoopArg]
               : nullptr;
  }
  void noteChain(const FunctionDecl *To, bool SameObject);
  std::vector<HeldLock> heldLocks(const HeldSet &S) {
    std::vector<HeldLock> Out;
    for (const Held &H : S)
      Out.push_back(H.Lock);
    return Out;
  }
  void recordCall(const HeldSet &S, const FunctionDecl *Callee,
                  SourceRange At, const Expr *Object = nullptr,
                  llvm::ArrayRef<const Expr *> Args = {});
  void onPointerCall(const HeldSet &S, const CallExpr *CE);
  std::string fdKey(const Expr *E);
  bool knownSocket(const std::string &Key) {
    return SocketKeys.count(Key) || TU.SocketMembers.count(Key);
  }
  bool holds(const SocketCall &SC, llvm::ArrayRef<const Expr *> Args) {
    for (const auto &C : SC.When)
      if (!conditionHolds(C, Args))
        return false;
    for (const auto &C : SC.Unless)
      if (conditionHolds(C, Args))
        return false;
    return true;
  }
  void noteDeadlines(const Expr *Call, const FunctionDecl *Callee,
                     const std::string &Q, llvm::ArrayRef<const Expr *> Args,
                     const Expr *Object);
  bool racedWithTimer(const Expr *Call);
  /// Calls on every path to here that passed descriptor \p K on.
  std::vector<std::pair<std::string, int>> viaCalls(const std::string &K) {
    std::vector<std::pair<std::string, int>> Out;
    for (const std::string &T : *Bounded)
      if (T.compare(0, K.size() + 1, K + "@") == 0) {
        size_t Hash = T.rfind('#');
        Out.push_back({T.substr(K.size() + 1, Hash - K.size() - 1),
                       std::stoi(T.substr(Hash + 1))});
      }
    return Out;
  }
  /// The single mutex of a plain guard declaration (no tag, one exclusive,
  /// non-relockable guard), or null.
  const Expr *plainGuardMutex(const Stmt *St);
  void mergeWithPrevious(const DeclStmt *DS, AcquireFact &A);
  std::unique_ptr<ParentMap> Parents;
  std::optional<BlockingFact::ContextFix>
  buildFix(const BlockingFix &Fix, const Expr *Call,
           llvm::ArrayRef<const Expr *> Args);
  std::string text(SourceRange R) {
    return Lexer::getSourceText(CharSourceRange::getTokenRange(R),
                                Ctx.getSourceManager(), Ctx.getLangOpts())
        .str();
  }
};

std::string FunctionCollector::lockId(const Expr *E) {
  E = strip(E);
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const ValueDecl *VD = ME->getMemberDecl();
    return qualName(VD).substr(2);
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const ValueDecl *VD = DRE->getDecl();
    if (const auto *V = dyn_cast<VarDecl>(VD)) {
      if (V->hasGlobalStorage() && !V->isStaticLocal())
        return qualName(V).substr(2);
      // Locals and parameters are named after their function: distinct per
      // function, which is what can be proven without the callers.
      return qualName(FD).substr(2) + "::" + V->getNameAsString();
    }
    return qualName(VD).substr(2);
  }
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
    return lockId(AS->getBase()) + "[]";
  if (const auto *CE = dyn_cast<CallExpr>(E))
    if (const FunctionDecl *Callee = CE->getDirectCallee())
      return qualName(Callee).substr(2) + "()";
  return typeName(E->getType()).substr(2);
}

std::optional<MutexRef> FunctionCollector::mutexOf(const Expr *E) {
  if (!E)
    return std::nullopt;
  const MutexType *MT = Rules.mutex(typeName(E->getType()));
  if (!MT)
    return std::nullopt;
  MutexRef M{lockId(E), MT};
  instanceOf(E, M);
  return M;
}

/// Which object a lock expression names: see HeldLock::Instance.
void FunctionCollector::instanceOf(const Expr *E, MutexRef &M) {
  E = strip(E);
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const Expr *Base = strip(ME->getBase());
    if (isa<CXXThisExpr>(Base))
      M.Instance = "this";
    else if (const auto *DRE = dyn_cast<DeclRefExpr>(Base))
      M.Instance = DRE->getDecl()->getNameAsString();
    return;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl())) {
      if (V->hasGlobalStorage()) {
        M.Instance = "";
      } else if (const auto *P = dyn_cast<ParmVarDecl>(V)) {
        M.Instance = "param";
        M.Param = static_cast<int>(P->getFunctionScopeIndex());
      } else {
        M.Instance = V->getNameAsString();
      }
    }
}

void FunctionCollector::acquire(HeldSet &S, const MutexRef &M, bool Shared,
                                bool Try, const VarDecl *Guard, SourceRange At,
                                const HeldSet *Before) {
  Held H;
  H.Lock.Id = M.Id;
  H.Lock.Shared = Shared;
  H.Lock.Recursive = M.Type->Recursive;
  H.Lock.AcquiredAt = TU.loc(At);
  H.Lock.Instance = M.Instance;
  H.Lock.Param = M.Param;
  H.BlocksThread = M.Type->BlocksThread;
  H.Guard = Guard;
  if (Recording) {
    AcquireFact A;
    A.Lock = H.Lock;
    A.Try = Try;
    A.BlocksThread = M.Type->BlocksThread;
    A.Held = heldLocks(Before ? *Before : S);
    A.At = H.Lock.AcquiredAt;
    fn().Acquires.push_back(std::move(A));
  }
  // A try-lock may fail; treating it as held would report code that only
  // runs when it succeeded, which the analysis cannot see.
  if (!Try) {
    S.push_back(std::move(H));
    return;
  }
  // Held only where the code has checked that the try succeeded.
  if (CurrentCall)
    TryCalls[CurrentCall].push_back(H);
  if (Guard)
    TryGuards[Guard].push_back(H);
}

void FunctionCollector::release(HeldSet &S, const std::string &Id,
                                const VarDecl *Guard) {
  auto Matches = [&](const Held &H) {
    return (Id.empty() || H.Lock.Id == Id) && (!Guard || H.Guard == Guard);
  };
  if (!Id.empty()) {
    // m.unlock() releases one acquisition: the most recent.
    for (auto It = S.rbegin(); It != S.rend(); ++It)
      if (Matches(*It)) {
        S.erase(std::next(It).base());
        return;
      }
    return;
  }
  // A guard going away releases everything it holds (scoped_lock: several).
  S.erase(std::remove_if(S.begin(), S.end(), Matches), S.end());
}

bool FunctionCollector::conditionHolds(const ArgCondition &C,
                                       llvm::ArrayRef<const Expr *> Args) {
  int Idx = C.Arg < 0 ? explicitArgs(Args) + C.Arg : C.Arg;
  if (C.K == ArgCondition::Missing)
    return Idx < 0 || Idx >= static_cast<int>(Args.size()) ||
           isa<CXXDefaultArgExpr>(Args[Idx]);
  if (Idx < 0 || Idx >= static_cast<int>(Args.size()))
    return false;
  const Expr *A = Args[Idx];
  if (C.K == ArgCondition::TypeMatches)
    return C.Type.matches(typeName(A->getType()));
  if (C.K == ArgCondition::DurationBelow) {
    std::optional<double> Ns = durationNs(A, Ctx);
    return Ns && *Ns < static_cast<double>(C.Value);
  }
  return valueHolds(C, A);
}

bool FunctionCollector::valueHolds(const ArgCondition &C, const Expr *A) {
  if (A->isValueDependent())
    return false;
  if (C.K == ArgCondition::Equals && C.Value == 0 &&
      A->getType()->isPointerType() &&
      A->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
    return true;
  Expr::EvalResult R;
  if (A->EvaluateAsInt(R, Ctx)) {
    long long V = R.Val.getInt().getExtValue();
    if (C.K == ArgCondition::Equals)
      return V == C.Value;
    return (V & C.Value) != 0;
  }
  // 'fcntl(fd, F_GETFL) | O_NONBLOCK': the flag is set whatever the rest is.
  if (C.K == ArgCondition::HasFlag)
    if (const auto *BO = dyn_cast<BinaryOperator>(A->IgnoreParenImpCasts()))
      if (BO->getOpcode() == BO_Or)
        return valueHolds(C, BO->getLHS()) || valueHolds(C, BO->getRHS());
  return false;
}

void FunctionCollector::resolveCallables(const Expr *E,
                                         std::vector<const FunctionDecl *> &Out,
                                         unsigned Depth) {
  if (!E || Depth > 8)
    return;
  E = strip(E);
  if (const auto *LE = dyn_cast<LambdaExpr>(E)) {
    const CXXRecordDecl *RD = LE->getLambdaClass();
    if (FunctionTemplateDecl *FT = RD->getDependentLambdaCallOperator()) {
      for (FunctionDecl *Spec : FT->specializations())
        Out.push_back(Spec);
    } else if (const CXXMethodDecl *Op = LE->getCallOperator()) {
      Out.push_back(Op);
    }
    return;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *F = dyn_cast<FunctionDecl>(DRE->getDecl())) {
      Out.push_back(F);
      return;
    }
    if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl()))
      if (V->hasLocalStorage() && V->getInit())
        resolveCallables(V->getInit(), Out, Depth + 1);
    return;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    if (const auto *M = dyn_cast<CXXMethodDecl>(ME->getMemberDecl()))
      Out.push_back(M);
    return;
  }
  // A captureless lambda converted to a C function pointer (libuv, libevent).
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
    if (isa_and_nonnull<CXXConversionDecl>(MC->getMethodDecl())) {
      resolveCallables(MC->getImplicitObjectArgument(), Out, Depth + 1);
      return;
    }
  if (const auto *U = dyn_cast<UnaryOperator>(E); U && U->getOpcode() == UO_Plus) {
    resolveCallables(U->getSubExpr(), Out, Depth + 1);
    return;
  }
  if (const auto *CE = dyn_cast<CallExpr>(E)) {
    if (const FunctionDecl *Callee = CE->getDirectCallee()) {
      const std::string &Q = TU.cachedQualName(Callee);
      if (Q == "::std::move" || Q == "::std::forward") {
        if (CE->getNumArgs() == 1)
          resolveCallables(CE->getArg(0), Out, Depth + 1);
        return;
      }
      if (Rules.isBinder(Q))
        for (const Expr *A : CE->arguments()) {
          size_t Before = Out.size();
          resolveCallables(A, Out, Depth + 1);
          if (Out.size() != Before)
            return;
        }
    }
    return;
  }
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
    // A copy, a move or a conversion to std::function: look through it.
    if (CE->getNumArgs() == 1 &&
        recordOf(CE->getArg(0)->getType()) != nullptr) {
      size_t Before = Out.size();
      resolveCallables(CE->getArg(0), Out, Depth + 1);
      if (Out.size() != Before)
        return;
    }
  }
  // A function object: its call operators.
  if (const CXXRecordDecl *RD = recordOf(E->getType())) {
    if (RD->hasDefinition() && !RD->isLambda() &&
        !TU.inSystem(RD->getLocation()))
      for (const CXXMethodDecl *M : RD->methods())
        if (M->getOverloadedOperator() == OO_Call)
          Out.push_back(M);
  }
}

const SpawnApi *FunctionCollector::spawnApi(const std::string &Q,
                                           llvm::ArrayRef<const Expr *> Args) {
  for (const SpawnApi *SA : Rules.spawns(Q)) {
    bool Applies = true;
    for (const auto &C : SA->When)
      Applies &= conditionHolds(C, Args);
    for (const auto &C : SA->Unless)
      Applies &= !conditionHolds(C, Args);
    if (Applies)
      return SA;
  }
  return nullptr;
}

std::vector<const FunctionDecl *>
FunctionCollector::spawnTargets(const SpawnApi &SA,
                                llvm::ArrayRef<const Expr *> Args) {
  std::vector<const FunctionDecl *> Targets;
  if (SA.CallableArg == -2) {
    for (const Expr *A : Args)
      resolveCallables(A, Targets);
  } else {
    int Idx = SA.CallableArg == -1 ? explicitArgs(Args) - 1 : SA.CallableArg;
    if (Idx >= 0 && Idx < static_cast<int>(Args.size()))
      resolveCallables(Args[Idx], Targets);
  }
  Targets.erase(std::remove_if(Targets.begin(), Targets.end(),
                               [&](const FunctionDecl *T) {
                                 return TU.inSystem(T->getLocation());
                               }),
                Targets.end());
  return Targets;
}

void FunctionCollector::noteChain(const FunctionDecl *To, bool SameObject) {
  if (!Bounded)
    return;
  TuCollector::ChainEdge E{FD->getCanonicalDecl(), To->getCanonicalDecl(),
                           {}, SameObject};
  for (const std::string &K : *Bounded)
    if (K.compare(0, 7, "member:") == 0 && llvm::StringRef(K).ends_with("#async"))
      E.Keys.push_back(K);
  TU.ChainEdges.push_back(std::move(E));
}

void FunctionCollector::recordCall(const HeldSet &S,
                                   const FunctionDecl *Callee, SourceRange At,
                                   const Expr *Object,
                                   llvm::ArrayRef<const Expr *> Args) {
  if (!Recording)
    return;
  const std::string &Q = TU.cachedQualName(Callee);
  if (Rules.isNonBlocking(Q))
    return;
  // Library code is known through packs; an unclassified C function of a
  // system header matters only as a possible foreign call.
  if (TU.inSystem(Callee->getLocation()) && !Callee->isExternC() &&
      !Rules.isForeignApi(Q))
    return;
  FunctionFact &Target = TU.declare(Callee);
  CallFact C;
  C.Callee = Target.Usr;
  C.CalleeName = Target.Name;
  C.At = TU.loc(At);
  C.Held = heldLocks(S);
  C.ThisCall = Object && isa<CXXThisExpr>(strip(Object));
  noteChain(Callee, C.ThisCall);
  for (size_t I = 0; I < Args.size(); ++I) {
    if (auto M = mutexOf(Args[I]))
      C.ArgLocks.push_back({static_cast<int>(I), M->Id, M->Instance});
    std::string K = fdKey(Args[I]);
    bool IsParam = K.compare(0, 6, "param:") == 0;
    if (!K.empty() && (knownSocket(K) || IsParam)) {
      FdArg A{static_cast<int>(I), K, knownSocket(K),
              Bounded && (Bounded->count(K) || Bounded->count("*posix")),
              IsParam ? std::stoi(K.substr(6)) : -1,
              {}};
      if (Bounded)
        A.ViaCalls = viaCalls(K);
      C.FdArgs.push_back(std::move(A));
    }
  }
  fn().Calls.push_back(std::move(C));
}

void FunctionCollector::onGuardDecl(HeldSet &S, const VarDecl *VD) {
  const GuardType *G = guardOf(VD);
  const Expr *Init = VD->getInit();
  if (!G || !Init)
    return;
  const auto *CE = dyn_cast<CXXConstructExpr>(strip(Init));
  if (!CE)
    return;
  std::vector<MutexRef> Mutexes;
  std::string Effect;
  for (const Expr *A : CE->arguments()) {
    if (isa<CXXDefaultArgExpr>(A))
      continue;
    // Moving a guard moves what it holds.
    if (const VarDecl *From = guardVar(A)) {
      if (From != VD) {
        for (Held &H : S)
          if (H.Guard == From)
            H.Guard = VD;
        auto It = GuardMutexes.find(From);
        if (It != GuardMutexes.end())
          GuardMutexes[VD] = It->second;
      }
      return;
    }
    if (auto M = mutexOf(A)) {
      // A single-mutex guard manages its first mutex argument only.
      if (G->Multi || Mutexes.empty())
        Mutexes.push_back(*M);
    } else if (const LockTag *T = Rules.lockTag(typeName(A->getType()))) {
      Effect = T->Effect;
    }
  }
  auto &Managed = GuardMutexes[VD];
  Managed.clear();
  for (const auto &M : Mutexes)
    Managed.push_back({M, G->SharedMode});
  if (Effect == "defer")
    return;
  if (Effect == "adopt") {
    for (const auto &M : Mutexes)
      for (Held &H : S)
        if (H.Lock.Id == M.Id && !H.Guard) {
          H.Guard = VD;
          break;
        }
    return;
  }
  HeldSet Before = S;
  for (const auto &M : Mutexes)
    acquire(S, M, G->SharedMode, Effect == "try", VD, VD->getSourceRange(),
            G->Multi ? &Before : nullptr);
}

void FunctionCollector::onCall(HeldSet &S, const Expr *Call,
                               const FunctionDecl *Callee,
                               llvm::ArrayRef<const Expr *> Args,
                               const Expr *Object) {
  const std::string &Q = TU.cachedQualName(Callee);
  SourceRange At = Call->getSourceRange();
  CurrentCall = Call;
  noteDeadlines(Call, Callee, Q, Args, Object);

  // Lock operations on a guard or a mutex object.
  if (Object && isa<CXXMethodDecl>(Callee)) {
    std::string Method = Callee->getNameAsString();
    if (const VarDecl *GV = guardVar(Object)) {
      const GuardType *G = guardOf(GV);
      auto Op = G->Methods.find(Method);
      if (Op != G->Methods.end()) {
        if (Op->second == "unlock") {
          release(S, "", GV);
        } else if (Op->second == "release") {
          for (Held &H : S)
            if (H.Guard == GV)
              H.Guard = nullptr;
        } else if (Op->second == "lock" || Op->second == "try_lock") {
          for (const auto &[M, Shared] : GuardMutexes[GV])
            acquire(S, M, Shared, Op->second == "try_lock", GV, At);
        }
        return;
      }
    }
    if (auto M = mutexOf(Object)) {
      auto Op = M->Type->Methods.find(Method);
      if (Op != M->Type->Methods.end()) {
        const std::string &O = Op->second;
        if (O == "unlock" || O == "unlock_shared")
          release(S, M->Id, nullptr);
        else if (O == "lock" || O == "lock_shared" || O == "try_lock" ||
                 O == "try_lock_shared")
          acquire(S, *M, O == "lock_shared" || O == "try_lock_shared",
                  O == "try_lock" || O == "try_lock_shared", nullptr, At);
        return;
      }
    }
  }

  if (const LockFunction *LF = Rules.lockFunction(Q)) {
    if (LF->Op == "lock_all") {
      HeldSet Before = S;
      for (const Expr *A : Args) {
        if (auto M = mutexOf(A)) {
          acquire(S, *M, false, false, nullptr, At, &Before);
        } else if (const VarDecl *GV = guardVar(A)) {
          // std::lock(l1, l2) on deferred unique_locks: the guards own them.
          for (const auto &[GM, Shared] : GuardMutexes[GV])
            acquire(S, GM, Shared, false, GV, At, &Before);
        }
      }
      return;
    }
    if (LF->Arg >= 0 && LF->Arg < static_cast<int>(Args.size())) {
      const Expr *A = Args[LF->Arg];
      std::optional<MutexRef> M = mutexOf(A);
      if (!M) {
        // pthread mutexes are plain structs named by typedef; identify them
        // by the expression when the type is not a pack mutex.
        static const MutexType Plain;
        M = MutexRef{lockId(A), &Plain};
      }
      const std::string &O = LF->Op;
      if (O == "unlock" || O == "unlock_shared")
        release(S, M->Id, nullptr);
      else if (O != "release")
        acquire(S, *M, O == "lock_shared" || O == "try_lock_shared",
                O == "try_lock" || O == "try_lock_shared", nullptr, At);
    }
    return;
  }

  // Callables handed elsewhere: never a call edge from here.
  if (const SpawnApi *SA = spawnApi(Q, Args)) {
    if (!Recording)
      return;
    // Work scheduled on a private worker loop runs on that loop's own
    // thread, as if handed to a thread.
    std::string Context = SA->Context;
    if (const ValueDecl *Loop =
            objectDecl(loopExpr(SA->LoopArg, Args, Object));
        Loop && TU.WorkerLoops.count(Loop))
      Context.clear();
    for (const FunctionDecl *T : spawnTargets(*SA, Args)) {
      FunctionFact &Target = TU.declare(T);
      fn().Spawns.push_back({Target.Usr, Target.Name, Context, Q, TU.loc(At)});
      // A completion handler continues this object's flow.
      noteChain(T, true);
    }
    return;
  }

  if (const BlockingApi *B = Rules.blocking(Q)) {
    bool Blocks = true;
    for (const auto &C : B->Unless)
      Blocks &= !conditionHolds(C, Args);
    // A read on a descriptor made non-blocking returns at once.
    if (Blocks && B->FdArg == BlockingApi::ObjectFd && Object &&
        nonBlockingFd(Object))
      Blocks = false;
    if (Blocks && B->FdArg >= 0 && B->FdArg < static_cast<int>(Args.size()) &&
        nonBlockingFd(Args[B->FdArg]))
      Blocks = false;
    // Running the loop this handler was scheduled on, from the handler, is
    // a nested dispatch loop: it runs the loop's other handlers while it
    // waits, so none of them is stalled.
    if (Blocks && B->RunsLoop && Object) {
      const ValueDecl *Loop = objectDecl(Object);
      if (Loop && Loop == TU.scheduledLoop(FD))
        Blocks = false;
    }
    if (Blocks && Recording) {
      BlockingFact BF;
      BF.Api = Q;
      BF.Kind = B->Kind;
      BF.Alternative = B->Alternative;
      BF.OnlyIn = B->OnlyIn;
      BF.At = TU.loc(At);
      BF.Held = heldLocks(S);
      if (B->ReleasesArg >= 0 && B->ReleasesArg < static_cast<int>(Args.size())) {
        const Expr *A = Args[B->ReleasesArg];
        if (const VarDecl *GV = guardVar(A)) {
          auto &Managed = GuardMutexes[GV];
          if (!Managed.empty())
            BF.ReleasesLock = Managed.front().first.Id;
        } else if (auto M = mutexOf(A)) {
          BF.ReleasesLock = M->Id;
        }
      }
      for (const BlockingFix &Fix : B->Fixes)
        if (auto CF = buildFix(Fix, Call, Args))
          BF.Fixes.push_back(std::move(*CF));
      fn().Blocking.push_back(std::move(BF));
    }
    return;
  }

  // Callables run in place by the callee (std algorithms, std::invoke).
  if (Rules.isInvoker(Q)) {
    for (const Expr *A : Args) {
      std::vector<const FunctionDecl *> Targets;
      resolveCallables(A, Targets);
      for (const FunctionDecl *T : Targets)
        recordCall(S, T, A->getSourceRange());
    }
    return;
  }
  recordCall(S, Callee, At, Object, Args);
}

const Expr *FunctionCollector::plainGuardMutex(const Stmt *St) {
  const auto *DS = dyn_cast_or_null<DeclStmt>(St);
  if (!DS || !DS->isSingleDecl())
    return nullptr;
  const auto *VD = dyn_cast<VarDecl>(DS->getSingleDecl());
  const GuardType *G = guardOf(VD);
  if (!G || G->Relockable || G->SharedMode || G->Multi || !VD->getInit())
    return nullptr;
  const auto *CE = dyn_cast<CXXConstructExpr>(strip(VD->getInit()));
  if (!CE || CE->getNumArgs() != 1 || !mutexOf(CE->getArg(0)))
    return nullptr;
  return CE->getArg(0);
}

void FunctionCollector::mergeWithPrevious(const DeclStmt *DS,
                                          AcquireFact &A) {
  const Expr *Second = plainGuardMutex(DS);
  const auto *CS =
      Parents ? dyn_cast_or_null<CompoundStmt>(Parents->getParent(DS)) : nullptr;
  if (!Second || !CS)
    return;
  const Stmt *Prev = nullptr;
  for (const Stmt *Child : CS->body()) {
    if (Child == DS)
      break;
    Prev = Child;
  }
  const Expr *First = plainGuardMutex(Prev);
  if (!First || Prev->getBeginLoc().isMacroID() || DS->getEndLoc().isMacroID())
    return;
  auto M = mutexOf(First);
  const auto *PrevVar = cast<VarDecl>(cast<DeclStmt>(Prev)->getSingleDecl());
  std::string Text = "std::scoped_lock " + PrevVar->getNameAsString() + "(" +
                     text(First->getSourceRange()) + ", " +
                     text(Second->getSourceRange()) + ");";
  SourceLoc L = TU.loc(SourceRange(Prev->getBeginLoc(), DS->getEndLoc()));
  A.MergeWith = M->Id;
  A.MergeFix.push_back({L.File, L.Offset, L.EndOffset - L.Offset, Text,
                        "take both locks at once with std::scoped_lock"});
}

std::optional<BlockingFact::ContextFix>
FunctionCollector::buildFix(const BlockingFix &Fix, const Expr *Call,
                            llvm::ArrayRef<const Expr *> Args) {
  const auto *CE = dyn_cast<CallExpr>(Call);
  const auto *DRE = CE ? dyn_cast<DeclRefExpr>(
                             CE->getCallee()->IgnoreParenImpCasts())
                       : nullptr;
  if (!DRE || Call->getBeginLoc().isMacroID() || Call->getEndLoc().isMacroID())
    return std::nullopt;
  if (Fix.InCoroutine) {
    if (!isa_and_nonnull<CoroutineBodyStmt>(FD->getBody()))
      return std::nullopt;
    const CXXRecordDecl *RD = recordOf(FD->getReturnType());
    if (Fix.TaskType.Regex && (!RD || !Fix.TaskType.matches(qualName(RD))))
      return std::nullopt;
  }
  BlockingFact::ContextFix CF;
  CF.Context = Fix.Context;
  CF.Direct = Fix.InCoroutine;
  if (!Fix.ReplaceCallee.empty()) {
    SourceLoc L = TU.loc(
        SourceRange(DRE->getBeginLoc(), DRE->getNameInfo().getEndLoc()));
    CF.Edits.push_back({L.File, L.Offset, L.EndOffset - L.Offset,
                        Fix.ReplaceCallee,
                        "replace with '" + Fix.ReplaceCallee + "'"});
    return CF;
  }
  std::string Out;
  const std::string &T = Fix.ReplaceCall;
  for (size_t I = 0; I < T.size(); ++I) {
    if (T[I] != '$') {
      Out += T[I];
      continue;
    }
    if (T.compare(I + 1, 4, "qual") == 0) {
      if (DRE->getQualifierLoc())
        Out += text(DRE->getQualifierLoc().getSourceRange());
      I += 4;
      continue;
    }
    if (I + 1 < T.size() && isdigit(static_cast<unsigned char>(T[I + 1]))) {
      size_t N = T[I + 1] - '0';
      if (N >= Args.size() || isa<CXXDefaultArgExpr>(Args[N]))
        return std::nullopt;
      Out += text(Args[N]->getSourceRange());
      ++I;
      continue;
    }
    Out += '$';
  }
  SourceLoc L = TU.loc(Call->getSourceRange());
  CF.Edits.push_back({L.File, L.Offset, L.EndOffset - L.Offset, Out,
                      "replace with '" + Out + "'"});
  return CF;
}

/// A stable name for a descriptor or stream within the function: the
/// variable, parameter or member, looking through the accessors that hand
/// out the underlying socket.
std::string FunctionCollector::fdKey(const Expr *E) {
  E = strip(E);
  if (!E)
    return "";
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
    if (const auto *M = MC->getMethodDecl()) {
      llvm::StringRef N = M->getName();
      if (N == "native_handle" || N == "socket" || N == "next_layer" ||
          N == "lowest_layer")
        return fdKey(MC->getImplicitObjectArgument());
    }
  // sock->read_some(), (*sock).read_some() on a smart pointer: the pointer
  // names the socket.
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E))
    if ((OC->getOperator() == OO_Arrow || OC->getOperator() == OO_Star) &&
        OC->getNumArgs() == 1)
      return fdKey(OC->getArg(0));
  if (const auto *CE = dyn_cast<CallExpr>(E))
    if (const FunctionDecl *F = CE->getDirectCallee())
      if (F->getName() == "get_lowest_layer" && CE->getNumArgs() == 1)
        return fdKey(CE->getArg(0));
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const auto *V = dyn_cast<VarDecl>(DRE->getDecl());
    if (!V)
      return "";
    if (const auto *P = dyn_cast<ParmVarDecl>(V))
      return "param:" + std::to_string(P->getFunctionScopeIndex());
    if (V->hasGlobalStorage() && !V->isStaticLocal())
      return "global:" + qualName(V);
    return "local:" + V->getNameAsString();
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return TU.memberKey(ME->getMemberDecl());
  return "";
}

bool FunctionCollector::racedWithTimer(const Expr *Call) {
  // co_await (sock.async_read_some(...) || timer.async_wait(...))
  const Stmt *Cur = Call;
  for (unsigned Depth = 0; Cur && Depth < 12; ++Depth) {
    const Stmt *Parent = Parents ? Parents->getParent(Cur) : nullptr;
    if (const auto *Op = dyn_cast_or_null<CXXOperatorCallExpr>(Parent);
        Op && Op->getOperator() == OO_PipePipe) {
      class FindTimer : public RecursiveASTVisitor<FindTimer> {
      public:
        FindTimer(FunctionCollector &FC) : FC(FC) {}
        bool VisitCallExpr(CallExpr *CE) {
          if (const FunctionDecl *F = CE->getDirectCallee())
            Found |= FC.Rules.timerArm(FC.TU.cachedQualName(F)) != nullptr;
          return true;
        }
        FunctionCollector &FC;
        bool Found = false;
      } Finder(*this);
      for (const Expr *A : Op->arguments())
        if (A != Cur)
          Finder.TraverseStmt(const_cast<Expr *>(A));
      return Finder.Found;
    }
    if (isa_and_nonnull<CompoundStmt>(Parent))
      return false;
    Cur = Parent;
  }
  return false;
}

void FunctionCollector::noteDeadlines(const Expr *Call,
                                      const FunctionDecl *Callee,
                                      const std::string &Q,
                                      llvm::ArrayRef<const Expr *> Args,
                                      const Expr *Object) {
  if (!Bounded)
    return;
  auto Target = [&](const SocketCall &SC) -> const Expr * {
    if (SC.Object)
      return Object;
    return SC.FdArg >= 0 && SC.FdArg < static_cast<int>(Args.size())
               ? Args[SC.FdArg]
               : nullptr;
  };
  for (const SocketCall *SC : Rules.deadlineSetters(Q))
    if (holds(*SC, Args))
      if (std::string K = fdKey(Target(*SC)); !K.empty()) {
        if (SC->Clears) {
          Bounded->erase(K + "#async");
          if (SC->Mode != "async")
            Bounded->erase(K);
          TU.Cleared[FD->getCanonicalDecl()].insert(K + "#async");
          continue;
        }
        Bounded->insert(SC->Mode == "async" ? K + "#async" : K);
        // A stream's options outlive the function that sets them (set in
        // run(), read in do_read()): remembered per member.
        if (Recording && SC->Persistent && K.compare(0, 7, "member:") == 0)
          fn().DeadlineMembers.push_back(SC->Mode == "async" ? K + "#async"
                                                             : K);
      }
  if (const SocketCall *SC = Rules.readinessWait(Q); SC && holds(*SC, Args))
    Bounded->insert("*posix");
  // The socket has addressed a peer (sendto, connect): a datagram receive
  // on it now waits for that peer's reply.
  if (const SocketCall *SC = Rules.peerContact(Q); SC && holds(*SC, Args))
    if (std::string K = fdKey(Target(*SC)); !K.empty())
      Bounded->insert(">contact:" + K);
  if (const SocketCall *SC = Rules.timerArm(Q); SC && holds(*SC, Args)) {
    Bounded->insert("*async");
    // A member timer is a watchdog for its object's reads, wherever the
    // class arms it (check_deadline() after read()).
    if (Recording)
      if (const auto *ME = dyn_cast_or_null<MemberExpr>(strip(Object)))
        if (const auto *RD = dyn_cast<RecordDecl>(
                ME->getMemberDecl()->getDeclContext()))
          fn().DeadlineMembers.push_back("class:" + TU.classKey(RD) + "#async");
  }

  const SocketCall *SR = Rules.socketRead(Q);
  // A datagram receive waits on a peer only once the socket has addressed
  // one; a server waiting for any client is not.
  if (SR && SR->ReplyOnly &&
      !Bounded->count(">contact:" + fdKey(Target(*SR))))
    SR = nullptr;
  if (SR && Recording) {
    const Expr *FdExpr = Target(*SR);
    std::string K = fdKey(FdExpr);
    ReadFact R;
    R.Api = Q;
    R.Mode = SR->Mode;
    R.Family = SR->Family;
    R.Key = K;
    R.Fd = FdExpr ? text(FdExpr->getSourceRange()) : "";
    // 'sock->async_read_some': the object's text ends with the arrow.
    if (llvm::StringRef(R.Fd).ends_with("->"))
      R.Fd.resize(R.Fd.size() - 2);
    R.KnownSocket = SR->SocketOnly || (!K.empty() && knownSocket(K));
    if (K.compare(0, 6, "param:") == 0)
      R.Param = std::stoi(K.substr(6));
    bool Async = SR->Mode == "async";
    R.Bounded = !holds(*SR, Args) || (!K.empty() && Bounded->count(K)) ||
                (!Async && Bounded->count("*posix")) ||
                (Async && (Bounded->count(K + "#async") ||
                           Bounded->count("*async") || racedWithTimer(Call))) ||
                (FdExpr && nonBlockingFd(FdExpr));
    // A synchronous library read ignores everything but the socket's own
    // receive timeout.
    if (SR->Mode == "sync")
      R.Bounded = !holds(*SR, Args) || (!K.empty() && Bounded->count(K)) ||
                  (FdExpr && nonBlockingFd(FdExpr));
    if (!K.empty())
      R.ViaCalls = viaCalls(K);
    R.At = TU.loc(Call->getSourceRange());
    if (SR->Family == "beast" && Async && !R.Bounded && FdExpr &&
        !Call->getBeginLoc().isMacroID()) {
      // Insert the expiry before the statement that starts the read.
      const Stmt *Cur = Call;
      while (Parents && Parents->getParent(Cur) &&
             !isa<CompoundStmt>(Parents->getParent(Cur)))
        Cur = Parents->getParent(Cur);
      if (Parents && Parents->getParent(Cur) && !Cur->getBeginLoc().isMacroID()) {
        SourceLoc L = TU.loc(Cur->getBeginLoc());
        std::string Indent(L.Col - 1, ' ');
        std::string Stream = text(FdExpr->getSourceRange());
        R.Fixes.push_back({L.File, L.Offset, 0,
                           Stream + ".expires_after($timeout);\n" + Indent,
                           "set a deadline on '" + Stream + "' first"});
      }
    }
    fn().Reads.push_back(std::move(R));
  }

  // Passing the descriptor on: a callee may set its deadline.
  if (!TU.inSystem(Callee->getLocation()))
    for (size_t I = 0; I < Args.size(); ++I)
      if (std::string K = fdKey(Args[I]); !K.empty())
        Bounded->insert(K + "@" + TU.declare(Callee).Usr + "#" +
                        std::to_string(I));
}

/// A call through a pointer a foreign-pointer source (dlsym) produced:
/// 'auto f = (fn_t)dlsym(h, "name"); f();'.
void FunctionCollector::onPointerCall(const HeldSet &S, const CallExpr *CE) {
  const auto *DRE = dyn_cast<DeclRefExpr>(strip(CE->getCallee()));
  const auto *V = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  const Expr *Init = V ? V->getInit() : nullptr;
  while (Init) {
    Init = Init->IgnoreParenImpCasts();
    if (const auto *Cast = dyn_cast<ExplicitCastExpr>(Init))
      Init = Cast->getSubExpr();
    else
      break;
  }
  const auto *Source = dyn_cast_or_null<CallExpr>(Init);
  const FunctionDecl *Fn = Source ? Source->getDirectCallee() : nullptr;
  if (!Fn || !Rules.isForeignPointerSource(TU.cachedQualName(Fn)))
    return;
  std::string Symbol = V->getNameAsString();
  for (const Expr *A : Source->arguments())
    if (const auto *SL = dyn_cast<StringLiteral>(A->IgnoreParenImpCasts()))
      Symbol = SL->getString().str();
  FunctionFact Synthetic;
  Synthetic.Usr = "blockwatch:" + TU.cachedQualName(Fn).substr(2) + ":" + Symbol;
  Synthetic.Name = Symbol + " (from " + TU.cachedQualName(Fn).substr(2) + ")";
  Synthetic.At = TU.loc(Source->getSourceRange());
  Synthetic.ForeignApi = true;
  bool Known = false;
  for (const FunctionFact &F : TU.Facts.Functions)
    Known |= F.Usr == Synthetic.Usr;
  if (!Known)
    TU.Facts.Functions.push_back(Synthetic);
  CallFact C;
  C.Callee = Synthetic.Usr;
  C.CalleeName = Synthetic.Name;
  C.At = TU.loc(CE->getSourceRange());
  C.Held = heldLocks(S);
  fn().Calls.push_back(std::move(C));
}

void FunctionCollector::transfer(HeldSet &S, const Stmt *St) {
  if (const auto *DS = dyn_cast<DeclStmt>(St)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D)) {
        size_t Before = fn().Acquires.size();
        onGuardDecl(S, VD);
        if (Recording && fn().Acquires.size() == Before + 1)
          mergeWithPrevious(DS, fn().Acquires.back());
      }
    return;
  }
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(St)) {
    if (const FunctionDecl *Callee = MC->getDirectCallee()) {
      llvm::SmallVector<const Expr *, 4> Args(MC->arguments());
      onCall(S, MC, Callee, Args, MC->getImplicitObjectArgument());
    }
    return;
  }
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(St)) {
    if (const FunctionDecl *Callee = OC->getDirectCallee()) {
      llvm::SmallVector<const Expr *, 4> Args(OC->arguments());
      const Expr *Object = nullptr;
      if (isa<CXXMethodDecl>(Callee) && !Args.empty()) {
        Object = Args.front();
        Args.erase(Args.begin());
      }
      onCall(S, OC, Callee, Args, Object);
    }
    return;
  }
  if (const auto *CE = dyn_cast<CallExpr>(St)) {
    if (const FunctionDecl *Callee = CE->getDirectCallee()) {
      llvm::SmallVector<const Expr *, 4> Args(CE->arguments());
      onCall(S, CE, Callee, Args, nullptr);
    } else if (Recording) {
      onPointerCall(S, CE);
    }
    return;
  }
  if (const auto *CE = dyn_cast<CXXConstructExpr>(St)) {
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    // Guards are handled at their declaration.
    if (Ctor && !Rules.guard(typeName(CE->getType()))) {
      llvm::SmallVector<const Expr *, 4> Args(CE->arguments());
      onCall(S, CE, Ctor, Args, nullptr);
    }
    return;
  }
  if (Recording && (isa<CoawaitExpr>(St) || isa<CoyieldExpr>(St) ||
                    isa<DependentCoawaitExpr>(St))) {
    HeldSet ThreadLocks;
    for (const Held &H : S)
      if (H.BlocksThread)
        ThreadLocks.push_back(H);
    if (!ThreadLocks.empty())
      fn().Suspends.push_back({isa<CoyieldExpr>(St) ? "co_yield" : "co_await",
                             TU.loc(St->getSourceRange()),
                             heldLocks(ThreadLocks)});
  }
}

/// Finds descriptors made non-blocking in this function: created with a
/// non-blocking flag or switched by a call the packs list in
/// 'nonblocking_fds'. Fields and globals count for the whole TU.
void FunctionCollector::scanNonBlockingFds(const Stmt *Body) {
  class Scan : public RecursiveASTVisitor<Scan> {
  public:
    Scan(FunctionCollector &FC) : FC(FC) {}
    bool VisitCallExpr(CallExpr *CE) {
      const FdSetter *FS = setter(CE);
      if (FS && FS->Object)
        if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE))
          mark(MC->getImplicitObjectArgument());
      if (FS && !FS->Object && FS->FdArg >= 0 &&
          FS->FdArg < int(CE->getNumArgs()))
        mark(CE->getArg(FS->FdArg));
      return true;
    }
    bool VisitVarDecl(VarDecl *VD) {
      if (VD->getInit() && createsNonBlocking(VD->getInit()))
        FC.TU.NonBlockingFds.insert(VD);
      if (VD->getInit() && createsSocket(VD->getInit()))
        FC.SocketKeys.insert("local:" + VD->getNameAsString());
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->getOpcode() == BO_Assign && createsNonBlocking(BO->getRHS()))
        mark(BO->getLHS());
      if (BO->getOpcode() == BO_Assign && createsSocket(BO->getRHS())) {
        std::string K = FC.fdKey(BO->getLHS());
        if (K.compare(0, 6, "local:") == 0 || K.compare(0, 6, "param:") == 0)
          FC.SocketKeys.insert(K);
        else if (!K.empty())
          FC.TU.SocketMembers.insert(K);
      }
      return true;
    }
    bool createsSocket(const Expr *E) {
      const auto *CE = dyn_cast<CallExpr>(strip(E));
      const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
      return Callee &&
             FC.Rules.socketSource(FC.TU.cachedQualName(Callee)) != nullptr;
    }
    const FdSetter *setter(const CallExpr *CE) {
      const FunctionDecl *Callee = CE->getDirectCallee();
      if (!Callee)
        return nullptr;
      const FdSetter *FS = FC.Rules.fdSetter(FC.TU.cachedQualName(Callee));
      if (!FS)
        return nullptr;
      llvm::SmallVector<const Expr *, 4> Args(CE->arguments());
      for (const auto &C : FS->When)
        if (!FC.conditionHolds(C, Args))
          return nullptr;
      return FS;
    }
    bool createsNonBlocking(const Expr *E) {
      const auto *CE = dyn_cast<CallExpr>(strip(E));
      if (!CE)
        return false;
      // A helper that returns such a descriptor ('createEventfd()').
      if (const FunctionDecl *Callee = CE->getDirectCallee())
        if (FC.TU.NonBlockingReturners.count(Callee->getCanonicalDecl()))
          return true;
      const FdSetter *FS = setter(CE);
      return FS && FS->FdArg < 0 && !FS->Object;
    }
    bool VisitReturnStmt(ReturnStmt *RS) {
      const Expr *V = RS->getRetValue();
      if (!V)
        return true;
      const auto *DRE = dyn_cast<DeclRefExpr>(strip(V));
      if (createsNonBlocking(V) ||
          (DRE && FC.TU.NonBlockingFds.count(DRE->getDecl())))
        FC.TU.NonBlockingReturners.insert(FC.FD->getCanonicalDecl());
      return true;
    }
    void mark(const Expr *E) {
      E = strip(E);
      if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
        // By declaration, so the lambdas that capture it see it too.
        if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
          FC.TU.NonBlockingFds.insert(VD);
      } else if (const auto *ME = dyn_cast<MemberExpr>(E)) {
        FC.TU.NonBlockingFds.insert(ME->getMemberDecl());
      }
    }
    FunctionCollector &FC;
  };
  Scan S(*this);
  S.TraverseStmt(const_cast<Stmt *>(Body));
  // Members made non-blocking where they are initialized:
  // 'EventLoop() : wakeupFd_(createEventfd())'.
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD))
    for (const CXXCtorInitializer *Init : Ctor->inits())
      if (Init->isMemberInitializer() && Init->getInit() &&
          S.createsNonBlocking(Init->getInit()))
        TU.NonBlockingFds.insert(Init->getMember());
}

/// What the TU must know before any function is analysed: members that
/// constructors bind to their parameters, every construction, the callables
/// handoffs start, the loops entries schedule callables on, and where loops
/// are run and kept alive.
void FunctionCollector::scanStructure(const Stmt *Body) {
  class Scan : public RecursiveASTVisitor<Scan> {
  public:
    Scan(FunctionCollector &FC) : FC(FC), TU(FC.TU) {}
    // A lambda's body is its own function, scanned on its own.
    bool TraverseLambdaExpr(LambdaExpr *LE) {
      for (Expr *Init : LE->capture_inits())
        TraverseStmt(Init);
      return true;
    }
    bool VisitCallExpr(CallExpr *CE) {
      const FunctionDecl *Callee = CE->getDirectCallee();
      if (!Callee)
        return true;
      llvm::SmallVector<const Expr *, 4> Args(CE->arguments());
      const Expr *Object = nullptr;
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
        Object = MC->getImplicitObjectArgument();
      } else if (isa<CXXOperatorCallExpr>(CE) && isa<CXXMethodDecl>(Callee) &&
                 !Args.empty()) {
        Object = Args.front();
        Args.erase(Args.begin());
      }
      onCall(Callee, Args, Object);
      return true;
    }
    bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
      const CXXConstructorDecl *Ctor = CE->getConstructor();
      if (!Ctor)
        return true;
      if (!TU.inSystem(Ctor->getLocation()))
        TU.Constructions.insert(CE);
      llvm::SmallVector<const Expr *, 4> Args(CE->arguments());
      onCall(Ctor, Args, nullptr);
      return true;
    }
    void onCall(const FunctionDecl *Callee, llvm::ArrayRef<const Expr *> Args,
                const Expr *Object) {
      const std::string &Q = TU.cachedQualName(Callee);
      if (const SpawnApi *SA = FC.spawnApi(Q, Args)) {
        const Expr *Loop = objectNode(FC.loopExpr(SA->LoopArg, Args, Object));
        if (Loop)
          TU.LoopOnlyUses.insert(Loop);
        for (const FunctionDecl *T : FC.spawnTargets(*SA, Args)) {
          if (SA->Handoff)
            TU.HandoffTargets.insert(T->getCanonicalDecl());
          else
            TU.ScheduledOn[T->getCanonicalDecl()].insert(objectDecl(Loop));
        }
        return;
      }
      if (const WorkGuardApi *W = FC.Rules.workGuard(Q))
        if (const Expr *Loop = objectNode(FC.loopExpr(W->LoopArg, Args, Object)))
          TU.LoopOnlyUses.insert(Loop);
      if (const BlockingApi *B = FC.Rules.blocking(Q); B && B->RunsLoop)
        if (const Expr *Loop = objectNode(Object)) {
          TU.LoopOnlyUses.insert(Loop);
          TU.LoopRuns.push_back({FC.FD->getCanonicalDecl(), objectDecl(Loop)});
        }
    }
    FunctionCollector &FC;
    TuCollector &TU;
  } S(*this);
  S.TraverseStmt(const_cast<Stmt *>(Body));
  const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD);
  if (!Ctor)
    return;
  for (const CXXCtorInitializer *Init : Ctor->inits()) {
    const Expr *E = Init->getInit();
    // Default member initializers run as part of each constructor.
    if (const auto *DI = dyn_cast_or_null<CXXDefaultInitExpr>(E))
      E = DI->getExpr();
    S.TraverseStmt(const_cast<Expr *>(E));
    if (!Init->isMemberInitializer() || !Init->isWritten())
      continue;
    if (const ParmVarDecl *P = initParam(Init->getInit());
        P && P->getDeclContext() == FD)
      TU.ParamMembers[{FD->getCanonicalDecl(), P->getFunctionScopeIndex()}] =
          Init->getMember();
  }
}

std::pair<HeldSet, HeldSet>
FunctionCollector::successLocks(const Stmt *Cond) {
  const auto *E = dyn_cast_or_null<Expr>(Cond);
  if (!E)
    return {};
  bool Negated = false;
  // Lock functions of C APIs return 0 on success; methods return true.
  bool ZeroIsSuccess = false;
  while (true) {
    E = E->IgnoreParenImpCasts();
    if (const auto *U = dyn_cast<UnaryOperator>(E);
        U && U->getOpcode() == UO_LNot) {
      Negated = !Negated;
      E = U->getSubExpr();
      continue;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E);
        BO && (BO->getOpcode() == BO_EQ || BO->getOpcode() == BO_NE)) {
      Expr::EvalResult R;
      const Expr *Other = nullptr;
      if (BO->getRHS()->EvaluateAsInt(R, Ctx) && R.Val.getInt() == 0)
        Other = BO->getLHS();
      else if (BO->getLHS()->EvaluateAsInt(R, Ctx) && R.Val.getInt() == 0)
        Other = BO->getRHS();
      if (!Other)
        return {};
      // 'x == 0' is true exactly when x is zero.
      ZeroIsSuccess = true;
      if (BO->getOpcode() == BO_NE)
        Negated = !Negated;
      E = Other;
      continue;
    }
    break;
  }
  HeldSet Locks;
  bool TrueOnSuccess = true;
  auto It = TryCalls.find(E);
  if (It != TryCalls.end()) {
    Locks = It->second;
    const auto *CE = dyn_cast<CallExpr>(E);
    bool CStyle = CE && !isa<CXXMemberCallExpr>(CE);
    // A C try-lock succeeds when it returns 0: 'f() == 0' is true then, a
    // bare 'f()' is false then.
    TrueOnSuccess = CStyle ? ZeroIsSuccess : !ZeroIsSuccess;
  } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    // lk.owns_lock() or 'if (lk)' on a guard made with try_to_lock.
    const VarDecl *GV = guardVar(MC->getImplicitObjectArgument());
    auto G = GV ? TryGuards.find(GV) : TryGuards.end();
    if (G == TryGuards.end())
      return {};
    Locks = G->second;
    TrueOnSuccess = !ZeroIsSuccess;
  } else {
    return {};
  }
  if (Negated)
    TrueOnSuccess = !TrueOnSuccess;
  return TrueOnSuccess ? std::make_pair(Locks, HeldSet())
                       : std::make_pair(HeldSet(), Locks);
}

void FunctionCollector::run(const Stmt *Body) {
  scanNonBlockingFds(Body);
  Parents = std::make_unique<ParentMap>(const_cast<Stmt *>(Body));
  CFG::BuildOptions BO;
  BO.AddImplicitDtors = true;
  BO.AddInitializers = true;
  BO.AddTemporaryDtors = false;
  BO.setAllAlwaysAdd();
  std::unique_ptr<CFG> G =
      CFG::buildCFG(FD, const_cast<Stmt *>(Body), &Ctx, BO);
  if (!G)
    return;

  // Must-hold dataflow: a lock counts as held only if it is held on every
  // path, so a lock released on one branch is not held after the join.
  // Two must-analyses in one pass: the locks held, and the deadlines that
  // bound socket reads. A fact counts only if it holds on every path.
  using State = std::pair<HeldSet, std::set<std::string>>;
  std::vector<std::optional<State>> In(G->getNumBlockIDs());
  In[G->getEntry().getBlockID()] = State();
  // PostOrderCFGView skips the null successors of pruned edges
  // ('for (;;)', constant conditions), which a plain graph walk follows.
  PostOrderCFGView RPO(G.get());
  auto Meet = [](std::optional<State> &Into, const State &From) {
    if (!Into) {
      Into = From;
      return true;
    }
    HeldSet Kept;
    for (const Held &H : Into->first)
      if (std::find(From.first.begin(), From.first.end(), H) !=
          From.first.end())
        Kept.push_back(H);
    std::set<std::string> Both;
    std::set_intersection(Into->second.begin(), Into->second.end(),
                          From.second.begin(), From.second.end(),
                          std::inserter(Both, Both.begin()));
    bool Changed = Kept.size() != Into->first.size() ||
                   Both.size() != Into->second.size();
    Into->first = std::move(Kept);
    Into->second = std::move(Both);
    return Changed;
  };
  auto RunBlock = [&](const CFGBlock *B, State St) {
    Bounded = &St.second;
    for (const CFGElement &E : *B) {
      CurrentCall = nullptr;
      if (auto CS = E.getAs<CFGStmt>())
        transfer(St.first, CS->getStmt());
      else if (auto D = E.getAs<CFGAutomaticObjDtor>())
        release(St.first, "", D->getVarDecl());
    }
    Bounded = nullptr;
    return St;
  };
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const CFGBlock *B : RPO) {
      if (!In[B->getBlockID()])
        continue;
      State Out = RunBlock(B, *In[B->getBlockID()]);
      std::pair<HeldSet, HeldSet> Extra;
      if (B->succ_size() == 2)
        Extra = successLocks(B->getTerminatorCondition());
      unsigned Idx = 0;
      for (const CFGBlock *Succ : B->succs()) {
        State SuccState = Out;
        const HeldSet &Add = Idx++ == 0 ? Extra.first : Extra.second;
        SuccState.first.insert(SuccState.first.end(), Add.begin(), Add.end());
        if (Succ)
          Changed |= Meet(In[Succ->getBlockID()], SuccState);
      }
    }
  }
  Recording = true;
  for (const CFGBlock *B : RPO)
    if (In[B->getBlockID()])
      RunBlock(B, *In[B->getBlockID()]);
  // Deadlines this function leaves on its parameters, for callers.
  if (const auto &Exit = In[G->getExit().getBlockID()]) {
    for (const std::string &T : Exit->second) {
      if (T.compare(0, 6, "param:") != 0)
        continue;
      size_t At = T.find('@');
      size_t End = std::min(At, T.find('#'));
      int P = std::stoi(T.substr(6, End - 6));
      if (At == std::string::npos) {
        fn().DeadlineParams.push_back(P);
      } else {
        size_t Hash = T.rfind('#');
        fn().DeadlineParamCalls.push_back(
            {P, {T.substr(At + 1, Hash - At - 1), std::stoi(T.substr(Hash + 1))}});
      }
    }
  }
}

void TuCollector::run() {
  TraverseAST(Ctx);
  for (const FunctionDecl *FD : Pending)
    prescan(FD, &FunctionCollector::scanStructure);
  // Which descriptors are non-blocking is a whole-TU fact (a member set in
  // the constructor, read in a method defined earlier): find it first.
  // Twice, so a helper returning such a descriptor is seen by its callers.
  for (int Pass = 0; Pass < 2; ++Pass)
    for (const FunctionDecl *FD : Pending)
      prescan(FD, &FunctionCollector::scanNonBlockingFds);
  bindNonBlockingMembers();
  findWorkerLoops();
  for (const FunctionDecl *FD : Pending)
    collectFunction(FD);
  carryExpiries();
}

void TuCollector::prescan(const FunctionDecl *FD,
                          void (FunctionCollector::*Pass)(const Stmt *)) {
  const Stmt *Body = FD->getBody();
  if (const auto *CB = dyn_cast_or_null<CoroutineBodyStmt>(Body))
    Body = CB->getBody();
  if (!Body)
    return;
  declare(FD);
  FunctionCollector FC(*this, FD, Index[FD->getCanonicalDecl()]);
  (FC.*Pass)(Body);
}

/// A member bound to a constructor parameter is non-blocking when every
/// construction seen passes a non-blocking descriptor for it: asio's
/// third_party_lib session keeps a reference to the connection's socket,
/// which the connection puts in non-blocking mode.
void TuCollector::bindNonBlockingMembers() {
  if (ParamMembers.empty())
    return;
  std::map<std::pair<const FunctionDecl *, unsigned>, std::vector<const Expr *>>
      Passed;
  for (const CXXConstructExpr *CE : Constructions) {
    const FunctionDecl *Ctor = CE->getConstructor()->getCanonicalDecl();
    for (unsigned I = 0; I < CE->getNumArgs(); ++I)
      if (ParamMembers.count({Ctor, I}))
        Passed[{Ctor, I}].push_back(CE->getArg(I));
  }
  // Until no member changes: a member may be bound to another such member.
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const auto &[Param, Field] : ParamMembers) {
      auto It = Passed.find(Param);
      if (NonBlockingFds.count(Field) || It == Passed.end() ||
          !llvm::all_of(It->second,
                        [&](const Expr *A) { return nonBlockingFd(A); }))
        continue;
      NonBlockingFds.insert(Field);
      Changed = true;
    }
  }
}

/// A loop is a private worker when every call that runs it is the body of
/// a thread started to run it, and nothing binds I/O to it: every other use
/// schedules work on it, keeps it alive, captures it in a lambda, or calls a
/// method that returns no object (stop(), stopped()). asio's logger service
/// runs one so that file I/O stays off its callers' threads; a loop that
/// sockets or timers are made on, or that any thread runs directly, stays
/// a loop.
void TuCollector::findWorkerLoops() {
  llvm::DenseSet<const ValueDecl *> Candidates, Rejected;
  for (const auto &[Fn, Loop] : LoopRuns) {
    // Parameters and globals have uses out of sight.
    const auto *V = dyn_cast<VarDecl>(Loop);
    bool Owned = isa<FieldDecl>(Loop) ||
                 (V && V->hasLocalStorage() && !isa<ParmVarDecl>(V));
    if (Owned && HandoffTargets.count(Fn))
      Candidates.insert(Loop);
    else
      Rejected.insert(Loop);
  }
  for (const ValueDecl *D : Rejected)
    Candidates.erase(D);
  if (Candidates.empty())
    return;
  class Uses : public RecursiveASTVisitor<Uses> {
  public:
    Uses(TuCollector &TU, llvm::DenseSet<const ValueDecl *> &Candidates)
        : TU(TU), Candidates(Candidates) {}
    // Capturing a loop binds nothing to it; what the lambda's body does
    // with it is a use of its own.
    bool TraverseLambdaExpr(LambdaExpr *LE) {
      for (Expr *Init : LE->capture_inits()) {
        if (const Expr *N = objectNode(Init))
          Harmless.insert(N);
        TraverseStmt(Init);
      }
      return true;
    }
    bool VisitCXXMemberCallExpr(CXXMemberCallExpr *MC) {
      const CXXMethodDecl *M = MC->getMethodDecl();
      QualType R = M ? M->getReturnType() : QualType();
      if (!R.isNull() && (R->isVoidType() || R->isIntegralOrEnumerationType()))
        if (const Expr *N = objectNode(MC->getImplicitObjectArgument()))
          Harmless.insert(N);
      return true;
    }
    bool VisitDeclRefExpr(DeclRefExpr *DRE) {
      if (Candidates.count(DRE->getDecl()))
        Seen.push_back(DRE);
      return true;
    }
    bool VisitMemberExpr(MemberExpr *ME) {
      if (Candidates.count(ME->getMemberDecl()))
        Seen.push_back(ME);
      return true;
    }
    TuCollector &TU;
    llvm::DenseSet<const ValueDecl *> &Candidates;
    llvm::DenseSet<const Expr *> Harmless;
    std::vector<const Expr *> Seen;
  } U(*this, Candidates);
  for (const FunctionDecl *FD : Pending) {
    U.TraverseStmt(FD->getBody());
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD))
      for (const CXXCtorInitializer *Init : Ctor->inits()) {
        const Expr *E = Init->getInit();
        if (const auto *DI = dyn_cast_or_null<CXXDefaultInitExpr>(E))
          E = DI->getExpr();
        U.TraverseStmt(const_cast<Expr *>(E));
      }
  }
  for (const Expr *E : U.Seen)
    if (!LoopOnlyUses.count(E) && !U.Harmless.count(E))
      Candidates.erase(objectDecl(E));
  WorkerLoops = std::move(Candidates);
}

/// The class whose object a method or a lambda in one works on.
static const CXXRecordDecl *ownerClass(const FunctionDecl *F) {
  while (const auto *M = dyn_cast_or_null<CXXMethodDecl>(F)) {
    if (!M->getParent()->isLambda())
      return M->getParent();
    F = dyn_cast<FunctionDecl>(M->getParent()->getDeclContext());
  }
  return nullptr;
}

/// Beast's stream expiry "applies collectively to any asynchronous reads or
/// writes initiated after the expiration is set, until the expiration is
/// set again": one set before an async_write also bounds the read that the
/// write's completion handler starts. A function starts with a member
/// expiry in force when every call and handler start that reaches it has
/// it in force on the same object; a function no visible edge reaches, or
/// only a cycle does, starts with none.
void TuCollector::carryExpiries() {
  std::set<std::string> All;
  llvm::DenseMap<const FunctionDecl *, std::vector<const ChainEdge *>> Into;
  llvm::DenseMap<const FunctionDecl *, std::vector<const FunctionDecl *>> Out;
  for (const ChainEdge &E : ChainEdges) {
    All.insert(E.Keys.begin(), E.Keys.end());
    Into[E.To].push_back(&E);
    Out[E.From].push_back(E.To);
  }
  if (All.empty())
    return;
  llvm::DenseSet<const FunctionDecl *> Reached;
  std::vector<const FunctionDecl *> Work;
  for (const FunctionDecl *FD : Pending)
    if (!Into.count(FD->getCanonicalDecl()) &&
        Reached.insert(FD->getCanonicalDecl()).second)
      Work.push_back(FD->getCanonicalDecl());
  while (!Work.empty()) {
    const FunctionDecl *F = Work.back();
    Work.pop_back();
    for (const FunctionDecl *T : Out[F])
      if (Reached.insert(T).second)
        Work.push_back(T);
  }
  // Greatest fixpoint, from every expiry of the function's class.
  llvm::DenseMap<const FunctionDecl *, std::set<std::string>> Seed;
  for (const auto &[F, Edges] : Into) {
    const CXXRecordDecl *RD = ownerClass(F);
    if (!RD || !Reached.count(F))
      continue;
    std::string Prefix = "member:" + classKey(RD) + "::";
    for (const std::string &K : All)
      if (K.compare(0, Prefix.size(), Prefix) == 0 &&
          K.find("::", Prefix.size()) == std::string::npos)
        Seed[F].insert(K);
  }
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (auto &[F, S] : Seed) {
      std::set<std::string> Next = S;
      for (const ChainEdge *E : Into[F]) {
        std::set<std::string> In;
        if (E->SameObject) {
          In.insert(E->Keys.begin(), E->Keys.end());
          auto From = Seed.find(E->From);
          if (From != Seed.end())
            for (const std::string &K : From->second)
              if (!Cleared[E->From].count(K))
                In.insert(K);
        }
        std::set<std::string> Both;
        std::set_intersection(Next.begin(), Next.end(), In.begin(), In.end(),
                              std::inserter(Both, Both.begin()));
        Next = std::move(Both);
      }
      if (Next != S) {
        S = std::move(Next);
        Changed = true;
      }
    }
  }
  for (const auto &[F, S] : Seed) {
    auto Idx = Index.find(F);
    if (S.empty() || Idx == Index.end())
      continue;
    for (ReadFact &R : Facts.Functions[Idx->second].Reads) {
      std::string K = R.Key + "#async";
      if (R.Mode == "async" && !R.Bounded && S.count(K) &&
          !Cleared[F].count(K)) {
        R.Bounded = true;
        R.Fixes.clear();
      }
    }
  }
}

void TuCollector::collectFunction(const FunctionDecl *FD) {
  size_t Idx = Index.count(FD->getCanonicalDecl())
                   ? Index[FD->getCanonicalDecl()]
                   : (declare(FD), Index[FD->getCanonicalDecl()]);
  if (Facts.Functions[Idx].HasBody)
    return;
  Facts.Functions[Idx].HasBody = true;
  Facts.Functions[Idx].At = loc(FD->getLocation());
  const Stmt *Body = FD->getBody();
  if (const auto *CB = dyn_cast_or_null<CoroutineBodyStmt>(Body)) {
    Body = CB->getBody();
    // A coroutine is loop code when its task type says so; one of an unknown
    // task type that awaits is resumed by some scheduler too.
    const CXXRecordDecl *RD = recordOf(FD->getReturnType());
    const TypedContext *TC = RD ? Rules.taskType(qualName(RD)) : nullptr;
    if (TC) {
      Facts.Functions[Idx].EntryContext = TC->Context;
      Facts.Functions[Idx].EntryReason = "the coroutine";
    } else {
      class FindAwait : public RecursiveASTVisitor<FindAwait> {
      public:
        bool Found = false;
        bool VisitCoawaitExpr(CoawaitExpr *) { return !(Found = true); }
        bool VisitCoreturnStmt(CoreturnStmt *) { return !(Found = true); }
        bool TraverseLambdaExpr(LambdaExpr *) { return true; }
      } F;
      F.TraverseStmt(const_cast<Stmt *>(Body));
      if (F.Found) {
        Facts.Functions[Idx].EntryContext = "coroutine";
        Facts.Functions[Idx].EntryReason = "the coroutine";
      }
    }
  }
  for (const ParmVarDecl *P : FD->parameters())
    if (const TypedContext *TC = Rules.entryParameter(typeName(P->getType()))) {
      Facts.Functions[Idx].EntryContext = TC->Context;
      Facts.Functions[Idx].EntryReason = "the stackful coroutine";
    }
  for (const auto *A : FD->specific_attrs<AnnotateAttr>())
    if (A->getAnnotation() == "blockwatch::event_loop") {
      Facts.Functions[Idx].EntryContext = "event-loop";
      Facts.Functions[Idx].EntryReason = "the function annotated as loop code";
    }
  FunctionCollector(*this, FD, Idx).run(Body);
  collectChannels(Ctx, Rules, FD, Body,
                  {[this](SourceRange R) { return loc(R); }, qualName, typeName},
                  Facts.Functions[Idx]);
}

} // namespace

TuFacts collectFacts(ASTContext &Ctx, const RuleSet &Rules) {
  TuCollector C(Ctx, Rules);
  if (OptionalFileEntryRef FE =
          Ctx.getSourceManager().getFileEntryRefForID(
              Ctx.getSourceManager().getMainFileID())) {
    C.Facts.MainFile = C.loc(Ctx.getSourceManager().getLocForStartOfFile(
                                 Ctx.getSourceManager().getMainFileID()))
                           .File;
  }
  C.Facts.RulesDigest = Rules.digest();
  C.run();
  return std::move(C.Facts);
}

} // namespace blockwatch
