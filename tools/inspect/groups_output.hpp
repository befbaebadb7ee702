// tools/inspect/groups_output.hpp: `--groups MODULE:DIM,...` (docs/CONTRACT.md section 5): the
// groups over any dims of one view, as HyperCommGrid.get_rank_enum(dims) gives them, streamed.
#pragma once

#include <hetgrid/hetgrid.hpp>
#include <hetgrid/runtime_topology.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "json_output.hpp"

namespace hetgrid::inspect {

// What --groups asks for, resolved against the layout.
struct groups_query {
  int module = -1;
  group_kind kind;  // a kind over the asked dims, in their view
};

// "tp, gtp_remat, cp, dp, pp": a view's dims, fastest first (its padding has no name).
inline std::string dim_names_text(view v) {
  std::string text;
  for (std::string_view dim : dims_of(v))
    if (!dim.empty()) text.append(text.empty() ? "" : ", ").append(dim);
  return text;
}

// MODULE:DIM,DIM,... -> the module's index and a kind over those dims; a message (usage) where
// the module does not exist, a dim is of no view, given twice, or the dims mix both views.
inline std::variant<groups_query, std::string> resolve_groups(const runtime_topology& layout,
                                                              std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos)
    return std::string("--groups needs MODULE:DIM,DIM,...");
  const std::string_view name = text.substr(0, colon);
  groups_query query;
  query.module = layout.module_index(name);
  if (query.module < 0) return "--groups: no module is named '" + std::string(name) + "'";
  std::vector<std::string_view> dims;
  for (std::string_view rest = text.substr(colon + 1);;) {
    const std::size_t comma = rest.find(',');
    dims.push_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  const dims_reading reading = read_dims(dims);
  switch (reading.problem) {
    case dims_problem::unknown_dim:
      return "--groups: '" + std::string(reading.culprit) + "' is a dim of no view (base: " +
             dim_names_text(view::base) + "; expert: " + dim_names_text(view::expert) + ")";
    case dims_problem::views_mixed:
      return std::string("--groups: the dims mix the base and the expert view");
    case dims_problem::dim_twice:
      return "--groups: dim '" + std::string(reading.culprit) + "' is given twice";
    case dims_problem::none: break;
  }
  std::string("groups").copy(query.kind.name, max_kind_name_length);
  query.kind.in_view = reading.in_view;
  query.kind.dims = reading.dims;
  return query;
}

// {"module": ..., "view": ..., "dims": [in view order], "groups": [[...], ...]}
inline void write_groups_json(std::ostream& out, const runtime_topology& layout,
                              const groups_query& query) {
  const grid& g = layout.grids[query.module];
  ::hetgrid::detail::json_writer js(out);
  js.raw("{").key("module").string(g.name());
  js.raw(",").key("view").string(to_string(query.kind.in_view));
  js.raw(",").key("dims").raw("[");
  const dim_list names = dim_names(query.kind.in_view, query.kind.dims);
  for (int i = 0; i < names.count; ++i) (i > 0 ? js.raw(",") : js).string(names.names[i]);
  js.raw("],").key("groups").group_lists(g.group_count(query.kind),
                                          [&](int i) { return g.group(query.kind, i); });
  js.raw("}\n");
  js.finish();
  check_written(out);
}

}  // namespace hetgrid::inspect
