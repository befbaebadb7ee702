// Properties of the group enumeration (SPEC section 2) over every factorization of many module
// sizes, at random offsets, checked against a brute-force oracle written from the SPEC alone.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <hetgrid/hetgrid.hpp>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

namespace hg = hetgrid;
using hg::group_kind;
using members_t = std::vector<int>;
using lists_t = std::vector<members_t>;

// ---- the oracle: SPEC section 2 read literally, sharing no code with hetgrid::grid ----

// The SPEC's table: each kind's view (expert or base) and which of its four dims it spans.
struct kind_definition {
  group_kind kind;
  bool expert;
  std::array<bool, 4> spans;  // base: tp, cp, dp, pp; expert: expt_tp, ep, expt_dp, pp
};
constexpr std::array<kind_definition, 12> spec_table = {{
    {group_kind::tp, false, {true, false, false, false}},
    {group_kind::cp, false, {false, true, false, false}},
    {group_kind::pp, false, {false, false, false, true}},
    {group_kind::dp, false, {false, false, true, false}},
    {group_kind::dp_cp, false, {false, true, true, false}},
    {group_kind::tp_cp, false, {true, true, false, false}},
    {group_kind::mp, false, {true, false, false, true}},
    {group_kind::ep, true, {false, true, false, false}},
    {group_kind::expt_tp, true, {true, false, false, false}},
    {group_kind::expt_dp, true, {false, false, true, false}},
    {group_kind::tp_ep, true, {true, true, false, false}},
    {group_kind::tp_ep_pp, true, {true, true, false, true}},
}};

std::array<int, 4> view_sizes(const hg::grid_spec& s, bool expert) {
  const int expt_tp = s.expt_tp == 0 ? s.tp : s.expt_tp;
  if (expert) return {expt_tp, s.ep, s.ranks / (expt_tp * s.ep * s.pp), s.pp};
  return {s.tp, s.cp, s.ranks / (s.tp * s.cp * s.pp), s.pp};
}

// c_i = (l / (s_0 * ... * s_{i-1})) % s_i
int coordinate(int local, const std::array<int, 4>& sizes, int i) {
  int below = 1;
  for (int j = 0; j < i; ++j) below *= sizes[j];
  return (local / below) % sizes[i];
}

// Ranks that agree on every coordinate outside the spanned dims, ascending; groups ordered by
// their smallest member.
lists_t oracle_groups(const hg::grid_spec& s, bool expert, const std::array<bool, 4>& spans) {
  const auto sizes = view_sizes(s, expert);
  std::map<std::array<int, 4>, members_t> by_key;
  for (int r = s.offset; r < s.offset + s.ranks; ++r) {
    std::array<int, 4> key{-1, -1, -1, -1};
    for (int i = 0; i < 4; ++i)
      if (!spans[i]) key[i] = coordinate(r - s.offset, sizes, i);
    by_key[key].push_back(r);
  }
  lists_t groups;
  for (auto& [key, members] : by_key) groups.push_back(members);
  std::sort(groups.begin(), groups.end(),
            [](const members_t& a, const members_t& b) { return a.front() < b.front(); });
  return groups;
}

members_t listed(const hg::rank_group& g) { return members_t(g.begin(), g.end()); }
std::optional<members_t> listed(const std::optional<hg::rank_group>& g) {
  return g ? std::optional<members_t>(listed(*g)) : std::nullopt;
}

// ---- the layouts: every factorization of each size, at a random offset ----

std::vector<int> divisors(int n) {
  std::vector<int> out;
  for (int d = 1; d <= n; ++d)
    if (n % d == 0) out.push_back(d);
  return out;
}

hg::grid_spec make_spec(const char* name, int ranks, int tp, int cp, int pp, int ep, int expt_tp,
                        int offset, bool language) {
  hg::grid_spec s;
  std::string(name).copy(s.name, std::string(name).size());
  s.ranks = ranks;
  s.tp = tp;
  s.cp = cp;
  s.pp = pp;
  s.ep = ep;
  s.expt_tp = expt_tp;
  s.offset = offset;
  s.language = language;
  return s;
}

std::vector<hg::grid_spec> all_factorizations(std::mt19937& rng) {
  std::vector<hg::grid_spec> specs;
  for (int ranks : {1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64})
    for (int tp : divisors(ranks))
      for (int cp : divisors(ranks / tp))
        for (int pp : divisors(ranks / (tp * cp)))
          for (int expt_tp : divisors(ranks / pp))
            for (int ep : divisors(ranks / (pp * expt_tp))) {
              const bool language = rng() % 2 == 0;
              const int offset = static_cast<int>(rng() % 1000);
              // expt_tp equal to tp is written both ways: explicit, and 0 ("same as tp").
              const int written_expt_tp = expt_tp == tp && rng() % 2 == 0 ? 0 : expt_tp;
              specs.push_back(
                  make_spec("m", ranks, tp, cp, pp, ep, written_expt_tp, offset, language));
            }
  return specs;
}

std::string label(const hg::grid_spec& s) {
  return "ranks=" + std::to_string(s.ranks) + " tp=" + std::to_string(s.tp) +
         " cp=" + std::to_string(s.cp) + " pp=" + std::to_string(s.pp) +
         " ep=" + std::to_string(s.ep) + " expt_tp=" + std::to_string(s.expt_tp) +
         " offset=" + std::to_string(s.offset) + (s.language ? " language" : "");
}

// ---- the properties of one module ----

void check_kind(const hg::grid& g, const hg::grid_spec& s, const kind_definition& def) {
  const group_kind kind = def.kind;
  const auto sizes = view_sizes(s, def.expert);
  int dims_product = 1;
  for (int i = 0; i < 4; ++i)
    if (def.spans[i]) dims_product *= sizes[i];
  REQUIRE(g.group_size(kind) == dims_product);
  REQUIRE(g.group_count(kind) * g.group_size(kind) == s.ranks);

  // The enumeration partitions the span, each group ascending, groups by smallest member.
  std::vector<int> group_index_of(static_cast<std::size_t>(s.ranks), -1);
  lists_t enumerated;
  int previous_front = -1;
  for (int i = 0; i < g.group_count(kind); ++i) {
    const hg::rank_group group = g.group(kind, i);
    REQUIRE(group.size() == dims_product);
    CHECK(group.front() > previous_front);
    previous_front = group.front();
    for (int k = 0; k < group.size(); ++k) {
      const int r = group[k];
      REQUIRE(g.contains(r));
      if (k > 0) CHECK(group[k - 1] < r);
      CHECK(group.index_of(r) == k);
      CHECK(group_index_of[r - s.offset] == -1);
      group_index_of[r - s.offset] = i;
    }
    CHECK_FALSE(group.contains(s.offset - 1));
    CHECK_FALSE(group.contains(s.offset + s.ranks));
    enumerated.push_back(listed(group));
  }
  CHECK(std::count(group_index_of.begin(), group_index_of.end(), -1) == 0);

  // group_of(kind, r) holds r and is the enumeration's group at r's index; no other group does.
  for (int r = s.offset; r < s.offset + s.ranks; ++r) {
    const hg::rank_group mine = g.group_of(kind, r);
    const int index = group_index_of[r - s.offset];
    CHECK(mine.contains(r));
    CHECK(mine == g.group(kind, index));
    CHECK(mine[mine.index_of(r)] == r);
    if (g.group_count(kind) > 1)
      CHECK(g.group(kind, (index + 1) % g.group_count(kind)).index_of(r) == -1);
  }

  CHECK(enumerated == oracle_groups(s, def.expert, def.spans));
}

void check_module_properties(const hg::grid_spec& s) {
  CAPTURE(label(s));
  REQUIRE(hg::check_module(s) == hg::error_kind::none);
  const hg::grid g(s);
  for (const kind_definition& def : spec_table) {
    CAPTURE(hg::to_string(def.kind));
    check_kind(g, s, def);
  }

  // Coordinates in both views, and the stages.
  const auto base = view_sizes(s, false), expert = view_sizes(s, true);
  for (int r = s.offset; r < s.offset + s.ranks; ++r) {
    const int l = r - s.offset;
    const hg::rank_coords want{coordinate(l, base, 0),   coordinate(l, base, 1),
                               coordinate(l, base, 2),   coordinate(l, base, 3),
                               coordinate(l, expert, 0), coordinate(l, expert, 1),
                               coordinate(l, expert, 2)};
    CHECK(g.coords(r) == want);
    CHECK(g.is_first_stage(r) == (want.pp == 0));
    CHECK(g.is_last_stage(r) == (want.pp == s.pp - 1));
  }

  // pp is shared by the views: the pp groups over the expert view's coordinates are the same.
  CHECK(oracle_groups(s, true, {false, false, false, true}) ==
        oracle_groups(s, false, {false, false, false, true}));
  const lists_t pp_groups = oracle_groups(s, true, {false, false, false, true});
  lists_t enumerated_pp;
  for (const hg::rank_group& group : g.groups(group_kind::pp))
    enumerated_pp.push_back(listed(group));
  CHECK(enumerated_pp == pp_groups);

  // Embedding groups: [P.first] or [P.first, P.last] per pp group P; pos_embd [P.first].
  for (std::size_t i = 0; i < pp_groups.size(); ++i) {
    const members_t& p = pp_groups[i];
    const members_t embd = p.size() == 1 ? members_t{p.front()} : members_t{p.front(), p.back()};
    if (s.language) {
      CHECK(listed(g.embd_group_at(static_cast<int>(i))) == embd);
      CHECK(listed(g.pos_embd_group_at(static_cast<int>(i))) == members_t{p.front()});
    }
    for (int r : p) {
      const bool in_embd = std::find(embd.begin(), embd.end(), r) != embd.end();
      const std::optional<members_t> want_embd =
          s.language && in_embd ? std::optional<members_t>(embd) : std::nullopt;
      const std::optional<members_t> want_pos =
          s.language && r == p.front() ? std::optional<members_t>(members_t{r}) : std::nullopt;
      CHECK(listed(g.embd_group(r)) == want_embd);
      CHECK(listed(g.pos_embd_group(r)) == want_pos);
    }
  }
}

}  // namespace

TEST_CASE("every factorization of every module size: partition, order, round trips, oracle") {
  std::mt19937 rng(20261124);
  const auto specs = all_factorizations(rng);
  CHECK(specs.size() > 1000);
  for (const hg::grid_spec& s : specs) check_module_properties(s);
}

TEST_CASE("random multi-module worlds: check_layout accepts them, each rank in its module(s)") {
  std::mt19937 rng(7);
  const auto pool = all_factorizations(rng);
  for (int trial = 0; trial < 300; ++trial) {
    const int count = 1 + static_cast<int>(rng() % 4);
    const bool colocated = count > 1 && rng() % 3 == 0;
    std::vector<hg::grid_spec> specs;
    const hg::grid_spec& first = pool[rng() % pool.size()];
    for (int m = 0; m < count; ++m) {
      hg::grid_spec s = pool[rng() % pool.size()];
      while (colocated && s.ranks != first.ranks) s = pool[rng() % pool.size()];
      const std::string name = "module" + std::to_string(m);
      std::fill(std::begin(s.name), std::end(s.name), '\0');
      name.copy(s.name, name.size());
      s.language = m == count - 1;
      specs.push_back(s);
    }
    // Place them: colocated all at 0; otherwise side by side in a shuffled order.
    std::vector<int> order(specs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::shuffle(order.begin(), order.end(), rng);
    int world = 0;
    for (int i : order) {
      specs[i].offset = colocated ? 0 : world;
      world = colocated ? specs[i].ranks : world + specs[i].ranks;
    }
    std::string text = "world " + std::to_string(world) + (colocated ? " colocated:" : ":");
    for (const auto& s : specs) text += " [" + label(s) + "]";
    CAPTURE(text);

    REQUIRE_FALSE(hg::check_layout(world, specs));
    const bool all_same_span = count == 1 || colocated;
    CHECK(hg::layout_of(specs) ==
          (all_same_span ? hg::layout::colocated : hg::layout::non_colocated));
    for (int r = 0; r < world; ++r) {
      int holders = 0;
      for (const auto& s : specs) {
        const hg::grid g(s);
        if (!g.contains(r)) continue;
        ++holders;
        for (group_kind kind : hg::all_group_kinds) {
          const hg::rank_group group = g.group_of(kind, r);
          CHECK(group.contains(r));
          CHECK(g.contains(group.front()));
          CHECK(g.contains(group.back()));
        }
      }
      CHECK(holders == (all_same_span ? count : 1));
    }
    // One rank more or less breaks the cover, or the fit.
    CHECK(hg::check_layout(world + 1, specs).kind == hg::error_kind::partition);
    CHECK(hg::check_layout(world - 1, specs).kind ==
          (world == 1 ? hg::error_kind::positive : hg::error_kind::world));
  }
}
