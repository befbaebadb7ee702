// hetgrid-inspect --svg (tools/inspect/svg_output.hpp): the picture of a layout holds every rank
// once, the pp hand-offs, the bridge from source leaders to destination leaders and the tied
// embedding; the flag writes it to a file, and a file that cannot be written is exit 1 with the
// reason.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <hetgrid/hetgrid.hpp>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_command.hpp"
#include "svg_output.hpp"

namespace hg = hetgrid;

namespace {

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string picture(int world, const std::vector<hg::grid_spec>& specs) {
  REQUIRE(!hg::check_layout(world, specs));
  std::ostringstream out;
  hg::inspect::write_layout_svg(out, world, specs);
  return out.str();
}

// Where each rank's number is drawn (the bold 15-point text at the top of its cell), by rank.
std::map<int, std::pair<double, double>> rank_places(const std::string& svg) {
  static const std::regex number(R"re(<text x="([-0-9.e]+)" y="([-0-9.e]+)" font-size="15")re"
                                 R"re([^>]*>([0-9]+)</text>)re");
  std::map<int, std::pair<double, double>> places;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), number); it != std::sregex_iterator();
       ++it)
    places[std::stoi((*it)[3])] = {std::stod((*it)[1]), std::stod((*it)[2])};
  return places;
}

// Every rank of the layout is drawn, and no two cells of one panel overlap: two numbers are at
// least a cell apart across or down. Modules over the same ranks (colocated) are left out.
void check_apart(const std::string& svg, int world) {
  const auto places = rank_places(svg);
  CHECK(static_cast<int>(places.size()) == world);
  namespace svg_box = hg::inspect::detail::svg;
  for (const auto& [a, pa] : places)
    for (const auto& [b, pb] : places) {
      if (a >= b) continue;
      CAPTURE(a);
      CAPTURE(b);
      CHECK((std::abs(pa.first - pb.first) >= svg_box::cell_w ||
             std::abs(pa.second - pb.second) >= svg_box::cell_h));
    }
}

const std::vector<hg::grid_spec> seed = {
    hg::grid_spec{.name = "images", .ranks = 4, .tp = 2},
    hg::grid_spec{.name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}};

}  // namespace

TEST_CASE("seed layout: ranks, pp hand-offs, the bridge, the embedding") {
  const std::string svg = picture(8, seed);
  CHECK(svg.starts_with("<svg "));
  CHECK(svg.ends_with("</svg>\n"));
  CHECK(count(svg, "<text") == count(svg, "</text>"));
  for (int r = 0; r < 8; ++r)  // each rank's number, bold, once
    CHECK(count(svg, "font-weight=\"bold\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-opacity="
                     "\"0.8\" paint-order=\"stroke\">" + std::to_string(r) + "</text>") == 1);
  CHECK(count(svg, "url(#bridge)") == 2 + 1);  // two source leaders into rank 4, and the legend
  CHECK(count(svg, "url(#pp)") == 1 + 1);      // language stage 0 -> 1, and the legend
  CHECK(count(svg, "fill=\"#7b3fa0\"") == 4 + 1);  // embd ranks 4-7, and the legend
  CHECK(count(svg, "stroke=\"#222222\" stroke-width=\"3\"") == 3);  // leaders 0, 2 and 4
  CHECK(count(svg, "fan-in 2 -&gt; 1 leaders") == 1);
  CHECK(count(svg, "part 1/2") == 1);
  CHECK(count(svg, "part 2/2") == 1);
}

TEST_CASE("three modules, one whose leaders do not divide the language module's") {
  const std::vector<hg::grid_spec> specs = {
      hg::grid_spec{.name = "vision", .ranks = 8, .tp = 2, .cp = 2},  // dp 2
      hg::grid_spec{.name = "audio", .ranks = 3, .offset = 8},         // dp 3
      hg::grid_spec{.name = "lm", .ranks = 4, .pp = 2, .offset = 11, .language = true}};  // dp 2
  const std::string svg = picture(15, specs);
  CHECK(count(svg, "url(#bridge)") == 2 + 1);  // vision's two leaders; audio has no bridge
  CHECK(count(svg, "no bridge audio -&gt; lm: leader counts 3 and 2 do not divide") == 1);
  CHECK(count(svg, "tp1 cp1") == 2);  // cp shown where it is > 1
  CHECK(count(svg, "(language module)") == 1);
}

TEST_CASE("gtp_remat: every rank has a place of its own, and every dim is shown") {
  // hetgrid-inspect --world 4 --module language:ranks=4,gtp_remat=2,tp=2,language drew rank 2
  // on rank 0 and rank 3 on rank 1: cells were placed by tp and cp only.
  const std::string lm = picture(4, {hg::grid_spec{.name = "language", .ranks = 4, .tp = 2,
                                                    .gtp_remat = 2, .language = true}});
  check_apart(lm, 4);
  CHECK(count(lm, "tp=2 gtp_remat=2 cp=1 dp=1 pp=1") == 1);
  CHECK(count(lm, "tp1 gtp_remat1") == 1);  // rank 3
  // gtp_remat and cp together, pp and dp around them, in two modules.
  const std::vector<hg::grid_spec> both = {
      hg::grid_spec{.name = "vision", .ranks = 16, .tp = 2, .cp = 2, .gtp_remat = 2},  // dp 2
      hg::grid_spec{.name = "lm", .ranks = 16, .tp = 2, .cp = 2, .pp = 2, .gtp_remat = 2,
                    .offset = 16, .language = true}};
  const std::string svg = picture(32, both);
  check_apart(svg, 32);
  CHECK(count(svg, "tp=2 gtp_remat=2 cp=2 dp=2 pp=1") == 1);
  CHECK(count(svg, "tp=2 gtp_remat=2 cp=2 dp=1 pp=2") == 1);
  CHECK(count(svg, "tp1 gtp_remat1 cp1") == 4);  // two in vision (dp 2), two in lm (pp 2)
  // The expert view in each header, its expt_gtp_remat apart from gtp_remat.
  CHECK(count(svg, "expt_tp=2 ep=1 expt_gtp_remat=1 expt_dp=8 pp=1") == 1);
  CHECK(count(svg, "expt_tp=2 ep=1 expt_gtp_remat=1 expt_dp=4 pp=2") == 1);
  // The legend names the dims inside a dashed box.
  CHECK(count(svg, "tp-gtp_remat-cp group") == 1);
}

TEST_CASE("colocated: one panel per module over the same ranks") {
  const std::vector<hg::grid_spec> specs = {
      hg::grid_spec{.name = "images", .ranks = 2},
      hg::grid_spec{.name = "language", .ranks = 2, .tp = 2, .language = true}};
  const std::string svg = picture(2, specs);
  CHECK(count(svg, "colocated: every module spans all 2 ranks") == 1);
  CHECK(count(svg, "url(#bridge)") == 2 + 1);  // images dp 2 -> language dp 1
}

TEST_CASE("hetgrid-inspect --svg writes the file; an unwritable one is exit 1 with the reason") {
  const std::string file = "test_svg_output_seed.svg";
  std::remove(file.c_str());
  const std::vector<std::string> args = {"--world", "8", "--module", "images:ranks=4,tp=2",
                                         "--module", "language:ranks=4,tp=2,pp=2,offset=4,language",
                                         "--svg", file};
  const hetgrid::test::command_result r = hetgrid::test::run_command(HETGRID_INSPECT, args);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  std::ifstream in(file);
  std::stringstream written;
  written << in.rdbuf();
  CHECK(written.str() == picture(8, seed));

  // A file that cannot be opened, and one that cannot be written (a full disk): exit 1, the file
  // and the system's reason on one line, nothing on stdout (the picture is written first).
  using unwritable = std::pair<const char*, const char*>;  // the path, the system's reason
  for (const auto& [path, why] :
       {unwritable{"/nonexistent-dir/seed.svg", "No such file or directory"},
        unwritable{"/dev/full", "No space left on device"}}) {
    CAPTURE(path);
    std::vector<std::string> bad = args;
    bad.back() = path;
    const hetgrid::test::command_result b = hetgrid::test::run_command(HETGRID_INSPECT, bad);
    CHECK(b.exit_code == 1);
    CHECK(b.out.empty());
    CHECK(hetgrid::test::line_count(b.err) == 1);
    CHECK(b.err == "hetgrid-inspect: output: cannot write the --svg file '" + std::string(path) +
                       "': " + why + "\n");
    bad.push_back("--json");  // in every mode
    CHECK(hetgrid::test::run_command(HETGRID_INSPECT, bad).exit_code == 1);
  }
}

// issue 21, item 5: a thousand ranks stay a picture: one replica drawn for many, every module
// named, and the expert groups tagged.
TEST_CASE("world 1280: replicas aggregated, under 200 KB, every module named") {
  const std::vector<hg::grid_spec> specs = {
      hg::grid_spec{.name = "images", .ranks = 256, .tp = 4},  // dp 64
      hg::grid_spec{.name = "language", .ranks = 1024, .tp = 8, .pp = 4, .ep = 4, .offset = 256,
                    .language = true}};  // dp 32, expt_tp 8, expt_dp 8
  const std::string svg = picture(1280, specs);
  CHECK(svg.size() < 200 * 1024);
  CHECK(svg.ends_with("</svg>\n"));
  CHECK(count(svg, ">images</text>") == 1);
  CHECK(count(svg, ">language</text>") == 1);
  CHECK(count(svg, "replica 0 of 64 drawn: replica d is these ranks + 4 x d") == 1);
  CHECK(count(svg, "replica 0 of 32 drawn: replica d is these ranks + 8 x d") == 1);
  // Replica 0 alone: images 0-3, language's tp group at each of its 4 stages.
  const auto places = rank_places(svg);
  CHECK(places.size() == 4 + 8 * 4);
  CHECK(places.count(3) == 1);
  CHECK(places.count(4) == 0);
  CHECK(places.count(256 + 3 * 256 + 7) == 1);  // the last stage of replica 0
  // The bridge's arrows between the drawn replicas only: images' replica 0 into language's.
  CHECK(count(svg, "url(#bridge)") == 1 + 1);
  CHECK(count(svg, "fan-in 64 -&gt; 32 leaders") == 1);
  // ep = 4 over expt_tp = 8: language's ranks tagged by their ep coordinate; images has none.
  CHECK(count(svg, "(corner tag: ep coordinate)") == 1);
  CHECK(count(svg, ">ep0</text>") == 32);  // replica 0 (8 ranks a stage) is expt_tp 0-7 of ep 0
}

TEST_CASE("expert groups: each rank of an ep > 1 module carries its ep coordinate") {
  const std::string svg = picture(8, {hg::grid_spec{.name = "language", .ranks = 8, .tp = 2,
                                                    .ep = 2, .expt_tp = 1, .language = true}});
  // dp 4 (all drawn); expert view expt_tp 1, ep 2, expt_dp 4: ep = rank % 2.
  CHECK(count(svg, ">ep0</text>") == 4);
  CHECK(count(svg, ">ep1</text>") == 4);
  check_apart(svg, 8);
}
