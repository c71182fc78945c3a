//===- StableHash.h - a hash that is the same on every machine ------------===//
//
// Rule-pack digests, cache keys, facts file names and SARIF fingerprints must
// not change between runs, builds or platforms, so they use FNV-1a (64 bit)
// rather than std::hash, written as 16 lowercase hex digits.
//
//===----------------------------------------------------------------------===//
#ifndef BLOCKWATCH_STABLEHASH_H
#define BLOCKWATCH_STABLEHASH_H

#include <cstdint>
#include <string>

namespace blockwatch {

inline std::string stableHash(const std::string &S) {
  uint64_t H = 1469598103934665603ull;
  for (unsigned char C : S) {
    H ^= C;
    H *= 1099511628211ull;
  }
  static const char *Digits = "0123456789abcdef";
  std::string Out(16, '0');
  for (int K = 15; K >= 0; --K, H >>= 4)
    Out[K] = Digits[H & 15];
  return Out;
}

} // namespace blockwatch

#endif
