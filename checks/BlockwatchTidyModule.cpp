//===- BlockwatchTidyModule.cpp - registers the blockwatch checks ---------===//
#include "BlockingOnEventLoopCheck.h"
#include "BlockingUnderLockCheck.h"
#include "ChannelSelfDeadlockCheck.h"
#include "ForeignCallWithoutHandoffCheck.h"
#include "LockOrderInversionCheck.h"
#include "ReadWithoutDeadlineCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"

namespace clang::tidy::blockwatch {

class BlockwatchModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<BlockingOnEventLoopCheck>(
        "blockwatch-blocking-on-event-loop");
    Factories.registerCheck<ReadWithoutDeadlineCheck>(
        "blockwatch-read-without-deadline");
    Factories.registerCheck<ChannelSelfDeadlockCheck>(
        "blockwatch-channel-self-deadlock");
    Factories.registerCheck<LockOrderInversionCheck>(
        "blockwatch-lock-order-inversion");
    Factories.registerCheck<ForeignCallWithoutHandoffCheck>(
        "blockwatch-foreign-call-without-handoff");
    Factories.registerCheck<BlockingUnderLockCheck>(
        "blockwatch-blocking-under-lock");
  }
};

static ClangTidyModuleRegistry::Add<BlockwatchModule>
    X("blockwatch-module", "Blocking hazards in concurrent C++.");

// Referenced by builds that link the module statically (blockwatch-clangd)
// so the linker keeps the registration above.
volatile int BlockwatchModuleAnchorSource = 0;

} // namespace clang::tidy::blockwatch
