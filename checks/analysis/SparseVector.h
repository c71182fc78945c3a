//===- SparseVector.h - a vector that costs one pointer while empty -------===//
//
// Most functions have no spawns, reads, suspensions or channels, and most
// calls pass no lock or descriptor; a whole-program merge holds millions of
// them, so the facts' rarer lists are stored out of line and cost a null
// pointer when empty instead of three.
//
//===----------------------------------------------------------------------===//
#ifndef BLOCKWATCH_SPARSEVECTOR_H
#define BLOCKWATCH_SPARSEVECTOR_H

#include <initializer_list>
#include <memory>
#include <vector>

namespace blockwatch {

template <typename T> class SparseVector {
public:
  using value_type = T;
  using iterator = T *;
  using const_iterator = const T *;

  SparseVector() = default;
  SparseVector(std::initializer_list<T> Items) { assign(Items); }
  SparseVector(const std::vector<T> &Items) { assign(Items); }
  SparseVector(const SparseVector &O) { assign(O.vec()); }
  SparseVector(SparseVector &&) noexcept = default;
  SparseVector &operator=(const SparseVector &O) {
    if (this != &O)
      assign(O.vec());
    return *this;
  }
  SparseVector &operator=(SparseVector &&) noexcept = default;

  /// The items as a std::vector (an empty one when there are none).
  const std::vector<T> &vec() const { return V ? *V : none(); }
  operator const std::vector<T> &() const { return vec(); }

  template <typename Range> void assign(const Range &Items) {
    V.reset();
    for (const auto &I : Items)
      push_back(I);
  }
  template <typename It> void assign(It First, It Last) {
    V.reset();
    for (; First != Last; ++First)
      push_back(*First);
  }

  bool empty() const { return !V || V->empty(); }
  size_t size() const { return V ? V->size() : 0; }
  T *begin() { return V ? V->data() : nullptr; }
  T *end() { return V ? V->data() + V->size() : nullptr; }
  const T *begin() const { return V ? V->data() : nullptr; }
  const T *end() const { return V ? V->data() + V->size() : nullptr; }
  T &operator[](size_t I) { return (*V)[I]; }
  const T &operator[](size_t I) const { return (*V)[I]; }
  T &front() { return V->front(); }
  const T &front() const { return V->front(); }
  T &back() { return V->back(); }
  const T &back() const { return V->back(); }

  void push_back(const T &X) { get().push_back(X); }
  void push_back(T &&X) { get().push_back(std::move(X)); }
  template <typename... Args> T &emplace_back(Args &&...A) {
    return get().emplace_back(std::forward<Args>(A)...);
  }
  void clear() { V.reset(); }

  bool operator==(const SparseVector &O) const { return vec() == O.vec(); }

private:
  std::unique_ptr<std::vector<T>> V;
  std::vector<T> &get() {
    if (!V)
      V = std::make_unique<std::vector<T>>();
    return *V;
  }
  static const std::vector<T> &none() {
    static const std::vector<T> Empty;
    return Empty;
  }
};

} // namespace blockwatch

#endif
