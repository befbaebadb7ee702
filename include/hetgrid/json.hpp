// hetgrid/json.hpp: a layout as data (docs/CONTRACT.md section 6; the JSON of section 5), written
// by the program that compiled it:
//   hetgrid::write_layout_json<mimo>(std::cout);      // what `hetgrid-inspect --json` prints
//   hetgrid::write_rank_json<mimo>(std::cout, rank);  // what `--rank R --json` prints
// `hetgrid-inspect --layout FILE` reads the first back. Both are streamed in bounded chunks: the
// memory they take does not grow with the world. hetgrid-inspect prints its JSON with these too.
// The stream's state says whether everything was written; a failed stream stops the writing.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string_view>

#include "hetgrid/detail/json_writer.hpp"
#include "hetgrid/grid.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/topology_description.hpp"

namespace hetgrid {

namespace detail {

// The module's sizes and a rank's coordinates in the JSON, in the contract's order: the one list
// of them that both writers read.
template <class Owner>
struct json_int_field {
  std::string_view name;
  int Owner::*member;
};
inline constexpr json_int_field<grid> grid_json_fields[] = {
    {"ranks", &grid::ranks},         {"offset", &grid::offset},
    {"tp", &grid::tp},               {"gtp_remat", &grid::gtp_remat},
    {"cp", &grid::cp},               {"pp", &grid::pp},
    {"dp", &grid::dp},               {"ep", &grid::ep},
    {"expt_tp", &grid::expt_tp},     {"expt_gtp_remat", &grid::expt_gtp_remat},
    {"expt_dp", &grid::expt_dp}};
inline constexpr json_int_field<rank_coords> coords_json_fields[] = {
    {"tp", &rank_coords::tp},           {"gtp_remat", &rank_coords::gtp_remat},
    {"cp", &rank_coords::cp},           {"dp", &rank_coords::dp},
    {"pp", &rank_coords::pp},           {"expt_tp", &rank_coords::expt_tp},
    {"ep", &rank_coords::ep},           {"expt_gtp_remat", &rank_coords::expt_gtp_remat},
    {"expt_dp", &rank_coords::expt_dp}};

template <class Owner, std::size_t N>
void write_int_fields(json_writer& js, const json_int_field<Owner> (&fields)[N], const Owner& of) {
  for (std::size_t i = 0; i < N; ++i)
    (i > 0 ? js.raw(",") : js).key(fields[i].name).number(of.*fields[i].member);
}

// One module: its sizes, then every group of each built-in kind and the embeddings (null outside
// the language module), each in the contract's order.
inline void write_module_json(json_writer& js, const grid& g) {
  js.raw("{").key("name").string(g.name()).raw(",").key("language").boolean(g.language);
  js.raw(",");
  write_int_fields(js, grid_json_fields, g);
  js.raw(",").key("groups").raw("{");
  for (const group_kind& kind : builtin_kinds) {
    js.key(to_string(kind)).group_lists(g.group_count(kind), [&](int i) {
      return g.group(kind, i);
    });
    js.raw(",");
  }
  const int pp_groups = g.group_count(group_kind::pp);
  if (g.language) {
    js.key("embd").group_lists(pp_groups, [&](int i) { return g.embd_group_at(i); });
    js.raw(",").key("pos_embd").group_lists(pp_groups, [&](int i) {
      return g.pos_embd_group_at(i);
    });
  } else {
    js.key("embd").raw("null,").key("pos_embd").raw("null");
  }
  js.raw("}}");
}

// What one module gives `rank`: its coordinates, its stage and the one group of each kind that
// holds it. @pre g.contains(rank)
inline void write_module_rank_json(json_writer& js, const grid& g, int rank) {
  js.raw("{").key("name").string(g.name()).raw(",").key("coords").raw("{");
  write_int_fields(js, coords_json_fields, g.coords(rank));
  js.raw("},").key("is_first_stage").boolean(g.is_first_stage(rank));
  js.raw(",").key("is_last_stage").boolean(g.is_last_stage(rank));
  js.raw(",").key("groups").raw("{");
  for (const group_kind& kind : builtin_kinds)
    js.key(to_string(kind)).members(g.group_of(kind, rank)).raw(",");
  const auto member_or_null = [&](const std::optional<rank_group>& group) -> json_writer& {
    return group ? js.members(*group) : js.raw("null");
  };
  js.key("embd");
  member_or_null(g.embd_group(rank)).raw(",").key("pos_embd");
  member_or_null(g.pos_embd_group(rank)).raw("}}");
}

}  // namespace detail

// The whole layout, one line: {"world", "layout", "modules": [...]}. A program's own kinds
// (with_kinds) are not in it: the JSON has the built-in kinds, as hetgrid-inspect prints them.
template <std::size_t M, std::size_t S>
void write_layout_json(std::ostream& out, const topology_description<M, S>& layout) {
  detail::json_writer js(out);
  js.raw("{").key("world").number(layout.world);
  js.raw(",").key("layout").string(to_string(layout.layout));
  js.raw(",").key("modules").raw("[");
  for (int i = 0; i < layout.module_count() && js.ok(); ++i)
    detail::write_module_json(i > 0 ? js.raw(",") : js, layout.grids[i]);
  js.raw("]}\n");
  js.finish();
}

// What one rank does, one line: {"world", "rank", "modules": [one entry per module holding it]}.
// @pre 0 <= rank < layout.world
template <std::size_t M, std::size_t S>
void write_rank_json(std::ostream& out, const topology_description<M, S>& layout, int rank) {
  detail::json_writer js(out);
  js.raw("{").key("world").number(layout.world).raw(",").key("rank").number(rank);
  js.raw(",").key("modules").raw("[");
  bool first = true;
  for (const grid& g : layout.grids) {
    if (!g.contains(rank)) continue;
    detail::write_module_rank_json(first ? js : js.raw(","), g, rank);
    first = false;
  }
  js.raw("]}\n");
  js.finish();
}

// The same for a compile-time topology: write_layout_json<mimo>(std::cout).
template <class Topology>
void write_layout_json(std::ostream& out) {
  write_layout_json(out, Topology::description);
}
template <class Topology>
void write_rank_json(std::ostream& out, int rank) {
  write_rank_json(out, Topology::description, rank);
}

}  // namespace hetgrid
