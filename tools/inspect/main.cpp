// hetgrid-inspect: checks a layout given on the command line (or in a JSON file, --layout) and
// prints its process groups, as a table or as the JSON of docs/CONTRACT.md section 5. Exit status
// 2 and one line on stderr for bad input; exit status 1 and one line on stderr when the output
// (stdout or the --svg file) cannot be written or memory runs out.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <fstream>
#include <hetgrid/hetgrid.hpp>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "command_line.hpp"
#include "groups_output.hpp"
#include "json_output.hpp"
#include "layout_file.hpp"
#include "layout_rules.hpp"
#include "nodes_option.hpp"
#include "svg_output.hpp"
#include "table_output.hpp"
#include "plan_output.hpp"
#include "clean_text.hpp"

namespace {

namespace hg = hetgrid;

constexpr int exit_bad_input = 2;
constexpr int exit_failed = 1;  // the output could not be written, or memory ran out

// A picture of more ranks than this is no picture: the tool refuses it before drawing.
constexpr long long svg_max_ranks = 65536;

// One line on stderr: `message` (starting with its kind word) in clean_text::printable form, so the
// user's bytes can neither break the line nor reach the terminal as control characters.
int fail(std::string_view message, int status = exit_bad_input) {
  std::cerr << "hetgrid-inspect: " << hg::inspect::clean_text::printable(message) << std::endl;
  return status;
}

std::string reason(int error_number) {
  return error_number != 0 ? std::strerror(error_number) : "write error";
}

int write_failed(int error_number) {
  return fail("output: cannot write to standard output: " + reason(error_number),
              exit_failed);
}

int run(const hg::inspect::request& req) {
  if (const auto broken =
          hg::inspect::check_layout_input(req.world, req.modules, req.typed_zero_expt_tp))
    return fail(broken->message);
  const hg::runtime_topology layout(req.world, req.modules);
  // Placement comes after every rule of the layout (docs/CONTRACT.md section 1, "Placement on
  // nodes").
  std::vector<hg::group_kind> within;
  std::optional<hg::node_placement> nodes;
  if (req.ranks_per_node) {
    auto resolved = hg::inspect::resolve_within(layout, req.within);
    if (const auto* message = std::get_if<std::string>(&resolved))
      return fail("usage: " + *message);
    within = std::get<std::vector<hg::group_kind>>(resolved);
    nodes = hg::node_placement{*req.ranks_per_node, within};
    if (const hg::placement_error e = hg::check_placement(layout.grids, *nodes))
      return fail(hg::describe(e, layout.grids));
  }
  std::optional<hg::inspect::groups_query> groups;
  if (req.groups) {
    auto resolved = hg::inspect::resolve_groups(layout, *req.groups);
    if (const auto* message = std::get_if<std::string>(&resolved))
      return fail("usage: " + *message);
    groups = std::get<hg::inspect::groups_query>(resolved);
  }
  if (req.svg) {
    long long drawn = 0;
    for (const hg::grid_spec& s : req.modules) drawn += s.ranks;
    if (drawn > svg_max_ranks)
      return fail("usage: --svg draws at most " + std::to_string(svg_max_ranks) +
                  " ranks; this layout has " + std::to_string(drawn));
    // Opened, written, flushed and closed: a failure at any step is the file's (exit 1), with
    // the reason the system gave.
    errno = 0;
    std::ofstream picture(*req.svg);
    if (picture) hg::inspect::write_layout_svg(picture, layout, req.ranks_per_node.value_or(0));
    if (picture) picture.flush();
    if (picture) picture.close();
    if (picture.fail())
      return fail("output: cannot write the --svg file '" + *req.svg + "': " + reason(errno),
                  exit_failed);
  }
  if (groups) {
    hg::inspect::write_groups_json(std::cout, layout, *groups);
  } else if (req.plan) {
    hg::inspect::print_plan(std::cout, layout, req.rank, nodes);
  } else if (req.json && req.rank) {
    hg::inspect::write_rank_json(std::cout, layout, *req.rank);
  } else if (req.json) {
    hg::inspect::write_layout_json(std::cout, layout);
  } else if (req.rank) {
    hg::inspect::print_rank_table(std::cout, layout, *req.rank);
  } else {
    hg::inspect::print_layout_table(std::cout, layout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  namespace inspect = hetgrid::inspect;
  std::ios::sync_with_stdio(false);
  try {
    const std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    const inspect::parse_result parsed = inspect::parse_command_line(args);
    if (const auto* error = std::get_if<inspect::input_error>(&parsed))
      return fail(error->kind + ": " + error->message);
    int status = 0;
    if (std::holds_alternative<inspect::help_request>(parsed)) {
      std::cout << inspect::usage_text;
    } else {
      inspect::request req = std::get<inspect::request>(parsed);
      if (req.layout_file)
        if (const auto error = inspect::load_layout_file(req))
          return fail(error->kind + ": " + error->message);
      status = run(req);
    }
    if (status != 0) return status;
    std::cout.flush();
    inspect::check_written(std::cout);
    return 0;
  } catch (const inspect::write_error& e) {
    return write_failed(e.error_number());
  } catch (const std::bad_alloc&) {
    // Written without allocating: the memory that ran out is freed by now, but need not be.
    std::fputs("hetgrid-inspect: memory: out of memory\n", stderr);
    return exit_failed;
  }
}
