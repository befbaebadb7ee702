// hetgrid/grid.hpp: one module's resolved grid, a constexpr value: derived dims, the
// coordinate <-> rank mapping of both views, and the group enumeration of docs/CONTRACT.md section
// 2 over any set of a view's dims. Every function answers for one rank or one group in O(1);
// nothing holds a table of the world.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "hetgrid/detail/index_iterator.hpp"
#include "hetgrid/detail/rule_message.hpp"
#include "hetgrid/detail/throw.hpp"
#include "hetgrid/grid_spec.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/rank_group.hpp"
#include "hetgrid/slot.hpp"
#include "hetgrid/view.hpp"

namespace hetgrid {

// A rank's coordinate in every dim of both views: a member a dim (HETGRID_DIMS), in
// module_dims' order.
struct rank_coords {
#define HETGRID_COORD_MEMBER(dim, views, size) int dim = 0;
  HETGRID_DIMS(HETGRID_COORD_MEMBER)
#undef HETGRID_COORD_MEMBER

  constexpr int at(const module_dim& d) const {
#define HETGRID_COORD_VALUE(dim, views, size) dim,
    const int all[] = {HETGRID_DIMS(HETGRID_COORD_VALUE)};
#undef HETGRID_COORD_VALUE
    for (int line = 0; line < detail::dim_count; ++line)
      if (module_dims[line].in_view == d.in_view && module_dims[line].index == d.index)
        return all[line];
    return all[detail::dim_line::pp];  // pp asked of the expert view
  }
  friend constexpr bool operator==(const rank_coords&, const rank_coords&) = default;
};

class grid;

namespace detail {
// Not constexpr on purpose: asked of a rank outside the module in a constant expression, the
// build stops naming this function; at run time it throws, naming the module and its span.
[[noreturn]] inline void rank_outside_module(std::string_view module, int rank, int offset,
                                             int ranks) {
  throw_out_of_range(rule_message{}
                         .put("hetgrid: rank ")
                         .put(rank)
                         .put(" is not in module ")
                         .quoted(module)
                         .put(" ")
                         .span(offset, static_cast<long long>(offset) + ranks));
}
}  // namespace detail

// The groups of one kind of one module, in the contract's order (ascending smallest member),
// computed on demand.
class group_range {
 public:
  constexpr group_range(const grid& g, const group_kind& kind) : grid_(&g), kind_(kind) {}
  constexpr int size() const;
  constexpr rank_group operator[](int index) const;

  using iterator = detail::index_iterator<group_range, rank_group>;
  constexpr iterator begin() const { return iterator(this, 0); }
  constexpr iterator end() const { return iterator(this, size()); }

 private:
  const grid* grid_;
  group_kind kind_;
};

class grid {
 public:
  using dims_array = std::array<int, view_dim_count>;

  // Any spec gives a grid without overflow or a division by zero; its groups mean something
  // only when check_module(spec) == error_kind::none.
  constexpr explicit grid(const grid_spec& spec)
      :
#define HETGRID_GRID_FIELD_INIT(field, default_value) field(spec.field),
        HETGRID_SPEC_FIELDS(HETGRID_GRID_FIELD_INIT)
#undef HETGRID_GRID_FIELD_INIT
        language(spec.language),
        size(spec.ranks),
        spec_(spec) {
    // Every dim its size by its SIZE (HETGRID_DIMS): a field as given, expt_tp resolved, dp
    // and expt_dp derived; then both views' sizes and strides.
#define HETGRID_GRID_DIM_SIZE(dim, views, size) \
  dim = HETGRID_DIM_SIZE_##size(dim, views, spec); \
  place(detail::dim_line::dim, dim);
    HETGRID_DIMS(HETGRID_GRID_DIM_SIZE)
#undef HETGRID_GRID_DIM_SIZE
    strides_ = {strides_of(sizes_[0]), strides_of(sizes_[1])};
  }

  constexpr const grid_spec& spec() const { return spec_; }
  constexpr std::string_view name() const { return spec_.name_view(); }

  // Sizes of a view's dims, fastest first (view.hpp's order), and their strides in the module's
  // local index.
  constexpr const dims_array& sizes(view v) const { return sizes_[v == view::base ? 0 : 1]; }
  constexpr const dims_array& strides(view v) const { return strides_[v == view::base ? 0 : 1]; }
  constexpr int size_of(const module_dim& d) const { return sizes(d.in_view)[d.index]; }

  constexpr bool contains(int rank) const {
    return rank >= offset && static_cast<long long>(rank) < static_cast<long long>(offset) + ranks;
  }

  // A rank outside the module is a compile-time error in a constant expression and throws
  // std::out_of_range at run time (detail::rank_outside_module), here and in group_of.
  constexpr rank_coords coords(int rank) const {
    if (!contains(rank)) detail::rank_outside_module(name(), rank, offset, ranks);
    const dims_array c[2] = {local_coords(view::base, rank - offset),
                             local_coords(view::expert, rank - offset)};
#define HETGRID_GRID_COORD(dim, views, size) \
  c[module_dims[detail::dim_line::dim].in_view == view::base ? 0 : 1]         \
   [module_dims[detail::dim_line::dim].index],
    return {HETGRID_DIMS(HETGRID_GRID_COORD)};
#undef HETGRID_GRID_COORD
  }
  constexpr bool is_first_stage(int rank) const { return coords(rank).pp == 0; }
  constexpr bool is_last_stage(int rank) const { return coords(rank).pp == pp - 1; }

  // Whether this module has groups of a kind at all (the embeddings: the language module only).
  constexpr bool has(const group_kind& kind) const { return language || !kind.language_only; }

  // Members of one group of a kind, and the number of its groups (0 where the module has none).
  constexpr int group_size(const group_kind& kind) const {
    const int over_dims = span_size(kind);
    if (kind.taken == members::first) return 1;
    if (kind.taken == members::ends) return over_dims == 1 ? 1 : 2;
    return over_dims;
  }
  constexpr int group_count(const group_kind& kind) const {
    return has(kind) ? ranks / span_size(kind) : 0;
  }

  // The group of `kind` over the dims around `rank`: the one `rank` holds where the kind takes
  // all members (slot_group says whether it holds one otherwise). A rank outside the module: as
  // coords().
  constexpr rank_group group_of(const group_kind& kind, int rank) const {
    if (!contains(rank)) detail::rank_outside_module(name(), rank, offset, ranks);
    const dims_array c = local_coords(kind.in_view, rank - offset);
    const dims_array& st = strides(kind.in_view);
    int first = offset;
    for (int i = 0; i < view_dim_count; ++i)
      if (!(kind.dims >> i & 1u)) first += c[i] * st[i];
    return taken(kind, spanned(kind, first));
  }

  // The index-th group of `kind` in the contract's order. @pre 0 <= index < group_count(kind)
  constexpr rank_group group(const group_kind& kind, int index) const {
    const dims_array& s = sizes(kind.in_view);
    const dims_array& st = strides(kind.in_view);
    int first = offset;
    for (int i = 0; i < view_dim_count; ++i) {  // mixed-radix over the dims outside the group
      if (kind.dims >> i & 1u) continue;
      first += (index % s[i]) * st[i];
      index /= s[i];
    }
    return taken(kind, spanned(kind, first));
  }
  // Every group of a kind (of any slot), in the contract's order.
  constexpr group_range groups(const group_kind& kind) const { return group_range(*this, kind); }
  constexpr group_range slot_groups(const group_kind& slot) const { return groups(slot); }

  // HyperCommGrid.get_rank_enum(dims): the groups over any dims of one view, e.g.
  // g.rank_enum({"tp", "dp"}). Dims of no view, or of both, are not a constant expression.
  constexpr group_range rank_enum(std::initializer_list<std::string_view> dims) const {
    return groups(make_kind("rank_enum", dims));
  }

  // The group of a slot's kind that holds `rank`, if any: none outside the module, in a module
  // without the kind, or where the kind does not take `rank`.
  constexpr std::optional<rank_group> slot_group(const group_kind& slot, int rank) const {
    if (!has(slot) || !contains(rank)) return std::nullopt;
    const rank_group g = group_of(slot, rank);
    if (slot.taken != members::all && !g.contains(rank)) return std::nullopt;
    return g;
  }
  // The same, by a built-in slot's number (slot.hpp: a built-in kind's row, embd_slot,
  // pos_embd_slot).
  constexpr std::optional<rank_group> slot_group(int slot, int rank) const {
    return slot_group(builtin_slots[slot], rank);
  }
  // The first group of a slot's kind: what every group of it looks like, shifted.
  constexpr rank_group first_slot_group(const group_kind& slot) const { return group(slot, 0); }

  // The language embedding groups (slot.hpp's embd_kind, pos_embd_kind) by pp group index, or
  // of a rank.
  constexpr rank_group embd_group_at(int pp_group_index) const {
    return group(embd_kind, pp_group_index);
  }
  constexpr rank_group pos_embd_group_at(int pp_group_index) const {
    return group(pos_embd_kind, pp_group_index);
  }
  constexpr std::optional<rank_group> embd_group(int rank) const {
    return slot_group(embd_kind, rank);
  }
  constexpr std::optional<rank_group> pos_embd_group(int rank) const {
    return slot_group(pos_embd_kind, rank);
  }
  constexpr int pp_group_index(int rank) const { return (rank - offset) % (ranks / pp); }

  // The fields of the spec, resolved, and the derived dims (docs/CONTRACT.md section 1): a
  // member a field (HETGRID_SPEC_FIELDS), then one a derived dim (HETGRID_DIMS' rest lines).
#define HETGRID_GRID_FIELD(field, default_value) int field;
  HETGRID_SPEC_FIELDS(HETGRID_GRID_FIELD)
#undef HETGRID_GRID_FIELD
  bool language;
#define HETGRID_GRID_DERIVED(dim, views, size) HETGRID_DIM_DERIVED_##size(int dim = 0;)
  HETGRID_DIMS(HETGRID_GRID_DERIVED)
#undef HETGRID_GRID_DERIVED
  int size;  // = ranks, as HyperCommGrid.size

 private:
  // A dim's size at its place in each of its views.
  constexpr void place(int line, int dim_size) {
    const detail::dim_views in = detail::dim_rows[line].views;
    if (detail::in_view(in, view::base)) sizes_[0][module_dims[line].index] = dim_size;
    if (detail::in_view(in, view::expert)) sizes_[1][module_dims[line].index] = dim_size;
  }

  constexpr dims_array local_coords(view v, int local) const {
    const dims_array& s = sizes(v);
    dims_array c{};
    for (int i = 0; i < view_dim_count; ++i) {
      c[i] = local % s[i];
      local /= s[i];
    }
    return c;
  }

  // Ranks in one group over a kind's dims, before its members are taken.
  constexpr int span_size(const group_kind& kind) const {
    const dims_array& s = sizes(kind.in_view);
    int n = 1;
    for (int i = 0; i < view_dim_count; ++i)
      if (kind.dims >> i & 1u) n *= s[i];
    return n;
  }

  // The members a kind takes of one group over its dims.
  static constexpr rank_group taken(const group_kind& kind, const rank_group& over_dims) {
    if (kind.taken == members::all) return over_dims;
    const int first = over_dims.front(), last = over_dims.back();
    if (kind.taken == members::first || first == last) return rank_group::single(first);
    return rank_group(first, 1, {2, 1, 1, 1, 1}, {last - first, 1, 1, 1, 1});
  }

  // The group of `kind` whose smallest member is `first`.
  constexpr rank_group spanned(const group_kind& kind, int first) const {
    const dims_array& s = sizes(kind.in_view);
    const dims_array& st = strides(kind.in_view);
    std::array<int, rank_group::max_dims> shape{1, 1, 1, 1, 1}, stride{1, 1, 1, 1, 1};
    int dims = 0;
    for (int i = 0; i < view_dim_count; ++i) {
      if (!(kind.dims >> i & 1u) || s[i] == 1) continue;  // a dim of size 1 adds nothing
      shape[dims] = s[i];
      stride[dims] = st[i];
      ++dims;
    }
    return rank_group(first, dims, shape, stride);
  }

  // Saturated at 0 where a product leaves int: only a spec that breaks a rule gets there, and its
  // groups mean nothing, but making its grid must not overflow.
  static constexpr dims_array strides_of(const dims_array& s) {
    dims_array st{};
    long long stride = 1;
    for (int i = 0; i < view_dim_count; ++i) {
      st[i] = static_cast<int>(stride);
      stride = s[i] > 0 && stride * s[i] <= 0x7fffffff ? stride * s[i] : 0;
    }
    return st;
  }

  grid_spec spec_;
  // Both views' sizes and strides, computed once: asked for in every group, they cost a
  // constant evaluation more than the rest of a split plan did. A view's padding (view.hpp) is
  // a dim of size 1.
  static constexpr dims_array padded() {
    dims_array ones{};
    for (int& n : ones) n = 1;
    return ones;
  }
  std::array<dims_array, 2> sizes_{padded(), padded()}, strides_{};
};

constexpr int group_range::size() const { return grid_->group_count(kind_); }
constexpr rank_group group_range::operator[](int index) const { return grid_->group(kind_, index); }

}  // namespace hetgrid
