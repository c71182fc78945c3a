//===- ForeignCallWithoutHandoffCheck.h ----------------------------------------------===//
#ifndef BLOCKWATCH_FOREIGNCALLWITHOUTHANDOFFCHECK_H
#define BLOCKWATCH_FOREIGNCALLWITHOUTHANDOFFCHECK_H

#include "BlockwatchCheck.h"

namespace clang::tidy::blockwatch {

/// Finds an opaque foreign call made on a loop or fiber thread without handing the work to another thread.
///
/// For the user-facing documentation see:
/// docs/checks/blockwatch-foreign-call-without-handoff.md
class ForeignCallWithoutHandoffCheck : public BlockwatchCheck {
public:
  ForeignCallWithoutHandoffCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

private:
  const std::string ForeignHeaders;
  const bool Strict;
};

} // namespace clang::tidy::blockwatch

#endif
