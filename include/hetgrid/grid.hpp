// hetgrid/grid.hpp: one module's resolved grid, a constexpr value: derived dims, the
// coordinate <-> rank mapping of both views, and the group enumeration of SPEC section 2.
// Every function answers for one rank or one group in O(1); nothing holds a table of the world.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "hetgrid/grid_spec.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/rank_group.hpp"

namespace hetgrid {

// A rank's coordinate in every dim of both views.
struct rank_coords {
  int tp = 0, cp = 0, dp = 0, pp = 0;
  int expt_tp = 0, ep = 0, expt_dp = 0;
  friend constexpr bool operator==(const rank_coords&, const rank_coords&) = default;
};

class grid;

// The groups of one kind of one module, in SPEC order (ascending smallest member), computed on
// demand.
class group_range {
 public:
  constexpr group_range(const grid& g, group_kind kind) : grid_(&g), kind_(kind) {}
  constexpr int size() const;
  constexpr rank_group operator[](int index) const;

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = rank_group;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = rank_group;
    constexpr iterator() = default;
    constexpr iterator(const group_range* range, int index) : range_(range), index_(index) {}
    constexpr rank_group operator*() const { return (*range_)[index_]; }
    constexpr iterator& operator++() { ++index_; return *this; }
    constexpr iterator operator++(int) { iterator old = *this; ++index_; return old; }
    friend constexpr bool operator==(const iterator& a, const iterator& b) {
      return a.index_ == b.index_;
    }

   private:
    const group_range* range_ = nullptr;
    int index_ = 0;
  };
  constexpr iterator begin() const { return iterator(this, 0); }
  constexpr iterator end() const { return iterator(this, size()); }

 private:
  const grid* grid_;
  group_kind kind_;
};

class grid {
 public:
  // @pre check_module(spec) == error_kind::none
  constexpr explicit grid(const grid_spec& spec)
      : ranks(spec.ranks),
        tp(spec.tp),
        cp(spec.cp),
        pp(spec.pp),
        ep(spec.ep),
        expt_tp(spec.resolved_expt_tp()),
        offset(spec.offset),
        language(spec.language),
        dp(safe_div(spec.ranks, spec.tp * spec.cp * spec.pp)),
        expt_dp(safe_div(spec.ranks, spec.resolved_expt_tp() * spec.ep * spec.pp)),
        size(spec.ranks),
        spec_(spec) {}

  constexpr const grid_spec& spec() const { return spec_; }
  constexpr std::string_view name() const { return spec_.name_view(); }

  // Sizes of a view's dims, fastest first, and their strides in the module's local index.
  constexpr std::array<int, 4> sizes(view v) const {
    return v == view::base ? std::array<int, 4>{tp, cp, dp, pp}
                           : std::array<int, 4>{expt_tp, ep, expt_dp, pp};
  }
  constexpr std::array<int, 4> strides(view v) const {
    const auto s = sizes(v);
    return {1, s[0], s[0] * s[1], s[0] * s[1] * s[2]};
  }

  constexpr bool contains(int rank) const { return rank >= offset && rank < offset + ranks; }

  // @pre contains(rank)
  constexpr rank_coords coords(int rank) const {
    const auto b = local_coords(view::base, rank - offset);
    const auto e = local_coords(view::expert, rank - offset);
    return {b[0], b[1], b[2], b[3], e[0], e[1], e[2]};
  }
  constexpr bool is_first_stage(int rank) const { return coords(rank).pp == 0; }
  constexpr bool is_last_stage(int rank) const { return coords(rank).pp == pp - 1; }

  constexpr int group_size(group_kind kind) const {
    const auto s = sizes(view_of(kind));
    int n = 1;
    for (int i = 0; i < 4; ++i)
      if (dims_of(kind) >> i & 1u) n *= s[i];
    return n;
  }
  constexpr int group_count(group_kind kind) const { return ranks / group_size(kind); }

  // The group of `kind` that holds `rank`; rank's position in it is .index_of(rank).
  // @pre contains(rank)
  constexpr rank_group group_of(group_kind kind, int rank) const {
    const view v = view_of(kind);
    const auto c = local_coords(v, rank - offset);
    const auto st = strides(v);
    int first = offset;
    for (int i = 0; i < 4; ++i)
      if (!(dims_of(kind) >> i & 1u)) first += c[i] * st[i];
    return spanned(kind, first);
  }

  // The index-th group of `kind` in SPEC order. @pre 0 <= index < group_count(kind)
  constexpr rank_group group(group_kind kind, int index) const {
    const view v = view_of(kind);
    const auto s = sizes(v);
    const auto st = strides(v);
    int first = offset;
    for (int i = 0; i < 4; ++i) {  // the index is mixed-radix over the dims outside the group
      if (dims_of(kind) >> i & 1u) continue;
      first += (index % s[i]) * st[i];
      index /= s[i];
    }
    return spanned(kind, first);
  }
  constexpr group_range groups(group_kind kind) const { return group_range(*this, kind); }

  // The language embedding groups of pp group P: embd = [P.first, P.last] (one rank if
  // pp == 1), pos_embd = [P.first]. A rank holds them only when it is a member.
  constexpr rank_group embd_group_at(int pp_group_index) const {
    const rank_group p = group(group_kind::pp, pp_group_index);
    if (pp == 1) return rank_group::single(p.front());
    return rank_group(p.front(), 1, {2, 1, 1, 1}, {p.back() - p.front(), 1, 1, 1});
  }
  constexpr rank_group pos_embd_group_at(int pp_group_index) const {
    return rank_group::single(group(group_kind::pp, pp_group_index).front());
  }
  constexpr std::optional<rank_group> embd_group(int rank) const {
    if (!language || !contains(rank)) return std::nullopt;
    const int pp_coord = coords(rank).pp;
    if (pp_coord != 0 && pp_coord != pp - 1) return std::nullopt;
    return embd_group_at(pp_group_index(rank));
  }
  constexpr std::optional<rank_group> pos_embd_group(int rank) const {
    if (!language || !contains(rank) || coords(rank).pp != 0) return std::nullopt;
    return pos_embd_group_at(pp_group_index(rank));
  }
  // The group of a slot (group_kind.hpp's numbering) that holds `rank`, if any.
  constexpr std::optional<rank_group> slot_group(int slot, int rank) const {
    if (slot == embd_slot) return embd_group(rank);
    if (slot == pos_embd_slot) return pos_embd_group(rank);
    if (!contains(rank)) return std::nullopt;
    return group_of(static_cast<group_kind>(slot), rank);
  }
  constexpr int pp_group_index(int rank) const { return (rank - offset) % (ranks / pp); }

  // The fields of the spec, resolved, and the derived dims (SPEC section 1).
  int ranks, tp, cp, pp, ep, expt_tp, offset;
  bool language;
  int dp, expt_dp;
  int size;  // = ranks, as HyperCommGrid.size

 private:
  static constexpr int safe_div(int a, int b) { return b > 0 ? a / b : 0; }

  constexpr std::array<int, 4> local_coords(view v, int local) const {
    const auto s = sizes(v);
    std::array<int, 4> c{};
    for (int i = 0; i < 4; ++i) {
      c[i] = local % s[i];
      local /= s[i];
    }
    return c;
  }

  // The group of `kind` whose smallest member is `first`.
  constexpr rank_group spanned(group_kind kind, int first) const {
    const view v = view_of(kind);
    const auto s = sizes(v);
    const auto st = strides(v);
    std::array<int, 4> shape{1, 1, 1, 1}, stride{1, 1, 1, 1};
    int dims = 0;
    for (int i = 0; i < 4; ++i) {
      if (!(dims_of(kind) >> i & 1u) || s[i] == 1) continue;  // a dim of size 1 adds nothing
      shape[dims] = s[i];
      stride[dims] = st[i];
      ++dims;
    }
    return rank_group(first, dims, shape, stride);
  }

  grid_spec spec_;
};

constexpr int group_range::size() const { return grid_->group_count(kind_); }
constexpr rank_group group_range::operator[](int index) const { return grid_->group(kind_, index); }

}  // namespace hetgrid
