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

#include "hetgrid/const_span.hpp"
#include "hetgrid/detail/json_writer.hpp"
#include "hetgrid/grid.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/topology_description.hpp"

namespace hetgrid {

namespace detail {

// One module: its span, its sizes (every dim once: module_dims), then every group of each slot
// of the layout (null where the module has none: the embeddings outside the language module),
// each in the contract's order.
inline void write_module_json(json_writer& js, const grid& g, const_span<group_kind> slots) {
  js.raw("{").key("name").string(g.name()).raw(",").key("language").boolean(g.language);
  js.raw(",").key("ranks").number(g.ranks).raw(",").key("offset").number(g.offset);
  for (const module_dim& d : module_dims) js.raw(",").key(d.name()).number(g.size_of(d));
  js.raw(",").key("groups").raw("{");
  for (std::size_t s = 0; s < slots.size(); ++s) {
    const group_kind& kind = slots[s];
    (s > 0 ? js.raw(",") : js).key(to_string(kind));
    if (!g.has(kind)) {
      js.raw("null");
      continue;
    }
    js.group_lists(g.group_count(kind), [&](int i) { return g.group(kind, i); });
  }
  js.raw("}}");
}

// What one module gives `rank`: its coordinates, its stage and the one group of each slot that
// holds it (null where none does). @pre g.contains(rank)
inline void write_module_rank_json(json_writer& js, const grid& g,
                                   const_span<group_kind> slots, int rank) {
  const rank_coords c = g.coords(rank);
  js.raw("{").key("name").string(g.name()).raw(",").key("coords").raw("{");
  for (std::size_t i = 0; i < module_dims.size(); ++i)
    (i > 0 ? js.raw(",") : js).key(module_dims[i].name()).number(c.at(module_dims[i]));
  js.raw("},").key("is_first_stage").boolean(g.is_first_stage(rank));
  js.raw(",").key("is_last_stage").boolean(g.is_last_stage(rank));
  js.raw(",").key("groups").raw("{");
  for (std::size_t s = 0; s < slots.size(); ++s) {
    (s > 0 ? js.raw(",") : js).key(to_string(slots[s]));
    const std::optional<rank_group> group = g.slot_group(slots[s], rank);
    group ? js.members(*group) : js.raw("null");
  }
  js.raw("}}");
}

}  // namespace detail

// The whole layout, one line: {"world", "layout", "modules": [...]}, every slot of the layout
// in it (a program's own kinds after the embeddings).
template <std::size_t M, std::size_t S>
void write_layout_json(std::ostream& out, const topology_description<M, S>& layout) {
  detail::json_writer js(out);
  js.raw("{").key("world").number(layout.world);
  js.raw(",").key("layout").string(to_string(layout.kind));
  js.raw(",").key("modules").raw("[");
  for (int i = 0; i < layout.module_count() && js.ok(); ++i)
    detail::write_module_json(i > 0 ? js.raw(",") : js, layout.grids[i], layout.slots);
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
    detail::write_module_rank_json(first ? js : js.raw(","), g, layout.slots, rank);
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
