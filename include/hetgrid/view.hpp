// hetgrid/view.hpp: a module's dims, one table (HETGRID_DIMS), and the two views of its ranks
// (docs/CONTRACT.md section 2) as data: each is an ordered list of dims, first = fastest varying.
// A set of a view's dims is a bit mask over it.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace hetgrid {

enum class view { base, expert };

// Every dim of a module, once: X(NAME, VIEWS, SIZE), one line a dim. This table is the one list
// of them.
//   VIEWS: base, expert, or both (pp, the one dim the views share).
//   Position: a dim's place among its view's lines, fastest first (a number would make adding a
//   dim renumber the ones after it); a dim of both views is the slowest of each, so that a pp
//   group is the same ranks in either view.
//   SIZE: field (the spec's field NAME), resolved (spec.resolved_NAME(): expt_tp, 0 meaning tp)
//   or rest (ranks / the product of its view's other dims: dp, expt_dp).
// The lines' order is module_dims' order (how sizes and coordinates print) and rank_coords'
// member order. From the table come base_dims and expert_dims, view_dim_count, module_dims,
// rank_coords and grid::coords, grid's sizes and strides, the derived members g.dp and
// module_grid<...>::dp, and the rules' products and positive sizes (grid_spec.hpp).
// Adding a dim takes: its line here; where its SIZE is field or resolved, its field in
// HETGRID_SPEC_FIELDS (that gives g.NAME, module_grid<...>::NAME and the inspect tool's key);
// and the kind rows that span it (HETGRID_BUILTIN_KINDS). A view with fewer dims than the other
// is padded with nameless dims of size 1 before pp, so both keep view_dim_count places.
#define HETGRID_DIMS(X)             \
  X(tp, base, field)                \
  X(gtp_remat, base, field)         \
  X(cp, base, field)                \
  X(dp, base, rest)                 \
  X(pp, both, field)                \
  X(expt_tp, expert, resolved)      \
  X(ep, expert, field)              \
  X(expt_gtp_remat, expert, field)  \
  X(expt_dp, expert, rest)

// Pasted after a line's SIZE, these keep their text for the dims of their kind alone:
// HETGRID_DIM_OWN_##size(...) for a dim whose size is a spec field's, HETGRID_DIM_DERIVED_##size
// for a derived one.
#define HETGRID_DIM_OWN_field(...) __VA_ARGS__
#define HETGRID_DIM_OWN_resolved(...) __VA_ARGS__
#define HETGRID_DIM_OWN_rest(...)
#define HETGRID_DIM_DERIVED_field(...)
#define HETGRID_DIM_DERIVED_resolved(...)
#define HETGRID_DIM_DERIVED_rest(...) __VA_ARGS__

namespace detail {

enum class dim_views { base, expert, both };
constexpr bool in_view(dim_views d, view v) {
  return d == dim_views::both || (d == dim_views::base) == (v == view::base);
}

struct dim_row {
  std::string_view name;
  dim_views views;
  bool derived;  // SIZE rest
};
inline constexpr dim_row dim_rows[] = {
#define HETGRID_DIM_ROW(dim, views, size) \
  dim_row{#dim, dim_views::views, HETGRID_DIM_DERIVED_##size(true) HETGRID_DIM_OWN_##size(false)},
    HETGRID_DIMS(HETGRID_DIM_ROW)
#undef HETGRID_DIM_ROW
};
inline constexpr int dim_count = static_cast<int>(sizeof dim_rows / sizeof dim_rows[0]);

// Each dim's line number, by name: dim_line::tp.
struct dim_line {
  enum : int {
#define HETGRID_DIM_LINE(dim, views, size) dim,
    HETGRID_DIMS(HETGRID_DIM_LINE)
#undef HETGRID_DIM_LINE
  };
};

// The lines of view v, of the views' shared dims alone (shared) or of v's own ones.
constexpr int lines_in(view v, bool shared) {
  int n = 0;
  for (const dim_row& d : dim_rows)
    n += in_view(d.views, v) && (d.views == dim_views::both) == shared ? 1 : 0;
  return n;
}

}  // namespace detail

// Places in each view: the shared dim and the larger view's own dims (the other is padded).
inline constexpr int view_dim_count =
    detail::lines_in(view::base, true) +
    (detail::lines_in(view::base, false) > detail::lines_in(view::expert, false)
         ? detail::lines_in(view::base, false)
         : detail::lines_in(view::expert, false));
static_assert(detail::lines_in(view::base, true) == 1,
              "HETGRID_DIMS: the views share exactly one dim, pp, the slowest of both");
static_assert([] {
  int base = 0, expert = 0;
  for (const detail::dim_row& d : detail::dim_rows) {
    if (!d.derived) continue;
    if (d.views == detail::dim_views::both) return false;
    ++(d.views == detail::dim_views::base ? base : expert);
  }
  return base <= 1 && expert <= 1;
}(), "HETGRID_DIMS: a derived dim (rest) belongs to one view, and each view has at most one");

// Bit i set: the set holds dim i of its view.
using dim_mask = unsigned;

namespace detail {
// The place of dim `line` in its view (the base view for pp): its own lines before it, or the
// last place for the shared dim.
constexpr int dim_place(int line) {
  if (dim_rows[line].views == dim_views::both) return view_dim_count - 1;
  int place = 0;
  for (int i = 0; i < line; ++i) place += dim_rows[i].views == dim_rows[line].views ? 1 : 0;
  return place;
}
constexpr std::array<std::string_view, view_dim_count> names_of(view v) {
  std::array<std::string_view, view_dim_count> names{};
  // Padding is nameless; set here, as GCC 12 reads a name left value-initialized as a write.
  for (std::string_view& name : names) name = "";
  for (int line = 0; line < dim_count; ++line)
    if (in_view(dim_rows[line].views, v)) names[dim_place(line)] = dim_rows[line].name;
  return names;
}
}  // namespace detail

inline constexpr std::array<std::string_view, view_dim_count> base_dims =
    detail::names_of(view::base);
inline constexpr std::array<std::string_view, view_dim_count> expert_dims =
    detail::names_of(view::expert);

// pp is the slowest dim of both views: the one dim they share.
inline constexpr int pp_dim = view_dim_count - 1;

constexpr const std::array<std::string_view, view_dim_count>& dims_of(view v) {
  return v == view::base ? base_dims : expert_dims;
}

constexpr std::string_view to_string(view v) { return v == view::base ? "base" : "expert"; }

// The position of a dim in a view, if the view has it.
constexpr std::optional<int> dim_index(view v, std::string_view dim) {
  for (int i = 0; i < view_dim_count; ++i)
    if (!dim.empty() && dims_of(v)[i] == dim) return i;  // padding has no name
  return std::nullopt;
}

// A mask's dims in view order, fastest first.
struct dim_list {
  std::array<std::string_view, view_dim_count> names{};
  int count = 0;
};
constexpr dim_list dim_names(view v, dim_mask dims) {
  dim_list list;
  for (int i = 0; i < view_dim_count; ++i)
    if (dims >> i & 1u) list.names[list.count++] = dims_of(v)[i];
  return list;
}

// Every dim of a module once, in HETGRID_DIMS' order, pp in the base view alone: what a
// module's sizes and a rank's coordinates are printed as.
struct module_dim {
  view in_view;
  int index;  // in its view
  constexpr std::string_view name() const { return dims_of(in_view)[index]; }
};
inline constexpr auto module_dims = [] {
  std::array<module_dim, detail::dim_count> dims{};
  for (int line = 0; line < detail::dim_count; ++line)
    dims[line] = {detail::dim_rows[line].views == detail::dim_views::expert ? view::expert
                                                                           : view::base,
                  detail::dim_place(line)};
  return dims;
}();

}  // namespace hetgrid
