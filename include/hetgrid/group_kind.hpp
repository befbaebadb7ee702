// hetgrid/group_kind.hpp: a group kind is data, one row of a table: its name, its view and the
// set of that view's dims it spans (docs/CONTRACT.md section 2). Enumeration, split plan,
// communicators and every output follow from the rows; nothing depends on where a row sits.
//
// Adding a built-in kind is one line in HETGRID_BUILTIN_KINDS: it yields the row in
// builtin_kinds, the name group_kind::NAME and the member g.NAME of process_groups. A program adds
// kinds of its own with make_kind() and topology<...>::with_kinds<...> (topology.hpp), without
// editing hetgrid. Which kinds a layout builds, and in which order, is slot.hpp's.
#pragma once

#include <array>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <utility>

#include "hetgrid/const_span.hpp"
#include "hetgrid/view.hpp"

namespace hetgrid {

inline constexpr int max_kind_name_length = 31;

// Which members of each group over a kind's dims form the kind's group: all of them (every
// built-in kind), the first and the last (the tied embedding, over pp), or the first alone (the
// position embedding). A rank outside that choice holds no group of the kind.
enum class members { all, ends, first };

// What a kind is: a structural type, so that a kind can be a template argument.
struct kind_row {
  char name[max_kind_name_length + 1]{};
  view in_view = view::base;
  dim_mask dims = 0;
  members taken = members::all;
  bool language_only = false;  // built for the language module alone (the embeddings)

  // The same kind, taking other members of each group over its dims:
  // make_kind("tp_ends", {"tp"}).taking(members::ends).
  constexpr kind_row taking(members m) const {
    kind_row k = *this;
    k.taken = m;
    return k;
  }

  // Bounded by the array, so that no compiler has to trust the terminator.
  constexpr std::string_view name_view() const {
    std::size_t n = 0;
    while (n < sizeof name && name[n] != '\0') ++n;
    return std::string_view(name, n);
  }
  friend constexpr bool operator==(const kind_row&, const kind_row&) = default;
};

// Why a list of dim names makes no kind, and the name at fault: one reading of a list serves
// make_kind (a compile-time error) and the tools (a message).
enum class dims_problem { none, unknown_dim, dim_twice, views_mixed };

struct dims_reading {
  view in_view = view::base;
  dim_mask dims = 0;
  dims_problem problem = dims_problem::none;
  std::string_view culprit;  // the dim at fault (unknown_dim, dim_twice)

  constexpr bool ok() const { return problem == dims_problem::none; }
};

// dims as dims of view v; the problem is the first dim that v lacks or that came before.
constexpr dims_reading read_dims(view v, const_span<std::string_view> dims) {
  dims_reading r;
  r.in_view = v;
  for (const std::string_view dim : dims) {
    const std::optional<int> i = dim_index(v, dim);
    if (!i) return {v, r.dims, dims_problem::unknown_dim, dim};
    if (r.dims >> *i & 1u) return {v, r.dims, dims_problem::dim_twice, dim};
    r.dims |= 1u << *i;
  }
  return r;
}

// dims in the view HyperCommGrid picks for them: pp alone or with base dims is the base view,
// any expert dim makes it the expert view. Unknown dims are found first, then a mix of views,
// then a dim given twice.
constexpr dims_reading read_dims(const_span<std::string_view> dims) {
  bool base = false, expert = false;
  for (const std::string_view dim : dims) {
    const bool in_base = dim_index(view::base, dim).has_value();
    const bool in_expert = dim_index(view::expert, dim).has_value();
    if (!in_base && !in_expert) return {view::base, 0, dims_problem::unknown_dim, dim};
    base = base || (in_base && !in_expert);
    expert = expert || (in_expert && !in_base);
  }
  if (base && expert) return {view::base, 0, dims_problem::views_mixed, {}};
  return read_dims(expert ? view::expert : view::base, dims);
}

namespace detail {

// Not constexpr-evaluable on purpose: reaching it in a constant expression stops the build
// with this function's name in the diagnostic.
inline void kind_error_unknown_dim() {}
inline void kind_error_dim_twice() {}
inline void kind_error_views_mixed() {}
inline void kind_error_bad_name() {}

constexpr kind_row kind_of(std::string_view name, const dims_reading& reading) {
  if (reading.problem == dims_problem::unknown_dim) kind_error_unknown_dim();
  if (reading.problem == dims_problem::dim_twice) kind_error_dim_twice();
  if (reading.problem == dims_problem::views_mixed) kind_error_views_mixed();
  if (name.empty() || name.size() > max_kind_name_length) kind_error_bad_name();
  kind_row kind;
  for (std::size_t i = 0; i < name.size() && i < max_kind_name_length; ++i) kind.name[i] = name[i];
  kind.in_view = reading.in_view;
  kind.dims = reading.dims;
  return kind;
}

}  // namespace detail

// A kind over some dims of one view, e.g. make_kind("tp_pp", view::base, {"tp", "pp"}).
constexpr kind_row make_kind(std::string_view name, view v,
                             std::initializer_list<std::string_view> dims) {
  return detail::kind_of(name,
                         read_dims(v, const_span<std::string_view>(dims.begin(), dims.size())));
}

// A kind whose view follows from its dims (read_dims): make_kind("tp_pp", {"tp", "pp"}).
constexpr kind_row make_kind(std::string_view name, std::initializer_list<std::string_view> dims) {
  return detail::kind_of(name,
                         read_dims(const_span<std::string_view>(dims.begin(), dims.size())));
}

// The reference's twenty kinds, in its ProcessGroupCollection names (docs/CONTRACT.md section
// 2): X(NAME, VIEW, DIMS...), one line a kind. Each line is read three times: the row of
// builtin_kinds, group_kind::NAME, and process_groups' member g.NAME.
#define HETGRID_BUILTIN_KINDS(X)                                      \
  X(tp, base, "tp")                                                   \
  X(gtp_remat, base, "gtp_remat")                                     \
  X(cp, base, "cp")                                                   \
  X(pp, base, "pp")                                                   \
  X(dp, base, "dp")                                                   \
  X(dp_cp, base, "dp", "cp")                                          \
  X(dp_cp_gtp_remat, base, "gtp_remat", "dp", "cp")                   \
  X(tp_cp, base, "tp", "cp")                                          \
  X(tp_dp, base, "tp", "gtp_remat", "dp")                             \
  X(tp_dp_cp, base, "tp", "gtp_remat", "dp", "cp")                    \
  X(mp, base, "tp", "gtp_remat", "pp")                                \
  X(intra_dist_opt, base, "tp", "gtp_remat", "cp", "dp", "pp")        \
  X(ep, expert, "ep")                                                 \
  X(expt_tp, expert, "expt_tp")                                       \
  X(expt_gtp_remat, expert, "expt_gtp_remat")                         \
  X(expt_dp, expert, "expt_dp")                                       \
  X(expt_dp_gtp_remat, expert, "expt_gtp_remat", "expt_dp")           \
  X(tp_ep, expert, "expt_tp", "ep")                                   \
  X(tp_ep_pp, expert, "expt_tp", "ep", "pp")                          \
  X(tp_ep_pp_with_egtp_remat, expert, "expt_tp", "ep", "expt_gtp_remat", "pp")

// Megatron-LM's other names for two of them: X(ALIAS, KIND). Each is group_kind::ALIAS,
// g.ALIAS() and a name that group_kind_from_string reads and a program's own kind may not take.
#define HETGRID_KIND_ALIASES(X) \
  X(intra_dp_cp, dp_cp)         \
  X(intra_expt_dp, expt_dp)

// The built-in kinds by name: group_kind::tp, ..., and the aliases.
struct builtin_kind_names {
#define HETGRID_KIND_NAME(name, in_view, ...) \
  static constexpr kind_row name = make_kind(#name, view::in_view, {__VA_ARGS__});
  HETGRID_BUILTIN_KINDS(HETGRID_KIND_NAME)
#undef HETGRID_KIND_NAME
#define HETGRID_KIND_ALIAS_NAME(alias, kind) static constexpr kind_row alias = kind;
  HETGRID_KIND_ALIASES(HETGRID_KIND_ALIAS_NAME)
#undef HETGRID_KIND_ALIAS_NAME
};

// A group kind: a row, with the built-in kinds reachable by name (group_kind::tp). Still a
// structural type: a kind can be a template argument.
struct group_kind : kind_row, builtin_kind_names {
  constexpr group_kind() = default;
  constexpr group_kind(const kind_row& row) : kind_row(row) {}  // NOLINT: a row is a kind
  // Compared as rows (kind_row's ==), so that a kind and group_kind::NAME compare without an
  // ambiguity.
};

// The twenty kinds in the table's order: a built-in kind's slot is its place here.
inline constexpr auto builtin_kinds = std::to_array<group_kind>({
#define HETGRID_KIND_ENTRY(name, ...) group_kind::name,
    HETGRID_BUILTIN_KINDS(HETGRID_KIND_ENTRY)
#undef HETGRID_KIND_ENTRY
});
inline constexpr int group_kind_count = static_cast<int>(builtin_kinds.size());

// Older spellings of the same table, kept so that programs written against them compile.
inline constexpr const std::array<group_kind, group_kind_count>& all_group_kinds = builtin_kinds;
inline constexpr const std::array<group_kind, group_kind_count>& builtin_kind_rows = builtin_kinds;

// An alias and the kind it names.
struct kind_alias {
  std::string_view alias;
  group_kind kind;
};
inline constexpr auto kind_aliases = std::to_array<kind_alias>({
#define HETGRID_KIND_ALIAS_ENTRY(alias, kind) kind_alias{#alias, group_kind::kind},
    HETGRID_KIND_ALIASES(HETGRID_KIND_ALIAS_ENTRY)
#undef HETGRID_KIND_ALIAS_ENTRY
});

// The position of a kind in a table of kinds, or -1.
template <std::size_t N>
constexpr int index_of(const std::array<group_kind, N>& kinds, const group_kind& kind) {
  for (std::size_t i = 0; i < N; ++i)
    if (kinds[i] == kind) return static_cast<int>(i);
  return -1;
}

constexpr std::string_view to_string(const group_kind& kind) { return kind.name_view(); }
constexpr view view_of(const group_kind& kind) { return kind.in_view; }
constexpr dim_mask dims_of(const group_kind& kind) { return kind.dims; }

// A built-in kind by name, aliases included; nullopt for an unknown name.
constexpr std::optional<group_kind> group_kind_from_string(std::string_view name) {
  for (const group_kind& kind : builtin_kinds)
    if (kind.name_view() == name) return kind;
  for (const kind_alias& a : kind_aliases)
    if (a.alias == name) return a.kind;
  return std::nullopt;
}

}  // namespace hetgrid
