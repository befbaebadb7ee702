// hetgrid/rank_group.hpp: one process group as a value: the ranks base + sum_i c_i * stride_i
// for c_i < shape_i, listed in ascending order. O(1) to hold, whatever the group's size.
#pragma once

#include <array>

#include "hetgrid/detail/index_iterator.hpp"
#include "hetgrid/view.hpp"

namespace hetgrid {

class rank_group {
 public:
  static constexpr int max_dims = view_dim_count;

  constexpr rank_group() = default;
  // @pre strides increase with i and stride[i+1] >= shape[i] * stride[i] (members ascending).
  constexpr rank_group(int base, int dims, std::array<int, max_dims> shape,
                       std::array<int, max_dims> stride)
      : base_(base), dims_(dims), shape_(shape), stride_(stride) {}
  static constexpr rank_group single(int rank) { return rank_group(rank, 0, {}, {}); }

  constexpr int size() const {
    int n = 1;
    for (int i = 0; i < dims_; ++i) n *= shape_[i];
    return n;
  }
  constexpr int front() const { return base_; }
  constexpr int back() const { return (*this)[size() - 1]; }

  // The i-th member in ascending order. @pre 0 <= i < size()
  constexpr int operator[](int i) const {
    int rank = base_;
    for (int d = 0; d < dims_; ++d) {
      rank += (i % shape_[d]) * stride_[d];
      i /= shape_[d];
    }
    return rank;
  }

  // Position of `rank` in the group (its rank in the communicator), or -1 if not a member.
  constexpr int index_of(int rank) const {
    long long rest = static_cast<long long>(rank) - base_;
    if (rest < 0) return -1;
    int index = 0;
    for (int d = dims_ - 1; d >= 0; --d) {
      const long long c = rest / stride_[d];
      if (c >= shape_[d]) return -1;
      rest -= c * stride_[d];
      int scale = 1;
      for (int e = 0; e < d; ++e) scale *= shape_[e];
      index += static_cast<int>(c) * scale;
    }
    return rest == 0 ? index : -1;
  }
  constexpr bool contains(int rank) const { return index_of(rank) >= 0; }

  // Same members, in the same order.
  friend constexpr bool operator==(const rank_group& a, const rank_group& b) {
    const int n = a.size();
    if (n != b.size()) return false;
    for (int i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }

  using iterator = detail::index_iterator<rank_group, int>;
  constexpr iterator begin() const { return iterator(this, 0); }
  constexpr iterator end() const { return iterator(this, size()); }

  constexpr int dims() const { return dims_; }
  constexpr const std::array<int, max_dims>& shape() const { return shape_; }
  constexpr const std::array<int, max_dims>& stride() const { return stride_; }

 private:
  int base_ = 0;
  int dims_ = 0;
  std::array<int, max_dims> shape_{};
  std::array<int, max_dims> stride_{};
};

}  // namespace hetgrid
