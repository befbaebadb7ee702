// hetgrid/detail/heap_sort.hpp: an in-place heap sort and the array it sorts in, usable in
// constant expressions (the layout checks and the split plan sort at compile time too).
#pragma once

#include <cstddef>

namespace hetgrid::detail {

// In-place heap sort: n log n with no allocation beyond the caller's and no <algorithm>
// (which would cost every translation unit that includes the core).
template <class T, class Less>
constexpr void heap_sort(T* items, std::size_t n, Less less) {
  const auto sift_down = [&](std::size_t root, std::size_t end) {
    for (std::size_t child; (child = 2 * root + 1) < end; root = child) {
      if (child + 1 < end && less(items[child], items[child + 1])) ++child;
      if (!less(items[root], items[child])) return;
      const T held = items[root];
      items[root] = items[child];
      items[child] = held;
    }
  };
  for (std::size_t i = n / 2; i-- > 0;) sift_down(i, n);
  for (std::size_t end = n; end-- > 1;) {
    const T held = items[0];
    items[0] = items[end];
    items[end] = held;
    sift_down(0, end);
  }
}

// Sorts unless the items are in order already: checking costs a constant evaluation far less
// than sorting, and most layouts are written in order.
template <class T, class Less>
constexpr void sort_unless_sorted(T* items, std::size_t n, Less less) {
  for (std::size_t i = 1; i < n; ++i)
    if (less(items[i], items[i - 1])) return heap_sort(items, n, less);
}

// Owns an array to sort in; a transient allocation, so constant expressions may use it too.
template <class T>
struct scratch {
  constexpr explicit scratch(std::size_t n) : items(new T[n]) {}
  constexpr ~scratch() { delete[] items; }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
  T* items;
};

}  // namespace hetgrid::detail
