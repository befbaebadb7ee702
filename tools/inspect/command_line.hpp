// tools/inspect/command_line.hpp: hetgrid-inspect's command line (docs/CONTRACT.md section 5) read
// into a request. Only the syntax is checked here; the layout rules are hetgrid::check_layout's.
#pragma once

#include <algorithm>
#include <cli_args.hpp>
#include <cstddef>
#include <hetgrid/hetgrid.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "clean_text.hpp"

namespace hetgrid::inspect {

inline constexpr std::string_view usage_text =
    "usage: hetgrid-inspect --world W --module NAME:key=value,... [--module ...] [--json] "
    "[--rank R] [--svg FILE] [--plan] [--groups MODULE:DIM,...]\n"
    "       [--ranks-per-node N [--within KIND,...]]\n"
    "       hetgrid-inspect --layout FILE [--json] [--rank R] [--svg FILE] [--plan] "
    "[--groups ...]\n"
    "\n"
    "Checks a layout of modules against the rules of hetgrid and prints its process groups.\n"
    "\n"
    "  --world W          number of ranks in the job\n"
    "  --module SPEC      one module, NAME:key=value,... with keys ranks, tp, gtp_remat, cp,\n"
    "                     pp, ep, expt_tp, expt_gtp_remat, offset and the bare word language;\n"
    "                     a key left out takes its default (expt_tp: tp; offset: 0; others 1)\n"
    "  --layout FILE      read the layout from a JSON file instead of --world and --module:\n"
    "                     {\"world\": W, \"modules\": [{\"name\": ..., the keys above,\n"
    "                     \"language\": true}]}; what --json prints is such a file (its other\n"
    "                     keys are ignored)\n"
    "  --json             print JSON instead of a table\n"
    "  --rank R           print what rank R does instead of the whole layout\n"
    "  --svg FILE         also draw the layout as a picture into FILE (SVG)\n"
    "  --plan             print the split plan: classes, rounds, and each rank's groups and\n"
    "                     distinct communicators (with --rank R: that rank's)\n"
    "  --groups M:D,...   print the groups of module M over dims D of one view (JSON), as\n"
    "                     HyperCommGrid.get_rank_enum; base dims tp, gtp_remat, cp, dp, pp;\n"
    "                     expert dims expt_tp, ep, expt_gtp_remat, expt_dp, pp\n"
    "  --ranks-per-node N check that no group of a within-node kind crosses a node boundary,\n"
    "                     node k holding ranks [k*N, (k+1)*N) (the placement rule); with\n"
    "                     --plan, say which classes of groups cross nodes; with --svg, draw\n"
    "                     the nodes\n"
    "  --within K,...     the kinds kept inside a node (default tp,expt_tp)\n"
    "  --help             print this text\n"
    "\n"
    "example: hetgrid-inspect --world 8 --module images:ranks=4,tp=2 \\\n"
    "           --module language:ranks=4,tp=2,pp=2,offset=4,language\n"
    "\n"
    "Exit status 0: printed; 2: a malformed command line or a broken layout rule, told in one\n"
    "line on stderr: 'hetgrid-inspect: KIND: message'; 1: the output could not be written.\n"
    "A module name is UTF-8 text of at most 31 bytes; tables, errors and pictures print a\n"
    "backslash as \\\\ and each byte of a control or invisible character (bidi controls,\n"
    "zero-width characters, the soft hyphen, U+2028 ...) as \\xNN; JSON writes those as \\uXXXX.\n";

// The keys above are spec_fields' names and the dims HETGRID_DIMS': a field or a dim added and
// not to this text stops the build here.
static_assert([] {
  for (const spec_field& f : spec_fields)
    if (usage_text.find(f.name) == std::string_view::npos) return false;
  for (const module_dim& d : module_dims)
    if (usage_text.find(d.name()) == std::string_view::npos) return false;
  return true;
}(), "usage_text: every field of grid_spec (spec_fields) and every dim (module_dims) is named");

// What the user asked for.
struct request {
  int world = 0;
  // Each module as given. An expt_tp left out stays 0, grid_spec's "as tp", so that the
  // library's messages say it was defaulted from tp; a typed expt_tp=0 is listed apart.
  std::vector<grid_spec> modules;
  // The indices of the modules where the user typed expt_tp=0: a size that breaks `positive`
  // (layout_rules.hpp), not the default.
  std::vector<std::size_t> typed_zero_expt_tp;
  bool json = false;
  std::optional<int> rank;
  std::optional<std::string> svg;     // a file to draw the layout into
  std::optional<std::string> groups;  // --groups MODULE:DIM,...
  bool plan = false;                  // --plan
  std::optional<int> ranks_per_node;  // --ranks-per-node N, N >= 1
  std::optional<std::string> within;  // --within KIND,... (resolved against the layout)
  // --layout FILE: world and modules are read from it (layout_file.hpp) after the command line.
  std::optional<std::string> layout_file;
};

// A command line that cannot be read: `kind` is "usage", or the layout rule a field alone breaks
// before it can even be stored (a name too long for grid_spec: "names").
struct input_error {
  std::string kind;
  std::string message;
};

struct help_request {};

using parse_result = std::variant<request, input_error, help_request>;

namespace detail {

inline input_error usage(std::string message) { return {"usage", std::move(message)}; }

// The int field of grid_spec that a key sets; nullptr for a key that is not one.
inline int* int_field(grid_spec& spec, std::string_view key) {
  const spec_field* f = spec_field_named(key);
  return f ? &(spec.*f->member) : nullptr;
}

// One `key=value` or the bare word `language` of a module's list. @post `seen` holds the key
inline std::optional<input_error> apply_field(grid_spec& spec, std::string_view item,
                                              std::vector<std::string>& seen,
                                              std::string_view module_text) {
  const std::size_t eq = item.find('=');
  const std::string_view key = item.substr(0, eq);
  const std::string where = " in --module '" + std::string(module_text) + "'";
  if (key.empty()) return usage("empty key" + where);
  for (const auto& k : seen)
    if (k == key) return usage("key '" + std::string(key) + "' given twice" + where);
  seen.emplace_back(key);
  if (key == "language") {
    if (eq != std::string_view::npos) return usage("language is a bare word, without '='" + where);
    spec.language = true;
    return std::nullopt;
  }
  int* field = int_field(spec, key);
  if (field == nullptr) return usage("unknown key '" + std::string(key) + "'" + where);
  if (eq == std::string_view::npos)
    return usage("key '" + std::string(key) + "' needs a value" + where);
  const auto value = cli::parse_whole_number<int>(item.substr(eq + 1));
  if (!value)
    return usage("value of '" + std::string(key) + "' is not an integer: '" +
                 std::string(item.substr(eq + 1)) + "'" + where);
  *field = *value;
  return std::nullopt;
}

// A spec with this name and every other field at its default; a name that cannot be one is the
// `names` error.
inline std::variant<grid_spec, input_error> spec_named(std::string_view name) {
  if (name.size() > static_cast<std::size_t>(max_name_length))
    return input_error{"names", "a module name must be at most " + std::to_string(max_name_length) +
                                    " bytes; '" + std::string(name) + "' has " +
                                    std::to_string(name.size())};
  if (!clean_text::is_utf8(name))
    return input_error{"names", "a module name must be UTF-8 text; '" + std::string(name) +
                                    "' is not"};
  grid_spec spec;
  name.copy(spec.name, name.size());
  return spec;
}

// --rank R names a rank of the world. @pre req.world is known
inline std::optional<input_error> check_rank(const request& req) {
  if (req.rank && (*req.rank < 0 || *req.rank >= req.world))
    return usage("--rank " + std::to_string(*req.rank) + " is outside [0, " +
                 std::to_string(req.world) + ")");
  return std::nullopt;
}

// One module as read: its spec, and whether expt_tp=0 was typed (the spec cannot say it).
struct module_input {
  grid_spec spec;
  bool typed_zero_expt_tp = false;
};

// NAME:key=value,... -> a grid_spec, every key left out at its default (expt_tp: 0, "as tp").
inline std::variant<module_input, input_error> parse_module(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos)
    return usage("--module '" + std::string(text) + "' is not NAME:key=value,...");
  auto named = spec_named(text.substr(0, colon));
  if (auto* error = std::get_if<input_error>(&named)) return *error;
  grid_spec spec = std::get<grid_spec>(named);
  std::vector<std::string> seen;
  std::string_view rest = text.substr(colon + 1);
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    if (auto error = apply_field(spec, item, seen, text)) return *error;
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
    if (rest.empty()) return usage("trailing ',' in --module '" + std::string(text) + "'");
  }
  const bool given = std::find(seen.begin(), seen.end(), "expt_tp") != seen.end();
  return module_input{spec, given && spec.expt_tp == 0};
}

// Appends a module read from the command line or a --layout file.
inline void add_module(request& req, const module_input& module) {
  if (module.typed_zero_expt_tp) req.typed_zero_expt_tp.push_back(req.modules.size());
  req.modules.push_back(module.spec);
}

}  // namespace detail

// Reads argv[1..]: flags in any order, each value as the next argument or after '='.
inline parse_result parse_command_line(const std::vector<std::string_view>& args) {
  request req;
  bool world_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const cli::flag_argument split = cli::split_flag(args[i]);
    const std::string_view flag = split.flag;
    const std::optional<std::string_view> inline_value = split.value;
    const auto value = [&]() -> std::optional<std::string_view> {
      if (inline_value) return inline_value;
      if (i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    if (flag == "--help" || flag == "-h") return help_request{};
    if (flag == "--json" || flag == "--rank" || flag == "--world" || flag == "--module" ||
        flag == "--svg" || flag == "--groups" || flag == "--plan" || flag == "--layout" ||
        flag == "--ranks-per-node" || flag == "--within") {
      if (flag == "--json" || flag == "--plan") {
        if (inline_value) return detail::usage(std::string(flag) + " takes no value");
        (flag == "--json" ? req.json : req.plan) = true;
        continue;
      }
      const auto text = value();
      if (!text) return detail::usage(std::string(flag) + " needs a value");
      if (flag == "--svg") {
        if (req.svg) return detail::usage("--svg given twice");
        if (text->empty()) return detail::usage("--svg needs a file name");
        req.svg = std::string(*text);
        continue;
      }
      if (flag == "--layout") {
        if (req.layout_file) return detail::usage("--layout given twice");
        if (text->empty()) return detail::usage("--layout needs a file name");
        req.layout_file = std::string(*text);
        continue;
      }
      if (flag == "--within") {
        if (req.within) return detail::usage("--within given twice");
        if (text->empty()) return detail::usage("--within needs KIND,KIND,...");
        req.within = std::string(*text);
        continue;
      }
      if (flag == "--groups") {
        if (req.groups) return detail::usage("--groups given twice");
        req.groups = std::string(*text);
        continue;
      }
      if (flag == "--module") {
        auto module = detail::parse_module(*text);
        if (auto* error = std::get_if<input_error>(&module)) return *error;
        detail::add_module(req, std::get<detail::module_input>(module));
        continue;
      }
      const auto number = cli::parse_whole_number<int>(*text);
      if (!number)
        return detail::usage(std::string(flag) + " needs an integer, not '" + std::string(*text) +
                             "'");
      if (flag == "--world") {
        if (world_given) return detail::usage("--world given twice");
        world_given = true;
        req.world = *number;
      } else if (flag == "--ranks-per-node") {
        if (req.ranks_per_node) return detail::usage("--ranks-per-node given twice");
        if (*number < 1)
          return detail::usage("--ranks-per-node needs a number >= 1, not " +
                               std::to_string(*number));
        req.ranks_per_node = *number;
      } else {
        if (req.rank) return detail::usage("--rank given twice");
        req.rank = *number;
      }
      continue;
    }
    return detail::usage("unknown argument '" + std::string(args[i]) + "'");
  }
  if (req.layout_file && (world_given || !req.modules.empty()))
    return detail::usage("--layout gives the world and the modules: no --world or --module");
  if (!req.layout_file && !world_given) return detail::usage("--world is required");
  if (!req.layout_file && req.modules.empty())
    return detail::usage("at least one --module is required");
  if (req.within && !req.ranks_per_node)
    return detail::usage("--within needs --ranks-per-node");
  if (req.groups && (req.plan || req.rank || req.json || req.svg))
    return detail::usage("--groups prints JSON on its own: no --plan, --rank, --json or --svg");
  if (req.plan && (req.json || req.svg))
    return detail::usage("--plan prints a table on its own: no --json or --svg");
  // With --layout the world is not known yet: load_layout_file checks --rank.
  if (!req.layout_file) {
    if (auto error = detail::check_rank(req)) return *error;
  }
  return req;
}

}  // namespace hetgrid::inspect
