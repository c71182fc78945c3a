//===- Channels.h - channel operations and the channel-self-deadlock rule -===//
//
// Facts: which channels a function declares (from the 'channels' sections
// of the rule packs), every operation on a channel in CFG order, and what
// may or must have happened to the channel before each one: sends, receives,
// a close, a fiber, coroutine or thread started with it, or a hand-off to
// code not visible here.
//
// Rule: "who can receive". A local channel's peers are the callables it was
// started with and whatever it was handed to; a send waits forever when none
// of them exists yet (or none of them receives) and the buffer is full, a
// receive when nothing has sent, closed, or been started that can.
//
//===----------------------------------------------------------------------===//
#ifndef BLOCKWATCH_CHANNELS_H
#define BLOCKWATCH_CHANNELS_H

#include "Analysis.h"
#include "Facts.h"
#include "RuleSet.h"

#include <functional>

namespace clang {
class ASTContext;
class Expr;
class FunctionDecl;
class NamedDecl;
class QualType;
class SourceRange;
class Stmt;
} // namespace clang

namespace blockwatch {

/// \p E as written: without parentheses, implicit casts and the temporaries
/// around it. The collector's own stripping builds on it.
const clang::Expr *bareExpr(const clang::Expr *E);

/// What the channel collector borrows from the TU collector, so that names
/// and locations are spelled the same in every fact.
struct ChannelNaming {
  std::function<SourceLoc(clang::SourceRange)> Loc;
  std::function<std::string(const clang::NamedDecl *)> QualName;
  std::function<std::string(clang::QualType)> TypeName;
};

/// Adds the channel facts of \p FD (whose body is \p Body) to \p Fn. Runs
/// after the function's other facts: the spawns recorded there tell which
/// calls start a fiber, coroutine or thread.
void collectChannels(clang::ASTContext &Ctx, const RuleSet &Rules,
                     const clang::FunctionDecl *FD, const clang::Stmt *Body,
                     const ChannelNaming &Naming, FunctionFact &Fn);

/// blockwatch-channel-self-deadlock over the merged facts.
void channelSelfDeadlock(const Program &P, std::vector<Finding> &Out);

} // namespace blockwatch

#endif
