// The layout as data (docs/CONTRACT.md section 6): hetgrid/json.hpp writes
// what hetgrid-inspect --json prints, streamed; hetgrid/rank_text.hpp a rank's part as text; and
// hetgrid-inspect --layout FILE reads the JSON back.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <atomic>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <hetgrid/json.hpp>
#include <hetgrid/rank_text.hpp>
#include <hetgrid/runtime_topology.hpp>
#include <new>
#include <nlohmann/json.hpp>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "spec_layouts.hpp"
#include "support/golden_cases.hpp"
#include "support/inspect_cli.hpp"

// Heap bytes in use, and their peak since the last reset: the writers' memory, measured.
namespace {
std::atomic<long long> heap_in_use{0}, heap_peak{0};
void* counted_alloc(std::size_t n) {
  auto* block = static_cast<std::size_t*>(std::malloc(n + 16));
  if (block == nullptr) throw std::bad_alloc();
  *block = n;
  const long long now = heap_in_use += static_cast<long long>(n);
  for (long long peak = heap_peak; now > peak && !heap_peak.compare_exchange_weak(peak, now);) {
  }
  return reinterpret_cast<char*>(block) + 16;
}
void counted_free(void* p) {
  if (p == nullptr) return;
  auto* block = reinterpret_cast<std::size_t*>(static_cast<char*>(p) - 16);
  heap_in_use -= static_cast<long long>(*block);
  std::free(block);
}
}  // namespace
void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& tag) noexcept {
  return operator new(n, tag);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }

namespace hg = hetgrid;
using hg::test::args_t;
using hg::test::inspect;
using nlohmann::json;

namespace {

using seed = hg::layouts::seed::topology;

args_t operator+(args_t a, const args_t& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Two golden cases (tests/data) as types: colocated with an expert view, and one module alone.
using video4 = hg::module_grid<hg::grid_spec{.name = "video", .ranks = 4, .tp = 4, .ep = 4,
                                             .expt_tp = 1}>;
using language4 = hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .tp = 2, .pp = 2,
                                                .ep = 2, .expt_tp = 1, .language = true}>;
using golden_colocated = hg::topology<4, video4, language4>;
using language8 = hg::module_grid<hg::grid_spec{.name = "language", .ranks = 8, .tp = 4, .pp = 2,
                                                .ep = 4, .expt_tp = 1, .language = true}>;
using golden_alone = hg::topology<8, language8>;

template <class T>
json layout_json() {
  std::ostringstream out;
  hg::write_layout_json<T>(out);
  REQUIRE(out.good());
  return json::parse(out.str());
}
template <class T>
json rank_json(int rank) {
  std::ostringstream out;
  hg::write_rank_json<T>(out, rank);
  REQUIRE(out.good());
  return json::parse(out.str());
}

// The hetgrid-inspect arguments of a compile-time topology's modules.
template <class T>
args_t inspect_args() {
  args_t args{"--world", std::to_string(T::world)};
  for (const hg::grid_spec& s : T::specs) {
    std::string text = std::string(s.name_view()) + ":ranks=" + std::to_string(s.ranks);
    for (const auto& [key, value] : {std::pair{"tp", s.tp}, {"cp", s.cp}, {"pp", s.pp},
                                     {"gtp_remat", s.gtp_remat}, {"ep", s.ep},
                                     {"expt_tp", s.resolved_expt_tp()},
                                     {"expt_gtp_remat", s.expt_gtp_remat}, {"offset", s.offset}})
      text += std::string(",") + key + "=" + std::to_string(value);
    if (s.language) text += ",language";
    args.insert(args.end(), {"--module", text});
  }
  return args;
}

json inspect_json(args_t args) {
  const hg::test::command_result r = inspect(args);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

template <class T>
void check_same_as_inspect() {
  CHECK(layout_json<T>() == inspect_json(inspect_args<T>() + args_t{"--json"}));
  for (int rank = 0; rank < T::world; ++rank) {
    CAPTURE(rank);
    args_t args = inspect_args<T>();
    args.insert(args.end(), {"--rank", std::to_string(rank), "--json"});
    CHECK(rank_json<T>(rank) == inspect_json(args));
  }
}

// The golden case of this world and these module names; fails the test if there is none.
template <class T>
json golden_expect() {
  for (const json& c : hg::test::load_golden_cases()) {
    if (c.at("world") != T::world || c.at("modules").size() != T::specs.size()) continue;
    if (hg::test::specs_of(c).front().ranks != T::specs.front().ranks) continue;
    bool same = true;
    for (std::size_t i = 0; i < T::specs.size(); ++i)
      same = same && c.at("modules").at(i).at("name") == std::string(T::specs[i].name_view());
    if (same) return c.at("expect");
  }
  FAIL("no golden case for this topology");
  return {};
}

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                           "/hetgrid_test_layout_json_" + name;
  std::ofstream(path) << text;
  return path;
}

// A stream buffer that counts what it is given and keeps nothing; it fails once `limit` bytes
// have come.
class counting_buffer : public std::streambuf {
 public:
  explicit counting_buffer(long long limit = -1) : limit_(limit) {}
  long long bytes = 0;
  int writes = 0;

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    ++writes;
    if (limit_ >= 0 && bytes + n > limit_) return 0;
    bytes += n;
    return n;
  }
  int_type overflow(int_type c) override { return xsputn("", 1) == 1 ? c : traits_type::eof(); }

 private:
  long long limit_;
};

}  // namespace

TEST_CASE("write_layout_json and write_rank_json print what hetgrid-inspect --json prints") {
  SUBCASE("the seed") { check_same_as_inspect<seed>(); }
  SUBCASE("a colocated golden case") { check_same_as_inspect<golden_colocated>(); }
  SUBCASE("a golden case of one module") { check_same_as_inspect<golden_alone>(); }
  // A program's own kinds show up in the JSON, after the embeddings, with their groups; the
  // rest is the layout's JSON without them.
  constexpr auto tp_pp = hg::make_kind("tp_pp", {"tp", "pp"});
  using mine = seed::with_kinds<tp_pp>;
  nlohmann::json with_own = layout_json<mine>();
  const nlohmann::json without = layout_json<seed>();
  for (std::size_t m = 0; m < with_own["modules"].size(); ++m) {
    auto& groups = with_own["modules"][m]["groups"];
    REQUIRE(groups.contains("tp_pp"));
    const hg::grid& g = mine::grids[m];
    CHECK(groups["tp_pp"].size() == static_cast<std::size_t>(g.group_count(tp_pp)));
    CHECK(groups["tp_pp"][0] ==
          nlohmann::json(std::vector<int>(g.group(tp_pp, 0).begin(), g.group(tp_pp, 0).end())));
    groups.erase("tp_pp");
  }
  CHECK(with_own == without);
}

TEST_CASE("write_layout_json of golden cases is Megatron-LM's answer") {
  CHECK(layout_json<golden_colocated>() == golden_expect<golden_colocated>());
  CHECK(layout_json<golden_alone>() == golden_expect<golden_alone>());
}

TEST_CASE("--layout reads back what a program wrote: the same --json, --rank and table") {
  std::ostringstream written;
  hg::write_layout_json<seed>(written);
  const std::string path = temp_file("seed.json", written.str());
  CHECK(inspect_json({"--layout", path, "--json"}) == json::parse(written.str()));
  for (int rank : {0, 3, 5, 7})
    CHECK(inspect_json({"--layout", path, "--rank", std::to_string(rank), "--json"}) ==
          rank_json<seed>(rank));
  // Every output reads the file as it reads the flags.
  for (const args_t& mode : {args_t{}, args_t{"--rank", "6"}, args_t{"--plan"},
                             args_t{"--groups", "language:tp,pp"}}) {
    CAPTURE(mode.empty() ? "table" : mode.front());
    const auto from_file = inspect(args_t{"--layout", path} + mode);
    const auto from_flags = inspect(inspect_args<seed>() + mode);
    CHECK(from_file.exit_code == 0);
    CHECK(from_file.out == from_flags.out);
  }
  // Keys a --module line takes are the whole input; other keys, here nonsense, are ignored.
  const std::string minimal = temp_file(
      "minimal.json",
      R"({"world": 8, "colour": [1], "modules": [{"name": "images", "ranks": 4, "tp": 2,
          "dp": 99, "groups": {"tp": "garbage"}},
         {"name": "language", "ranks": 4, "tp": 2, "pp": 2, "offset": 4, "language": true}]})");
  CHECK(inspect_json({"--layout", minimal, "--json"}) == json::parse(written.str()));
  // A layout that breaks a rule is that rule's error, as from flags.
  const std::string broken = temp_file(
      "broken.json", R"({"world": 8, "modules": [{"name": "lm", "ranks": 8, "tp": 3,
                         "language": true}]})");
  hg::test::check_rejected({"--layout", broken}, "divisible");
}

TEST_CASE("--layout: an expt_tp left out is the library's default, as with --module") {
  const std::string path = temp_file(
      "defaulted.json", R"({"world": 4, "modules": [{"name": "language", "ranks": 4, "tp": 2,
                           "expt_gtp_remat": 4, "language": true}]})");
  const auto from_file = inspect({"--layout", path});
  const std::vector<hg::grid_spec> specs = {
      {.name = "language", .ranks = 4, .tp = 2, .expt_gtp_remat = 4, .language = true}};
  CHECK(from_file.exit_code == 2);
  CHECK(from_file.err ==
        "hetgrid-inspect: " + hg::describe(hg::check_layout(4, specs), 4, specs) + "\n");
  CHECK(from_file.err.find("expt_tp=2, defaulted from tp") != std::string::npos);
  // A typed 0 in the file is a size, as on the command line: positive.
  hg::test::check_rejected(
      {"--layout", temp_file("zero.json", R"({"world": 4, "modules": [{"name": "lm", "ranks": 4,
                                            "tp": 2, "expt_tp": 0, "language": true}]})")},
      "positive");
}

TEST_CASE("--layout: a file that cannot be read or parsed is a usage error, exit 2") {
  const auto file = [](const std::string& name, const std::string& text) {
    return temp_file(name, text);
  };
  const std::string good = file("good.json", R"({"world": 1, "modules": [{"name": "lm",
                                                 "ranks": 1, "language": true}]})");
  const std::vector<args_t> bad = {
      {"--layout", "/nonexistent/hetgrid/layout.json"},
      {"--layout", "/"},  // a directory
      {"--layout", file("empty.json", "")},
      {"--layout", file("cut.json", R"({"world": 8, "modules": [)")},
      {"--layout", file("array.json", "[1, 2]")},
      {"--layout", file("noworld.json", R"({"modules": []})")},
      {"--layout", file("wordworld.json", R"({"world": "8", "modules": []})")},
      {"--layout", file("bigworld.json", R"({"world": 1e12, "modules": []})")},
      {"--layout", file("nomodules.json", R"({"world": 8})")},
      {"--layout", file("objmodules.json", R"({"world": 8, "modules": {"name": "lm"}})")},
      {"--layout", file("noname.json", R"({"world": 1, "modules": [{"ranks": 1}]})")},
      {"--layout", file("numname.json", R"({"world": 1, "modules": [{"name": 7}]})")},
      {"--layout", file("strtp.json", R"({"world": 1, "modules": [{"name": "a", "tp": "2"}]})")},
      {"--layout", file("fractp.json", R"({"world": 1, "modules": [{"name": "a", "tp": 2.5}]})")},
      {"--layout", file("hugetp.json", R"({"world": 1, "modules": [{"name": "a", "tp": 3e9}]})")},
      {"--layout",
       file("bigtp.json", R"({"world": 1, "modules": [{"name": "a", "tp": 4294967297}]})")},
      {"--layout", file("yes.json", R"({"world": 1, "modules": [{"name": "a", "language": 1}]})")},
      {"--layout", good, "--world", "1"},
      {"--layout", good, "--module", "lm:ranks=1,language"},
      {"--layout", good, "--layout", good},
      {"--layout", good, "--rank", "1"},
      {"--layout"},
      {"--layout", ""}};
  for (const args_t& args : bad) {
    CAPTURE(args.size() > 1 ? args[1] : args[0]);
    hg::test::check_rejected(args, "usage");
  }
  // The good file is good: what is rejected above is each file's own fault.
  CHECK(inspect({"--layout", good}).exit_code == 0);
  // A name that cannot be a grid_spec's is the `names` error, as on the command line.
  hg::test::check_rejected(
      {"--layout", file("longname.json", R"({"world": 1, "modules": [{"name": ")" +
                                             std::string(32, 'n') + R"(", "ranks": 1}]})")},
      "names");
}

TEST_CASE("write_rank_text: a rank's part for people, as hetgrid-inspect --rank R prints it") {
  std::ostringstream text;
  hg::write_rank_text<seed>(text, 5);
  const std::string s = text.str();
  CHECK(s.starts_with("rank 5 of 8: language\n"));
  CHECK(s.find("stage   first (pp 0 of 2)") != std::string::npos);
  CHECK(s.find("images") == std::string::npos);  // rank 5 is in no images group
  const auto tool = inspect(inspect_args<seed>() + args_t{"--rank", "5"});
  REQUIRE(tool.exit_code == 0);
  // The tool adds the rank's part in each bridge after the same lines (issue 21, item 5).
  const auto bridges = tool.out.find("\nbridges (");
  REQUIRE(bridges != std::string::npos);
  CHECK(tool.out.substr(0, bridges).ends_with("\n" + s));
  // Colocated: one block per module.
  std::ostringstream both;
  hg::write_rank_text<hg::layouts::solo::topology>(both, 0);
  CHECK(both.str().starts_with("rank 0 of 1: images language\n"));
  CHECK(both.str().find("\nimages (module, ranks 0-0)\n") != std::string::npos);
  CHECK(both.str().find("\nlanguage (language module, ranks 0-0)\n") != std::string::npos);
}

TEST_CASE("the writers are streamed: memory does not grow with the world") {
  // World 2^10 and 2^18 (the latter prints tens of MB): the same bounded heap either way.
  for (const int world : {1 << 10, 1 << 18}) {
    const hg::grid_spec specs[] = {
        {.name = "enc", .ranks = world / 2, .tp = 8},
        {.name = "lm", .ranks = world / 2, .tp = 8, .pp = 4, .offset = world / 2,
         .language = true}};
    const hg::runtime_topology layout(world, specs);
    counting_buffer sink;
    std::ostream out(&sink);
    const long long before = heap_in_use;
    heap_peak = before;
    hg::write_layout_json(out, layout);
    hg::write_rank_json(out, layout, world - 1);
    const long long extra = heap_peak - before;
    MESSAGE("world " << world << ": " << sink.bytes << " bytes written, peak heap "
                     << extra << " bytes");
    CHECK(out.good());
    CHECK(sink.bytes > 20LL * world);  // every rank in every kind's groups
    CHECK(extra < (256 << 10));
  }
}

TEST_CASE("a stream that fails stops the writing at once") {
  const int world = 1 << 20;
  const hg::grid_spec specs[] = {{.name = "lm", .ranks = world, .tp = 8, .language = true}};
  const hg::runtime_topology layout(world, specs);
  counting_buffer full(1000);
  std::ostream out(&full);
  const std::clock_t start = std::clock();
  hg::write_layout_json(out, layout);
  const double cpu_s = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  MESSAGE("a failed stream at world " << world << ": " << cpu_s << " s of CPU");
  CHECK(!out.good());
  CHECK(full.writes == 1);
  // The first chunk failed; writing the rest (about 160 MB of text) takes most of a second.
  CHECK(cpu_s < 0.1);
}
