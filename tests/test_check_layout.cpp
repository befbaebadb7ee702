// The run-time layout check (docs/CONTRACT.md section 1): every golden case's error kind, a hand-made case for
// each rule, and the order in which several broken rules are reported.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <hetgrid/executor.hpp>
#include <hetgrid/hetgrid.hpp>

#include "support/golden_cases.hpp"

namespace {

namespace hg = hetgrid;
using hg::error_kind;
using specs_t = std::vector<hg::grid_spec>;

hg::grid_spec module(const char* name, int ranks, int offset = 0, bool language = false) {
  hg::grid_spec s;
  std::string(name).copy(s.name, std::string(name).size());
  s.ranks = ranks;
  s.offset = offset;
  s.language = language;
  return s;
}
hg::grid_spec language(int ranks, int offset = 0) {
  return module("language", ranks, offset, true);
}

error_kind kind_of(int world, const specs_t& specs) { return hg::check_layout(world, specs).kind; }

// Each row's words are its rule template's (detail/rules.hpp): what the build prints is what
// describe() says.
#define HETGRID_TEST_WORDS_AGREE(kind, holds, facts, row_words) \
  static_assert(hg::detail::holds##_rule<true>::words == std::string_view(row_words));
#define HETGRID_TEST_WORDS_AGREE_3(kind, holds, row_words) \
  HETGRID_TEST_WORDS_AGREE(kind, holds, , row_words)
HETGRID_TOPOLOGY_RULES_FIRST(HETGRID_TEST_WORDS_AGREE)
HETGRID_MODULE_RULES(HETGRID_TEST_WORDS_AGREE)
HETGRID_MODULE_WORLD_RULES(HETGRID_TEST_WORDS_AGREE)
HETGRID_TOPOLOGY_RULES_LAST(HETGRID_TEST_WORDS_AGREE)
HETGRID_BRIDGE_OF_RULES(HETGRID_TEST_WORDS_AGREE)
HETGRID_BRIDGE_RULES(HETGRID_TEST_WORDS_AGREE)
HETGRID_KIND_RULES(HETGRID_TEST_WORDS_AGREE)
HETGRID_PLACEMENT_RULES(HETGRID_TEST_WORDS_AGREE_3)
HETGRID_KIND_PLACE_RULES(HETGRID_TEST_WORDS_AGREE_3)
#undef HETGRID_TEST_WORDS_AGREE_3
#undef HETGRID_TEST_WORDS_AGREE

}  // namespace

TEST_CASE("golden cases: check_layout gives Megatron-LM's error kind, or none") {
  const auto cases = hg::test::load_golden_cases();
  int errors = 0;
  for (const auto& c : cases) {
    CAPTURE(hg::test::case_label(c));
    const specs_t specs = hg::test::specs_of(c);
    const hg::layout_error e = hg::check_layout(c.at("world").get<int>(), specs);
    if (hg::test::is_error_case(c)) {
      ++errors;
      CHECK(std::string(hg::to_string(e.kind)) == c.at("expect").at("error").get<std::string>());
      const std::string message = hg::describe(e, c.at("world").get<int>(), specs);
      CHECK(message.starts_with(std::string(hg::to_string(e.kind)) + ": "));
    } else {
      CHECK_FALSE(e);
      CHECK(std::string(hg::to_string(hg::layout_of(specs))) ==
            c.at("expect").at("layout").get<std::string>());
    }
  }
  CHECK(errors > 0);
}

TEST_CASE("each rule on its own") {
  CHECK(kind_of(8, {language(8)}) == error_kind::none);
  CHECK(kind_of(8, {module("a", 4), language(4, 4)}) == error_kind::none);

  SUBCASE("world: a span past the world") {
    CHECK(kind_of(8, {module("a", 4), language(5, 4)}) == error_kind::world);
    const specs_t s = {module("a", 4), language(5, 4)};
    CHECK(hg::check_layout(8, s).module == 1);
  }
  SUBCASE("partition: a gap") {
    CHECK(kind_of(8, {module("a", 3), language(4, 4)}) == error_kind::partition);
    CHECK(kind_of(8, {language(4, 4)}) == error_kind::partition);
    CHECK(kind_of(9, {module("a", 4), language(4, 4)}) == error_kind::partition);
    CHECK(kind_of(8, {module("a", 4, 2), language(4, 2)}) == error_kind::partition);  // colocated
  }
  SUBCASE("disjoint: overlapping spans that are not equal") {
    CHECK(kind_of(8, {module("a", 5), language(4, 4)}) == error_kind::disjoint);
    CHECK(kind_of(8, {module("a", 8), language(4, 4)}) == error_kind::disjoint);
    CHECK(kind_of(8, {module("a", 4), module("b", 4), language(4, 4)}) == error_kind::disjoint);
  }
  SUBCASE("names: no module, or a name used twice") {
    CHECK(kind_of(8, {}) == error_kind::names);
    CHECK(kind_of(8, {module("a", 4), module("a", 4, 4, true)}) == error_kind::names);
  }
  SUBCASE("language: none, or two") {
    CHECK(kind_of(8, {module("a", 4), module("b", 4, 4)}) == error_kind::language);
    CHECK(kind_of(8, {module("a", 4, 0, true), language(4, 4)}) == error_kind::language);
  }
  SUBCASE("positive: offset < 0, an empty name, a zero size, world 0") {
    CHECK(kind_of(8, {module("a", 4, -1), language(4, 4)}) == error_kind::positive);
    CHECK(kind_of(8, {module("", 4), language(4, 4)}) == error_kind::positive);
    hg::grid_spec zero_cp = language(8);
    zero_cp.cp = 0;
    CHECK(kind_of(8, {zero_cp}) == error_kind::positive);
    hg::grid_spec negative_expt_tp = language(8);
    negative_expt_tp.expt_tp = -2;
    CHECK(kind_of(8, {negative_expt_tp}) == error_kind::positive);
    CHECK(kind_of(0, {language(8)}) == error_kind::positive);
  }
  SUBCASE("divisible: the dense factorization, or only the expert view") {
    hg::grid_spec dense = language(8);
    dense.tp = 3;
    CHECK(kind_of(8, {dense}) == error_kind::divisible);
    hg::grid_spec expert_only = language(8);
    expert_only.tp = 2;
    expert_only.ep = 8;  // tp*cp*pp = 2 divides 8; expt_tp*ep*pp = 16 does not
    CHECK(kind_of(8, {expert_only}) == error_kind::divisible);
    const specs_t s = {expert_only};
    CHECK(hg::describe(hg::check_layout(8, s), 8, s).find("expert view") != std::string::npos);
    expert_only.expt_tp = 1;  // now 8 divides 8
    CHECK(kind_of(8, {expert_only}) == error_kind::none);
  }
}

TEST_CASE("several broken rules: the first in the contract's order is reported") {
  hg::grid_spec bad_tp = module("t", 4);
  bad_tp.tp = 3;
  hg::grid_spec zero_ranks = module("b", 0, 4);
  // language before names before anything else
  CHECK(kind_of(8, {module("a", 4), module("a", 5)}) == error_kind::language);
  CHECK(kind_of(8, {module("a", 4), module("a", 5, 3, true)}) == error_kind::names);
  // then the modules in the given order, each positive, divisible, world
  CHECK(kind_of(8, {bad_tp, zero_ranks, language(9, 5)}) == error_kind::divisible);
  CHECK(kind_of(8, {zero_ranks, bad_tp, language(9, 5)}) == error_kind::positive);
  CHECK(kind_of(8, {language(9, 5), bad_tp}) == error_kind::world);
  const specs_t order = {module("a", 4), bad_tp, zero_ranks, language(9)};
  CHECK(hg::check_layout(8, order).module == 1);
  // then disjoint before partition
  CHECK(kind_of(16, {module("a", 5), language(4, 4)}) == error_kind::disjoint);
  CHECK(kind_of(16, {module("a", 4), language(4, 4)}) == error_kind::partition);
}

TEST_CASE("describe: one line that starts with the kind and names the module at fault") {
  const specs_t specs = {module("vision", 4), language(5, 4)};
  const hg::layout_error e = hg::check_layout(8, specs);
  const std::string message = hg::describe(e, 8, specs);
  CHECK(message.starts_with("world: "));
  CHECK(message.find("'language'") != std::string::npos);
  CHECK(message.find('\n') == std::string::npos);
  CHECK_THROWS_AS(hg::validate_layout(8, specs), hg::topology_error);
  const specs_t fine = {module("vision", 4), language(4, 4)};
  CHECK_NOTHROW(hg::validate_layout(8, fine));
}

// The message of the first broken rule of (world, specs).
std::string message_of(int world, const specs_t& specs) {
  return hg::describe(hg::check_layout(world, specs), world, specs);
}

TEST_CASE("messages: the rule's words, then '; ' and the values that broke it") {
  CHECK(message_of(8, {module("vision", 4), module("audio", 2, 3), language(3, 5)}) ==
        HETGRID_RULE_DISJOINT "; 'audio' [3, 5) overlaps 'vision' [0, 4)");
  CHECK(message_of(8, {module("a", 4), module("b", 4), language(4, 4)}) ==
        HETGRID_RULE_DISJOINT "; 'a' [0, 4) and 'b' [0, 4) are one span but 'language' [4, 8) "
                              "is another");
  hg::grid_spec vision = module("vision", 6);
  vision.tp = 4;
  CHECK(message_of(8, {vision, language(2, 6)}) ==
        HETGRID_RULE_DIVISIBLE_DENSE "; module 'vision': ranks=6, tp*gtp_remat*cp*pp=4 (tp=4)");
  hg::grid_spec moe = language(8);
  moe.tp = 2;
  moe.ep = 8;
  CHECK(message_of(8, {moe}) ==
        HETGRID_RULE_DIVISIBLE_EXPERT "; module 'language': ranks=8, expt_tp*ep*expt_gtp_remat*pp"
                                      "=16 (expt_tp=2, defaulted from tp, ep=8)");
  moe.expt_tp = 4;
  moe.ep = 4;
  CHECK(message_of(8, {moe}) ==
        HETGRID_RULE_DIVISIBLE_EXPERT "; module 'language': ranks=8, expt_tp*ep*expt_gtp_remat*pp"
                                      "=16 (expt_tp=4, ep=4)");
  CHECK(message_of(8, {module("vision", 4), language(6, 4)}) ==
        HETGRID_RULE_WORLD "; 'language' [4, 10) does not fit a world of 8");
  CHECK(message_of(8, {module("vision", 4), language(2, 6)}) ==
        HETGRID_RULE_PARTITION "; ranks [4, 6) are in no module");
  CHECK(message_of(8, {language(4, 2), module("a", 4, 2)}) ==
        HETGRID_RULE_PARTITION "; ranks [0, 2) are in no module");
  CHECK(message_of(8, {module("a", 4), module("b", 4, 4)}) ==
        HETGRID_RULE_LANGUAGE "; 0 are marked");
  CHECK(message_of(8, {module("a", 4, 0, true), language(4, 4)}) ==
        HETGRID_RULE_LANGUAGE "; 2 are marked: 'a', 'language'");
  CHECK(message_of(8, {}) == HETGRID_RULE_NAMES_EMPTY "; modules=0");
  CHECK(message_of(8, {module("a", 4), module("a", 4, 4, true)}) ==
        HETGRID_RULE_NAMES_DISTINCT "; 'a' names modules 0 and 1");
  CHECK(message_of(0, {language(8)}) == HETGRID_RULE_WORLD_POSITIVE "; world=0");
  CHECK(message_of(8, {module("a", 4, -1), language(4, 4)}) ==
        HETGRID_RULE_POSITIVE "; module 'a': offset=-1");
  hg::grid_spec zero = module("", 4);
  zero.tp = 0;
  CHECK(message_of(8, {zero, language(4, 4)}) ==
        HETGRID_RULE_POSITIVE "; module '': the name is empty, tp=0, "
                              "expt_tp=0 (defaulted from tp)");
  // The job's size (executor.hpp): a row of the same table.
  try {
    hg::check_world_size(6, 8);
    FAIL("a job of 6 ranks for a world of 8 must throw");
  } catch (const hg::topology_error& e) {
    CHECK(e.kind() == error_kind::world);
    CHECK(std::string(e.what()) ==
          HETGRID_RULE_JOB_WORLD "; the job has 6 ranks but the topology is compiled for a world "
                                 "of 8");
  }
  CHECK_NOTHROW(hg::check_world_size(8, 8));
}

TEST_CASE("many modules: the sorting checks find a repeated name and an overlap (n log n)") {
  const int n = 50000;  // far past the pairwise checks' limit
  std::vector<hg::grid_spec> specs(n);
  for (int i = 0; i < n; ++i) {
    std::string name = "m";
    name += std::to_string(i);
    name.copy(specs[i].name, name.size());
    specs[i].ranks = 1;
    specs[i].offset = n - 1 - i;  // given in descending order: the check must sort
    specs[i].language = i == 0;
  }
  CHECK_FALSE(hg::check_layout(n, specs));
  std::vector<hg::grid_spec> overlap = specs;
  overlap[n / 2].offset = overlap[n / 3].offset;
  CHECK(hg::check_layout(n, overlap).kind == hg::error_kind::disjoint);
  const std::string overlap_message = hg::describe(hg::check_layout(n, overlap), n, overlap);
  CHECK(overlap_message.find("'m" + std::to_string(n / 2) + "' [") != std::string::npos);
  CHECK(overlap_message.find("'m" + std::to_string(n / 3) + "' [") != std::string::npos);
  std::vector<hg::grid_spec> twice = specs;
  std::copy(std::begin(twice[n - 1].name), std::end(twice[n - 1].name), std::begin(twice[7].name));
  CHECK(hg::check_layout(n, twice).kind == hg::error_kind::names);
  CHECK(hg::describe(hg::check_layout(n, twice), n, twice)
            .ends_with("; 'm" + std::to_string(n - 1) + "' names modules 7 and " +
                       std::to_string(n - 1)));
  std::vector<hg::grid_spec> gap = specs;
  gap[5].ranks = 2;  // overlaps its neighbour below
  CHECK(hg::check_layout(n + 1, gap).kind == hg::error_kind::disjoint);
}

TEST_CASE("lists: every container a std::span<const T> is made from gives the same answer") {
  // An overlap at the second module: the check must read every element, in order.
  const hg::grid_spec broken[] = {module("images", 4), language(4, 2)};
  const std::array<hg::grid_spec, 2> as_array{broken[0], broken[1]};
  const std::vector<hg::grid_spec> as_vector(std::begin(broken), std::end(broken));
  std::vector<hg::grid_spec> mutable_specs = as_vector;
  const std::span<const hg::grid_spec> as_span(as_vector);
  const std::span<hg::grid_spec> as_mutable_span(mutable_specs);
  for (const hg::layout_error e :
       {hg::check_layout(6, broken), hg::check_layout(6, as_array), hg::check_layout(6, as_vector),
        hg::check_layout(6, as_span), hg::check_layout(6, as_mutable_span),
        hg::check_layout(6, hg::const_span<hg::grid_spec>(as_vector.data(), 2))}) {
    CHECK(e.kind == error_kind::disjoint);
  }
  // A prefix is a list of its own: the first module alone has no language module.
  CHECK(hg::check_layout(4, hg::const_span<hg::grid_spec>(as_vector.data(), 1)).kind ==
        error_kind::language);
  CHECK(hg::check_layout(4, hg::const_span<hg::grid_spec>()).kind == error_kind::names);

  // And back to std::span, pointing at the same elements.
  const hg::const_span<hg::grid_spec> list(as_vector);
  const std::span<const hg::grid_spec> back = list;
  CHECK(back.data() == as_vector.data());
  CHECK(back.size() == 2);
  const hg::process_groups<int> groups;
  const std::span<const hg::group_kind> slots = groups.slots();
  CHECK(slots.size() == hg::builtin_slots.size());
  CHECK(slots.data() == hg::builtin_slots.data());
}
