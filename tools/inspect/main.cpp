// hetgrid-inspect: checks a layout given on the command line and prints its process groups, as a
// table or as the JSON of docs/CONTRACT.md section 5. Exit status 2 and one line on stderr for bad input.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <hetgrid/hetgrid.hpp>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "command_line.hpp"
#include "groups_output.hpp"
#include "json_output.hpp"
#include "svg_output.hpp"
#include "table_output.hpp"
#include "plan_output.hpp"

namespace {

constexpr int exit_bad_input = 2;

// A module name may hold any byte; the error must stay one line.
std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

// `message` starts with its kind word except for the tool's own usage errors.
int fail(const std::string& message) {
  std::cerr << "hetgrid-inspect: " << one_line(message) << std::endl;
  return exit_bad_input;
}

int run(const hetgrid::inspect::request& req) {
  namespace hg = hetgrid;
  if (const hg::layout_error error = hg::check_layout(req.world, req.modules))
    return fail(hg::describe(error, req.world, req.modules));
  const hg::runtime_topology layout(req.world, req.modules);
  std::optional<hg::inspect::groups_query> groups;
  if (req.groups) {
    auto resolved = hg::inspect::resolve_groups(layout, *req.groups);
    if (const auto* message = std::get_if<std::string>(&resolved)) return fail("usage: " + *message);
    groups = std::get<hg::inspect::groups_query>(resolved);
  }
  if (req.svg) {
    std::ofstream picture(*req.svg);
    if (picture) hg::inspect::write_layout_svg(picture, req.world, req.modules);
    if (!picture.flush()) return fail("usage: cannot write the --svg file '" + *req.svg + "'");
  }
  std::ios::sync_with_stdio(false);
  if (groups) {
    hg::inspect::write_groups_json(std::cout, layout, *groups);
  } else if (req.plan) {
    hg::inspect::print_plan(std::cout, layout, req.rank);
  } else if (req.json && req.rank) {
    std::cout << hg::inspect::rank_json(req.world, req.modules, *req.rank)
                     .dump(-1, ' ', false, hg::inspect::json::error_handler_t::replace)
              << "\n";
  } else if (req.json) {
    hg::inspect::write_layout_json(std::cout, req.world, req.modules);
  } else if (req.rank) {
    hg::inspect::print_rank_table(std::cout, req.world, req.modules, *req.rank);
  } else {
    hg::inspect::print_layout_table(std::cout, req.world, req.modules);
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  namespace inspect = hetgrid::inspect;
  const std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  const inspect::parse_result parsed = inspect::parse_command_line(args);
  if (std::holds_alternative<inspect::help_request>(parsed)) {
    std::cout << inspect::usage_text;
    return 0;
  }
  if (const auto* error = std::get_if<inspect::input_error>(&parsed))
    return fail(error->kind + ": " + error->message);
  return run(std::get<inspect::request>(parsed));
}
