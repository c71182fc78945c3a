//===- Collector.h - turn one TU's AST into facts -------------------------===//
//
// Shared by the clang-tidy checks and the driver. Walks the functions with
// bodies in user code (system headers are known through rule packs, not
// their bodies), runs the held-lock dataflow over each function's CFG, and
// records calls, blocking calls, lock acquisitions, suspensions and the
// callables handed to event loops or other threads.
//
//===----------------------------------------------------------------------===//
#ifndef BLOCKWATCH_COLLECTOR_H
#define BLOCKWATCH_COLLECTOR_H

#include "Facts.h"
#include "RuleSet.h"

namespace clang {
class ASTContext;
}

namespace blockwatch {

/// Collects the facts of the TU (or, in clangd, of the traversal scope).
TuFacts collectFacts(clang::ASTContext &Ctx, const RuleSet &Rules);

} // namespace blockwatch

#endif
