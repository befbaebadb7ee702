// hetgrid/placement_check.hpp: placement on nodes (docs/CONTRACT.md section 1, "Placement on
// nodes"). Ranks fill nodes in order, N a node; a group of a within-node kind (default tp and
// expt_tp) must not cross a node boundary. topology<...>::on_nodes<N, kinds...> asserts it at
// compile time (placed_on_nodes); check_placement() says it at run time, as a value. The messages
// as std::string and check_hosts() (a job as launched) are in describe.hpp; placement.hpp has both.
#pragma once

#include <array>
#include <string_view>

#include "hetgrid/const_span.hpp"
#include "hetgrid/detail/heap_sort.hpp"
#include "hetgrid/detail/rule_message.hpp"
#include "hetgrid/detail/rules.hpp"
#include "hetgrid/error_kind.hpp"
#include "hetgrid/grid.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/layout_check.hpp"

namespace hetgrid {

// The kinds kept inside a node when on_nodes names none: tensor parallelism needs the node's
// NVLink.
inline constexpr std::array<group_kind, 2> default_within_node_kinds{group_kind::tp,
                                                                     group_kind::expt_tp};

// Nodes of `ranks_per_node` ranks and the kinds whose groups must stay inside one.
struct node_placement {
  int ranks_per_node = 1;
  const_span<group_kind> within = default_within_node_kinds;
};

// The first group that breaks the rule: its module, kind, members and the first rank of the
// node it enters (kind positive: the node size is < 1, and nothing else is set).
struct placement_error {
  error_kind kind = error_kind::none;
  int module = -1;
  group_kind within{};
  rank_group group{};
  int boundary = 0;
  int ranks_per_node = 0;
  constexpr explicit operator bool() const { return kind != error_kind::none; }
};

namespace detail {

// Euclid's, for non-negative values: <numeric> for std::gcd alone would cost every TU its parse.
constexpr long long gcd(long long a, long long b) {
  while (b != 0) {
    const long long r = a % b;
    a = b;
    b = r;
  }
  return a;
}

// A group [first, last] crosses iff first and last lie in different nodes: members ascend.
constexpr bool crosses(const rank_group& g, int n) { return g.front() / n != g.back() / n; }

// The group of `kind` over its dims whose first member is `first`, as the kind takes it: one
// member (pos_embd) never crosses; the ends of a group have the group's first and last.
constexpr bool kind_can_cross(const grid& g, const group_kind& kind) {
  return g.has(kind) && kind.taken != members::first && g.group_count(kind) > 0;
}

// Whether any group of `kind` in `g` crosses, without listing its groups (a module of a
// million ranks has 125000 tp groups). A group starts at b = offset + sum c_i st_i over the dims
// outside the kind and ends at b + E; it crosses iff b mod n + E >= n. So only the largest
// b mod n matters. A dim whose steps c * st_i (c < s_i) wrap all the way round mod n adds the
// whole subgroup gcd(st_i, n) Z_n; the others ("partial") are folded in as a set of residues,
// listing either the residues or their sums, whichever is fewer.
constexpr bool any_group_crosses(const grid& g, const group_kind& kind, int n) {
  if (!kind_can_cross(g, kind)) return false;
  const auto& s = g.sizes(kind.in_view);
  const auto& st = g.strides(kind.in_view);
  long long extent = 0;
  for (int i = 0; i < view_dim_count; ++i)
    if (kind.dims >> i & 1u) extent += static_cast<long long>(s[i] - 1) * st[i];
  if (extent == 0) return false;
  if (extent >= n) return true;
  long long modulus = n;  // the subgroup that the wrapping dims fill
  std::array<int, view_dim_count> partial{};
  int partial_count = 0;
  for (int i = 0; i < view_dim_count; ++i) {
    if (kind.dims >> i & 1u || s[i] == 1) continue;
    const long long step_gcd = gcd(static_cast<long long>(st[i]) % n, 0LL + n);
    if (s[i] >= n / step_gcd)
      modulus = gcd(modulus, step_gcd);
    else
      partial[partial_count++] = i;
  }
  // The largest residue of offset + (partial sums) mod `modulus`: then b mod n reaches
  // n - modulus + that.
  long long sums = 1, residue_work = 0;
  for (int p = 0; p < partial_count; ++p) {
    sums *= s[partial[p]];
    residue_work += modulus * s[partial[p]];
  }
  long long best = 0;
  if (sums <= residue_work || partial_count == 0) {  // every partial sum
    for (long long k = 0; k < sums && best < modulus - 1; ++k) {
      long long r = g.offset, rest = k;
      for (int p = 0; p < partial_count; ++p) {
        r += (rest % s[partial[p]]) * st[partial[p]];
        rest /= s[partial[p]];
      }
      if (r % modulus > best) best = r % modulus;
    }
  } else {  // the set of residues mod `modulus`, one dim at a time
    scratch<bool> have(static_cast<std::size_t>(modulus)), next(static_cast<std::size_t>(modulus));
    for (long long r = 0; r < modulus; ++r) have.items[r] = r == g.offset % modulus;
    for (int p = 0; p < partial_count; ++p) {
      const long long step = st[partial[p]] % modulus;
      for (long long r = 0; r < modulus; ++r) next.items[r] = false;
      for (long long r = 0; r < modulus; ++r) {
        if (!have.items[r]) continue;
        long long to = r;
        for (int c = 0; c < s[partial[p]]; ++c, to = (to + step) % modulus) next.items[to] = true;
      }
      for (long long r = 0; r < modulus; ++r) have.items[r] = next.items[r];
    }
    for (long long r = 0; r < modulus; ++r)
      if (have.items[r]) best = r;
  }
  return n - modulus + best + extent >= n;
}

// The first crossing group of `kind` in `g`, in the contract's order. @pre any_group_crosses
constexpr rank_group first_crossing_group(const grid& g, const group_kind& kind, int n) {
  const int count = g.group_count(kind);
  for (int i = 0; i < count; ++i)
    if (const rank_group group = g.group(kind, i); crosses(group, n)) return group;
  return {};
}

constexpr bool node_size_positive(int n, const_span<group_kind>, const_span<grid>) {
  return n >= 1;
}
constexpr bool groups_inside_nodes(int n, const_span<group_kind> within,
                                   const_span<grid> grids) {
  for (const grid& g : grids)
    for (const group_kind& kind : within)
      if (any_group_crosses(g, kind, n)) return false;
  return true;
}

// Members of a group as "[6, 7, 8, 9]", a long one as its first 6 and last 2.
constexpr rule_message& put_members(rule_message& m, const rank_group& group) {
  const int n = group.size();
  m.put("[");
  for (int i = 0; i < n; ++i) {
    if (n > 8 && i == 6) {
      m.put("..., ");
      i = n - 2;
    }
    m.put(group[i]).put(i + 1 < n ? ", " : "");
  }
  return m.put("]");
}

// The start of every placement message: the words, then "'module' kind group [members]".
constexpr rule_message& put_broken_group(rule_message& m, const grid& g,
                                         const group_kind& kind, const rank_group& group) {
  m.put(HETGRID_RULE_PLACEMENT).put("; ").quoted(g.name()).put(" ").put(kind.name_view());
  return put_members(m.put(" group "), group);
}

}  // namespace detail

// The placement rules of detail/rules.hpp over a layout's grids, in their order; the first
// crossing group in module order, then kind order, then the contract's group order.
// @pre the layout passes check_layout
constexpr placement_error check_placement(const_span<grid> grids, node_placement nodes) {
  const int n = nodes.ranks_per_node;
  if (!detail::node_size_positive(n, nodes.within, grids))
    return {error_kind::positive, -1, {}, {}, 0, n};
  for (std::size_t m = 0; m < grids.size(); ++m)
    for (const group_kind& kind : nodes.within)
      if (detail::any_group_crosses(grids[m], kind, n)) {
        const rank_group group = detail::first_crossing_group(grids[m], kind, n);
        return {error_kind::placement, static_cast<int>(m), kind, group,
                (group.front() / n + 1) * n, n};
      }
  return {};
}

namespace detail {

// The message: the rule's words, then the module, kind, group and boundary, e.g.
// `placement: ...; 'language' tp group [6, 7, 8, 9] crosses the boundary at rank 8 (nodes of
// 8 ranks)`. describe() (describe.hpp) returns it as a std::string.
constexpr rule_message placement_message(const placement_error& e, const_span<grid> grids) {
  rule_message m;
  if (!e) return m.put("none");
  if (e.kind == error_kind::positive)
    return m.put(HETGRID_RULE_NODE_POSITIVE).put("; ").field("ranks_per_node", e.ranks_per_node);
  put_broken_group(m, grids[e.module], e.within, e.group);
  return m.put(" crosses the boundary at rank ").put(e.boundary).put(" (nodes of ")
      .put(e.ranks_per_node).put(" ranks)");
}

template <group_kind... Within>
constexpr auto within_node_kinds_of() {
  if constexpr (sizeof...(Within) == 0)
    return default_within_node_kinds;
  else
    return std::array<group_kind, sizeof...(Within)>{Within...};
}

// A topology (or one with a program's own kinds) on nodes of N ranks: the same type with the
// placement rules asserted, after every rule of the layout (they hold, or only those show).
template <class Base, int N, group_kind... Within>
struct placed_on_nodes : Base {
  static constexpr int ranks_per_node = N;
  static constexpr auto within_node_kinds = within_node_kinds_of<Within...>();
  static constexpr bool layout_holds = !check_layout(Base::world, Base::specs);

  // Where the compiler prints a computed message (detail/rules.hpp) it is describe()'s: the
  // crossing group, its module and kind, or the node size.
#define HETGRID_ASSERT_PLACEMENT_RULE(kind, holds, words)                                     \
  HETGRID_RULE_ASSERT(                                                                       \
      holds,                                                                                 \
      !layout_holds || (N < 1 && error_kind::kind != error_kind::positive) ||                \
          ::hetgrid::detail::holds(N, within_node_kinds, Base::grids),                       \
      words,                                                                                 \
      placement_message(check_placement(Base::grids, {N, within_node_kinds}), Base::grids))
  HETGRID_PLACEMENT_RULES(HETGRID_ASSERT_PLACEMENT_RULE)
#undef HETGRID_ASSERT_PLACEMENT_RULE

  template <group_kind... Extra>
  using with_kinds = placed_on_nodes<typename Base::template with_kinds<Extra...>, N, Within...>;
};

}  // namespace detail

}  // namespace hetgrid
