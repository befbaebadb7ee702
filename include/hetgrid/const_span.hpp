// hetgrid/const_span.hpp: const_span<T>, a read-only run of T (a pointer and a count), the type
// every hetgrid function that reads a list (specs, grids, kinds, host names) takes. It converts
// from what std::span<const T> converts from (std::array, std::vector, a C array, a span) and to
// std::span<const T>. Why not std::span itself: its constructors are constrained templates whose
// checks every TU paid again for each element type a span was made of, even where the list is a
// layout's fixed array (BENCHMARKS.md, "Lists without std::span").
#pragma once

#include <cstddef>
#include <span>
#include <type_traits>

namespace hetgrid {

template <class T>
class const_span {
 public:
  using element_type = const T;
  using value_type = std::remove_cv_t<T>;
  using iterator = const T*;

  constexpr const_span() = default;
  constexpr const_span(const T* first, std::size_t count) : first_(first), count_(count) {}
  template <std::size_t N>
  constexpr const_span(const T (&items)[N]) : first_(items), count_(N) {}
  // Any contiguous container of T (std::array, std::vector, std::span): what has data() and size().
  template <class Contiguous>
    requires std::is_convertible_v<decltype(static_cast<const Contiguous*>(nullptr)->data()),
                                   const T*>
  constexpr const_span(const Contiguous& items) : first_(items.data()), count_(items.size()) {}

  constexpr operator std::span<const T>() const { return std::span<const T>(first_, count_); }

  constexpr const T* begin() const { return first_; }
  constexpr const T* end() const { return first_ + count_; }
  constexpr const T* data() const { return first_; }
  constexpr std::size_t size() const { return count_; }
  constexpr bool empty() const { return count_ == 0; }
  // @pre i < size()
  constexpr const T& operator[](std::size_t i) const { return first_[i]; }

 private:
  const T* first_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace hetgrid
