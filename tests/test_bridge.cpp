// The bridge plan (docs/CONTRACT.md section 4): leaders, fan-in / fan-out ranges, each rank's send and
// receive lists, checked at compile time on typed layouts and by brute force over many grids.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <hetgrid/bridge.hpp>
#include <hetgrid/hetgrid.hpp>
#include <map>
#include <numeric>
#include <string>
#include <tuple>
#include <vector>

namespace hg = hetgrid;

// --- The seed layout: fan-in 2 -> 1 ---
using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
using mimo = hg::topology<8, images, language>;
using lift = hg::bridge_of<mimo, images, language>;
constexpr const hg::bridge& seed = lift::value;

static_assert(lift::source_index == 0 && lift::destination_index == 1);
static_assert(seed.source_leaders().count == 2 && seed.source_leaders()[0] == 0 &&
              seed.source_leaders()[1] == 2);
static_assert(seed.destination_leaders().count == 1 && seed.destination_leaders()[0] == 4);
static_assert(seed.fan() == hg::bridge_fan::in && seed.fan_factor() == 2);
static_assert(seed.sources_of(0) == hg::index_range{0, 2});
static_assert(seed.destinations_of(1) == hg::index_range{0, 1});
static_assert(seed.sends(2).size() == 1 &&
              seed.sends(2)[0] == hg::bridge_transfer{1, 0, 2, 4, {0, 1}, {1, 2}});
static_assert(seed.receives(4).size() == 2 &&
              seed.receives(4)[0] == hg::bridge_transfer{0, 0, 0, 4, {0, 1}, {0, 2}});
static_assert(seed.sends(1).empty() && seed.receives(5).empty() && seed.sends(4).empty());
// Leaders share with their tp group at the stage: [0,1] at images, [4,5] at language stage 0.
static_assert(seed.source_share_group(1)->front() == 0 && seed.source_share_group(1)->size() == 2);
static_assert(seed.destination_share_group(5)->front() == 4 && !seed.destination_share_group(6));

// --- The way back: language (dp 1) into images (dp 2) is a fan-out with a batch split ---
using back = hg::bridge_of<mimo, language, images>;
static_assert(back::value.fan() == hg::bridge_fan::out);
static_assert(back::value.source_leaders()[0] == 6);  // tp=0 of the last stage
static_assert(back::value.sends(6)[1] == hg::bridge_transfer{0, 1, 6, 2, {1, 2}, {0, 1}});

// --- cp and tp > 1, several stages, S == D ---
using vision = hg::module_grid<hg::grid_spec{.name = "vision", .ranks = 16, .tp = 2, .cp = 2,
                                             .pp = 2}>;  // dp 2, last stage from rank 8
using lm = hg::module_grid<hg::grid_spec{
    .name = "lm", .ranks = 8, .tp = 4, .offset = 16, .language = true}>;  // dp 2
using wide = hg::topology<24, vision, lm>;
constexpr hg::bridge equal = hg::bridge_of<wide, vision, lm>::value;
static_assert(equal.fan() == hg::bridge_fan::out && equal.fan_factor() == 1);
static_assert(equal.source_leaders()[0] == 8 && equal.source_leaders()[1] == 12);
static_assert(equal.destination_leaders()[0] == 16 && equal.destination_leaders()[1] == 20);
static_assert(equal.sends(12)[0] == hg::bridge_transfer{1, 1, 12, 20, {0, 1}, {0, 1}});
static_assert(equal.source_share_group(11)->size() == 4 &&
              equal.source_share_group(11)->front() == 8);
static_assert(!equal.source_share_group(3));  // first stage of vision: not at the bridge

// --- Colocated: a leader may send to itself ---
using enc = hg::module_grid<hg::grid_spec{.name = "enc", .ranks = 8}>;  // dp 8
using dec = hg::module_grid<hg::grid_spec{.name = "dec", .ranks = 8, .tp = 4, .language = true}>;
using shared_span = hg::topology<8, enc, dec>;
constexpr hg::bridge colocated = hg::bridge_of<shared_span, enc, dec>::value;
static_assert(colocated.fan() == hg::bridge_fan::in && colocated.fan_factor() == 4);
static_assert(colocated.sends(4)[0].destination_rank == 4 && colocated.receives(4).size() == 4);

namespace {

// The contract's formulas spelled out over the whole world, to check the O(1) plan against.
std::vector<int> leaders_by_scan(const hg::grid& g, int stage) {
  std::vector<std::pair<int, int>> by_dp;  // (dp, rank)
  for (int r = g.offset; r < g.offset + g.ranks; ++r) {
    const hg::rank_coords c = g.coords(r);
    if (c.tp == 0 && c.cp == 0 && c.pp == stage) by_dp.emplace_back(c.dp, r);
  }
  std::sort(by_dp.begin(), by_dp.end());
  std::vector<int> out;
  for (auto [dp, r] : by_dp) out.push_back(r);
  return out;
}

using edge = std::tuple<int, int, int, int, int, int>;  // src, dst, src part/parts, dst part/parts

std::vector<edge> edges_by_formula(const hg::grid& src, const hg::grid& dst) {
  const std::vector<int> s = leaders_by_scan(src, src.pp - 1);
  const std::vector<int> d = leaders_by_scan(dst, 0);
  const int S = static_cast<int>(s.size()), D = static_cast<int>(d.size());
  std::vector<edge> out;
  if (S > D) {
    for (int i = 0; i < D; ++i)
      for (int j = i * S / D; j < (i + 1) * S / D; ++j)
        out.emplace_back(s[j], d[i], 0, 1, j - i * S / D, S / D);
  } else {
    for (int i = 0; i < S; ++i)
      for (int j = i * D / S; j < (i + 1) * D / S; ++j)
        out.emplace_back(s[i], d[j], j - i * D / S, D / S, 0, 1);
  }
  std::sort(out.begin(), out.end());
  return out;
}

edge as_edge(const hg::bridge_transfer& t) {
  return {t.source_rank, t.destination_rank, t.source_slice.part, t.source_slice.parts,
          t.destination_slice.part, t.destination_slice.parts};
}

// Every check of the bridge between two grids placed in a world.
void check_bridge(const hg::grid& src, const hg::grid& dst, int world) {
  CAPTURE(src.tp); CAPTURE(src.cp); CAPTURE(src.pp); CAPTURE(src.dp); CAPTURE(src.offset);
  CAPTURE(dst.tp); CAPTURE(dst.cp); CAPTURE(dst.pp); CAPTURE(dst.dp); CAPTURE(dst.offset);
  REQUIRE(hg::bridge_divisible(src, dst));
  const hg::bridge b(src, dst);

  // Leaders, ascending dp, from a scan of every rank.
  const std::vector<int> s = leaders_by_scan(src, src.pp - 1);
  const std::vector<int> d = leaders_by_scan(dst, 0);
  REQUIRE(b.source_leaders().count == static_cast<int>(s.size()));
  REQUIRE(b.destination_leaders().count == static_cast<int>(d.size()));
  for (int i = 0; i < b.source_leaders().count; ++i) CHECK(b.source_leaders()[i] == s[i]);
  for (int i = 0; i < b.destination_leaders().count; ++i) CHECK(b.destination_leaders()[i] == d[i]);
  CHECK(b.fan() == (s.size() > d.size() ? hg::bridge_fan::in : hg::bridge_fan::out));

  // Every rank's lists, against the formulas; the sends of all ranks are the receives of all.
  std::vector<edge> sent, received;
  for (int r = 0; r < world; ++r) {
    const bool source_leader = std::find(s.begin(), s.end(), r) != s.end();
    const bool destination_leader = std::find(d.begin(), d.end(), r) != d.end();
    CHECK(b.sends(r).empty() == !source_leader);
    CHECK(b.receives(r).empty() == !destination_leader);
    for (const hg::bridge_transfer t : b.sends(r)) {
      CHECK(t.source_rank == r);
      CHECK(b.source_leaders()[t.source_leader] == r);
      CHECK(b.destination_leaders()[t.destination_leader] == t.destination_rank);
      CHECK(b.destinations_of(t.source_leader).contains(t.destination_leader));
      sent.push_back(as_edge(t));
    }
    for (const hg::bridge_transfer t : b.receives(r)) {
      CHECK(t.destination_rank == r);
      CHECK(b.sources_of(t.destination_leader).contains(t.source_leader));
      received.push_back(as_edge(t));
    }
    // Share groups: at the bridge's stage, led by the replica's leader.
    if (const auto g = b.source_share_group(r)) {
      CHECK(g->contains(r));
      CHECK(std::find(s.begin(), s.end(), g->front()) != s.end());
      CHECK(g->size() == src.tp * src.cp);
    } else {
      CHECK(!source_leader);
    }
    if (const auto g = b.destination_share_group(r)) {
      CHECK(g->contains(r));
      CHECK(std::find(d.begin(), d.end(), g->front()) != d.end());
    } else {
      CHECK(!destination_leader);
    }
  }
  std::sort(sent.begin(), sent.end());
  std::sort(received.begin(), received.end());
  CHECK(sent == received);
  CHECK(sent == edges_by_formula(src, dst));

  // A batch of n samples per leader on each side, n a multiple of every part count: each
  // destination leader gets every one of its samples exactly once, each source leader gives every
  // one of its samples exactly once, and the samples match up in global batch order.
  const int S = b.source_leaders().count, D = b.destination_leaders().count;
  const int total = S * D * 4;  // global batch: divisible by S, D and every part count
  const int ns = total / S, nd = total / D;
  std::vector<int> cover_dst(total, 0), cover_src(total, 0);
  for (const auto& [sr, dr, sp, sps, dpart, dps] : sent) {
    const int si = b.source_leaders().index_of(sr), di = b.destination_leaders().index_of(dr);
    const hg::batch_slice ss{sp, sps}, ds{dpart, dps};
    REQUIRE(ss.end(ns) - ss.begin(ns) == ds.end(nd) - ds.begin(nd));
    for (int k = 0; k < ss.end(ns) - ss.begin(ns); ++k) {
      const int from = si * ns + ss.begin(ns) + k;  // global sample index the source holds
      const int to = di * nd + ds.begin(nd) + k;    // global sample index the destination expects
      CHECK(from == to);
      ++cover_src[from];
      ++cover_dst[to];
    }
  }
  CHECK(std::all_of(cover_dst.begin(), cover_dst.end(), [](int c) { return c == 1; }));
  CHECK(std::all_of(cover_src.begin(), cover_src.end(), [](int c) { return c == 1; }));
}

hg::grid make_grid(int tp, int cp, int pp, int dp, int offset, bool language) {
  hg::grid_spec spec{.name = "m", .ranks = tp * cp * pp * dp, .tp = tp, .cp = cp, .pp = pp,
                     .offset = offset, .language = language};
  spec.name[0] = language ? 'l' : 'v';
  return hg::grid(spec);
}

}  // namespace

TEST_CASE("seed layout: fan-in from the images replicas into the first language stage") {
  check_bridge(images::value, language::value, 8);
  std::vector<hg::bridge_transfer> in(seed.receives(4).begin(), seed.receives(4).end());
  REQUIRE(in.size() == 2);
  CHECK(in[0].source_rank == 0);
  CHECK(in[1].source_rank == 2);
  CHECK(in[0].destination_slice.begin(8) == 0);
  CHECK(in[0].destination_slice.end(8) == 4);
  CHECK(in[1].destination_slice.begin(8) == 4);
  CHECK(in[1].destination_slice.end(8) == 8);
  CHECK(in[0].source_slice.whole());
}

TEST_CASE("typed layouts: reverse direction, S == D with cp, colocated") {
  check_bridge(language::value, images::value, 8);
  check_bridge(vision::value, lm::value, 24);
  check_bridge(lm::value, vision::value, 24);
  check_bridge(enc::value, dec::value, 8);
  check_bridge(dec::value, enc::value, 8);
}

TEST_CASE("brute force: every small pair of grids whose leader counts divide") {
  int bridges = 0, fan_in = 0, fan_out = 0, equal_counts = 0;
  for (int stp : {1, 2}) for (int scp : {1, 2}) for (int spp : {1, 2, 3}) for (int sdp : {1, 2, 3, 4, 6})
  for (int dtp : {1, 2, 4}) for (int dcp : {1, 2}) for (int dpp : {1, 2}) for (int ddp : {1, 2, 3, 4, 6}) {
    if (!hg::detail::leader_counts_divide(sdp, ddp)) continue;
    // Non-colocated both ways round: source first, or destination first.
    for (bool source_first : {true, false}) {
      const int sranks = stp * scp * spp * sdp, dranks = dtp * dcp * dpp * ddp;
      const hg::grid src = make_grid(stp, scp, spp, sdp, source_first ? 0 : dranks, false);
      const hg::grid dst = make_grid(dtp, dcp, dpp, ddp, source_first ? sranks : 0, true);
      check_bridge(src, dst, sranks + dranks);
      ++bridges;
      fan_in += sdp > ddp;
      fan_out += sdp < ddp;
      equal_counts += sdp == ddp;
    }
    // Colocated, where both modules span the same ranks.
    if (stp * scp * spp * sdp == dtp * dcp * dpp * ddp) {
      const int n = stp * scp * spp * sdp;
      check_bridge(make_grid(stp, scp, spp, sdp, 0, false), make_grid(dtp, dcp, dpp, ddp, 0, true),
                   n);
      ++bridges;
    }
  }
  MESSAGE(bridges << " bridges checked: " << fan_in << " fan-in, " << fan_out << " fan-out, "
                  << equal_counts << " with S == D");
  CHECK(fan_in > 0);
  CHECK(fan_out > 0);
  CHECK(equal_counts > 0);
}

TEST_CASE("divisibility at run time") {
  CHECK(hg::bridge_divisible(make_grid(1, 1, 1, 2, 0, false), make_grid(1, 1, 1, 6, 2, true)));
  CHECK(hg::bridge_divisible(make_grid(1, 1, 1, 6, 0, false), make_grid(1, 1, 1, 3, 6, true)));
  CHECK(!hg::bridge_divisible(make_grid(1, 1, 1, 2, 0, false), make_grid(1, 1, 1, 3, 2, true)));
  CHECK(!hg::bridge_divisible(make_grid(2, 1, 1, 4, 0, false), make_grid(1, 1, 2, 3, 8, true)));
  // check_bridge names the broken rule in the words the compile-time check shows.
  const hg::bridge_error broken =
      hg::check_bridge(make_grid(1, 1, 1, 2, 0, false), make_grid(1, 1, 1, 3, 2, true));
  CHECK(broken.kind == hg::error_kind::bridge);
  CHECK(std::string(broken.words) == HETGRID_RULE_BRIDGE_DIVISIBLE);
  CHECK(std::string(broken.message.view()) ==
        HETGRID_RULE_BRIDGE_DIVISIBLE "; source 'v': dp=2 leaders, destination 'l': dp=3 leaders");
  CHECK(!hg::check_bridge(make_grid(1, 1, 1, 6, 0, false), make_grid(1, 1, 1, 3, 6, true)));
}
