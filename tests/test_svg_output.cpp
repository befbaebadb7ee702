// hetgrid-inspect --svg (tools/inspect/svg_output.hpp): the picture of a layout holds every rank
// once, the pp hand-offs, the bridge from source leaders to destination leaders and the tied
// embedding; the flag writes it to a file, and a file that cannot be written is a usage error.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <hetgrid/hetgrid.hpp>
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

TEST_CASE("colocated: one panel per module over the same ranks") {
  const std::vector<hg::grid_spec> specs = {
      hg::grid_spec{.name = "images", .ranks = 2},
      hg::grid_spec{.name = "language", .ranks = 2, .tp = 2, .language = true}};
  const std::string svg = picture(2, specs);
  CHECK(count(svg, "colocated: every module spans all 2 ranks") == 1);
  CHECK(count(svg, "url(#bridge)") == 2 + 1);  // images dp 2 -> language dp 1
}

TEST_CASE("hetgrid-inspect --svg writes the file; an unwritable one is a usage error") {
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

  std::vector<std::string> bad = args;
  bad.back() = "/nonexistent-dir/seed.svg";
  const hetgrid::test::command_result b = hetgrid::test::run_command(HETGRID_INSPECT, bad);
  CHECK(b.exit_code == 2);
  CHECK(b.out.empty());
  CHECK(hetgrid::test::line_count(b.err) == 1);
  CHECK(b.err.starts_with("hetgrid-inspect: usage: cannot write the --svg file"));
}
