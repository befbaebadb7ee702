// Properties of the group enumeration (docs/CONTRACT.md section 2) over every factorization of many module
// sizes, at random offsets, checked against a brute-force oracle written from docs/CONTRACT.md alone.
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

// ---- the oracle: docs/CONTRACT.md section 2 read literally, sharing no code with hetgrid::grid ----

// The contract's table: each kind's name, view (expert or base) and the dims it spans, by name.
constexpr int dims = 5;
using spans_t = std::array<bool, dims>;
const std::array<std::string, dims> base_names = {"tp", "gtp_remat", "cp", "dp", "pp"};
const std::array<std::string, dims> expert_names = {"expt_tp", "ep", "expt_gtp_remat", "expt_dp",
                                                    "pp"};
struct kind_definition {
  std::string name;
  bool expert;
  spans_t spans;
};
kind_definition define(const std::string& name, bool expert, std::vector<std::string> spanned) {
  const auto& names = expert ? expert_names : base_names;
  spans_t spans{};
  for (const std::string& d : spanned)
    spans[std::find(names.begin(), names.end(), d) - names.begin()] = true;
  return {name, expert, spans};
}
const std::vector<kind_definition> spec_table = {
    define("tp", false, {"tp"}),
    define("gtp_remat", false, {"gtp_remat"}),
    define("cp", false, {"cp"}),
    define("pp", false, {"pp"}),
    define("dp", false, {"dp"}),
    define("dp_cp", false, {"dp", "cp"}),
    define("dp_cp_gtp_remat", false, {"gtp_remat", "dp", "cp"}),
    define("tp_cp", false, {"tp", "cp"}),
    define("tp_dp", false, {"tp", "gtp_remat", "dp"}),
    define("tp_dp_cp", false, {"tp", "gtp_remat", "dp", "cp"}),
    define("mp", false, {"tp", "gtp_remat", "pp"}),
    define("intra_dist_opt", false, {"tp", "gtp_remat", "cp", "dp", "pp"}),
    define("ep", true, {"ep"}),
    define("expt_tp", true, {"expt_tp"}),
    define("expt_gtp_remat", true, {"expt_gtp_remat"}),
    define("expt_dp", true, {"expt_dp"}),
    define("expt_dp_gtp_remat", true, {"expt_gtp_remat", "expt_dp"}),
    define("tp_ep", true, {"expt_tp", "ep"}),
    define("tp_ep_pp", true, {"expt_tp", "ep", "pp"}),
    define("tp_ep_pp_with_egtp_remat", true, {"expt_tp", "ep", "expt_gtp_remat", "pp"}),
};
const spans_t pp_only = {false, false, false, false, true};

std::array<int, dims> view_sizes(const hg::grid_spec& s, bool expert) {
  const int expt_tp = s.expt_tp == 0 ? s.tp : s.expt_tp;
  if (expert)
    return {expt_tp, s.ep, s.expt_gtp_remat,
            s.ranks / (expt_tp * s.ep * s.expt_gtp_remat * s.pp), s.pp};
  return {s.tp, s.gtp_remat, s.cp, s.ranks / (s.tp * s.gtp_remat * s.cp * s.pp), s.pp};
}

// c_i = (l / (s_0 * ... * s_{i-1})) % s_i
int coordinate(int local, const std::array<int, dims>& sizes, int i) {
  int below = 1;
  for (int j = 0; j < i; ++j) below *= sizes[j];
  return (local / below) % sizes[i];
}

// Ranks that agree on every coordinate outside the spanned dims, ascending; groups ordered by
// their smallest member.
lists_t oracle_groups(const hg::grid_spec& s, bool expert, const spans_t& spans) {
  const auto sizes = view_sizes(s, expert);
  std::map<std::array<int, dims>, members_t> by_key;
  for (int r = s.offset; r < s.offset + s.ranks; ++r) {
    std::array<int, dims> key{-1, -1, -1, -1, -1};
    for (int i = 0; i < dims; ++i)
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
                        int offset, bool language, int gtp_remat = 1, int expt_gtp_remat = 1) {
  hg::grid_spec s;
  std::string(name).copy(s.name, std::string(name).size());
  s.ranks = ranks;
  s.tp = tp;
  s.cp = cp;
  s.pp = pp;
  s.ep = ep;
  s.expt_tp = expt_tp;
  s.gtp_remat = gtp_remat;
  s.expt_gtp_remat = expt_gtp_remat;
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
  // gtp_remat and expt_gtp_remat: every split of the remaining base and expert dims of a few
  // sizes (the set above already covers them at 1).
  for (int ranks : {8, 12, 16, 24, 48})
    for (int gtp : divisors(ranks))
      for (int tp : divisors(ranks / gtp))
        for (int pp : divisors(ranks / (gtp * tp)))
          for (int egtp : divisors(ranks / pp))
            for (int ep : divisors(ranks / (pp * egtp))) {
              if (gtp == 1 && egtp == 1) continue;
              const int cp = (ranks / (gtp * tp * pp)) % 2 == 0 ? 2 : 1;
              const int expt_tp = (ranks / (pp * egtp * ep)) % 3 == 0 ? 3 : 1;
              specs.push_back(make_spec("m", ranks, tp, cp, pp, ep, expt_tp,
                                        static_cast<int>(rng() % 1000), rng() % 2 == 0, gtp,
                                        egtp));
            }
  return specs;
}

std::string label(const hg::grid_spec& s) {
  return "ranks=" + std::to_string(s.ranks) + " tp=" + std::to_string(s.tp) +
         " cp=" + std::to_string(s.cp) + " pp=" + std::to_string(s.pp) +
         " gtp_remat=" + std::to_string(s.gtp_remat) +
         " expt_gtp_remat=" + std::to_string(s.expt_gtp_remat) +
         " ep=" + std::to_string(s.ep) + " expt_tp=" + std::to_string(s.expt_tp) +
         " offset=" + std::to_string(s.offset) + (s.language ? " language" : "");
}

// ---- the properties of one module ----

void check_kind(const hg::grid& g, const hg::grid_spec& s, const kind_definition& def) {
  const group_kind kind = hg::group_kind_from_string(def.name).value();
  REQUIRE(hg::view_of(kind) == (def.expert ? hg::view::expert : hg::view::base));
  const auto sizes = view_sizes(s, def.expert);
  int dims_product = 1;
  for (int i = 0; i < dims; ++i)
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
    CAPTURE(def.name);
    check_kind(g, s, def);
  }

  // Coordinates in both views, and the stages.
  const auto base = view_sizes(s, false), expert = view_sizes(s, true);
  for (int r = s.offset; r < s.offset + s.ranks; ++r) {
    const int l = r - s.offset;
    const hg::rank_coords want{coordinate(l, base, 0),   coordinate(l, base, 1),
                               coordinate(l, base, 2),   coordinate(l, base, 3),
                               coordinate(l, base, 4),   coordinate(l, expert, 0),
                               coordinate(l, expert, 1), coordinate(l, expert, 2),
                               coordinate(l, expert, 3)};
    CHECK(g.coords(r) == want);
    CHECK(g.is_first_stage(r) == (want.pp == 0));
    CHECK(g.is_last_stage(r) == (want.pp == s.pp - 1));
  }

  // pp is shared by the views: the pp groups over the expert view's coordinates are the same.
  CHECK(oracle_groups(s, true, pp_only) == oracle_groups(s, false, pp_only));
  const lists_t pp_groups = oracle_groups(s, true, pp_only);
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

TEST_CASE("the kind table is the contract's: twenty kinds, each name, view and dims as the oracle's") {
  REQUIRE(hg::all_group_kinds.size() == spec_table.size());
  for (const kind_definition& def : spec_table) {
    CAPTURE(def.name);
    const auto kind = hg::group_kind_from_string(def.name);
    REQUIRE(kind.has_value());
    const auto& names = def.expert ? expert_names : base_names;
    const hg::dim_list listed_dims = hg::dim_names(hg::view_of(*kind), hg::dims_of(*kind));
    std::vector<std::string> want, got;
    for (int i = 0; i < dims; ++i)
      if (def.spans[i]) want.push_back(names[i]);
    for (int i = 0; i < listed_dims.count; ++i) got.emplace_back(listed_dims.names[i]);
    CHECK(got == want);
  }
}

TEST_CASE("any dims of one view, as get_rank_enum: rank_enum matches the oracle") {
  std::mt19937 rng(11);
  int index = 0;
  for (const hg::grid_spec& s : all_factorizations(rng)) {
    if (index++ % 7 != 0) continue;  // every mask of every view on a seventh of the layouts
    const hg::grid g(s);
    for (bool expert : {false, true})
      for (unsigned mask = 1; mask < (1u << dims); ++mask) {
        const hg::kind_row kind{.name = "any", .in_view = expert ? hg::view::expert : hg::view::base,
                                  .dims = mask};
        spans_t spans{};
        for (int i = 0; i < dims; ++i) spans[i] = mask >> i & 1u;
        lists_t enumerated;
        for (const hg::rank_group& group : g.groups(kind)) enumerated.push_back(listed(group));
        CAPTURE(label(s));
        CAPTURE(mask);
        CHECK(enumerated == oracle_groups(s, expert, spans));
      }
  }
  // Spelled with names at compile time.
  using lm = hg::module_grid<hg::grid_spec{.name = "lm", .ranks = 16, .tp = 2, .pp = 2,
                                           .gtp_remat = 2, .language = true}>;
  static_assert(lm::rank_enum({"tp", "dp"}).size() == 4);
  static_assert(lm::rank_enum({"tp", "dp"})[0][1] == 1);
  static_assert(lm::rank_enum({"gtp_remat", "pp"})[0][1] == 2 &&
                lm::rank_enum({"gtp_remat", "pp"})[0][2] == 8);
}

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
