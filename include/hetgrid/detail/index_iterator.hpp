// hetgrid/detail/index_iterator.hpp: one forward iterator for every sequence in hetgrid that
// computes its i-th element on demand (a group's members, a kind's groups, a bridge's
// transfers), so that none of them stores what it lists.
#pragma once

#include <cstddef>  // first: it says which standard library this is

// The iterator tags alone: <iterator> also parses the stream iterators, 0.1 s of every TU.
#if defined(__GLIBCXX__)
#include <bits/stl_iterator_base_types.h>
#else
#include <iterator>
#endif

namespace hetgrid::detail {

// Iterates `Sequence` by index: *it is sequence[index], by value.
template <class Sequence, class Value>
class index_iterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = Value;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = Value;

  constexpr index_iterator() = default;
  constexpr index_iterator(const Sequence* sequence, int index)
      : sequence_(sequence), index_(index) {}

  constexpr Value operator*() const { return (*sequence_)[index_]; }
  constexpr index_iterator& operator++() {
    ++index_;
    return *this;
  }
  constexpr index_iterator operator++(int) {
    index_iterator old = *this;
    ++index_;
    return old;
  }
  friend constexpr bool operator==(const index_iterator& a, const index_iterator& b) {
    return a.index_ == b.index_;
  }

 private:
  const Sequence* sequence_ = nullptr;
  int index_ = 0;
};

}  // namespace hetgrid::detail
