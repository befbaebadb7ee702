// tools/inspect/json_output.hpp: the two JSON shapes of docs/CONTRACT.md section 5, the whole
// layout and one rank. Every group comes from hetgrid::grid. Both are streamed: the whole layout
// lists every rank once per group kind, and one rank's groups can hold most of the world (its dp
// group at tp=8 holds world/8 ranks), so time is linear in the output and memory stays constant.
#pragma once

#include <cerrno>
#include <charconv>
#include <hetgrid/hetgrid.hpp>
#include <hetgrid/runtime_topology.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "clean_text.hpp"

namespace hetgrid::inspect {

// The output stream refused a write (a full disk, a closed pipe): main reports it and exits 1.
class write_error : public std::runtime_error {
 public:
  explicit write_error(int error_number)
      : std::runtime_error("cannot write the output"), error_number_(error_number) {}
  int error_number() const noexcept { return error_number_; }

 private:
  int error_number_;
};

// Throws write_error once `out` has failed; called after each chunk, so a failed write stops the
// output at once instead of computing the rest of it.
inline void check_written(std::ostream& out) {
  if (!out) throw write_error(errno);
}

// Keys in the contract's order, so that the text reads like docs/CONTRACT.md (comparisons parse
// it anyway).
using json = nlohmann::ordered_json;

namespace detail {

// Compact JSON text written in chunks to a stream; strings are escaped by nlohmann. Call
// finish() at the end: it writes the rest and throws write_error if any write failed.
class json_stream {
 public:
  explicit json_stream(std::ostream& out) : out_(out) {}
  ~json_stream() = default;
  json_stream(const json_stream&) = delete;
  json_stream& operator=(const json_stream&) = delete;

  json_stream& raw(std::string_view text) {
    buffer_ += text;
    if (buffer_.size() >= chunk) flush();
    return *this;
  }
  json_stream& number(int value) {
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    return raw(std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
  // Names are UTF-8 (command_line.hpp checks it; clean_text.hpp says why); should one not be, its
  // bad bytes print as U+FFFD rather than throw. Hidden characters print as \u escapes.
  json_stream& string(std::string_view text) {
    return raw(clean_text::json_escape_hidden(
        json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace)));
  }
  json_stream& key(std::string_view name) { return string(name).raw(":"); }
  json_stream& boolean(bool value) { return raw(value ? "true" : "false"); }

  json_stream& members(const rank_group& group) {
    raw("[");
    for (int i = 0; i < group.size(); ++i) (i > 0 ? raw(",") : *this).number(group[i]);
    return raw("]");
  }
  // `count` groups, group_at(i) the i-th.
  template <class GroupAt>
  json_stream& group_lists(int count, GroupAt group_at) {
    raw("[");
    for (int i = 0; i < count; ++i) (i > 0 ? raw(",") : *this).members(group_at(i));
    return raw("]");
  }

  void flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    check_written(out_);
  }
  void finish() {
    flush();
    out_.flush();
    check_written(out_);
  }

 private:
  static constexpr std::size_t chunk = 1 << 16;
  std::ostream& out_;
  std::string buffer_;
};

inline void write_module(json_stream& js, const grid& g) {
  js.raw("{").key("name").string(g.name()).raw(",").key("language").boolean(g.language);
  const std::pair<const char*, int> fields[] = {
      {"ranks", g.ranks},         {"offset", g.offset},   {"tp", g.tp},
      {"gtp_remat", g.gtp_remat}, {"cp", g.cp},           {"pp", g.pp},
      {"dp", g.dp},               {"ep", g.ep},           {"expt_tp", g.expt_tp},
      {"expt_gtp_remat", g.expt_gtp_remat}, {"expt_dp", g.expt_dp}};
  for (const auto& [name, value] : fields) js.raw(",").key(name).number(value);
  js.raw(",").key("groups").raw("{");
  for (group_kind kind : all_group_kinds) {
    js.key(to_string(kind)).group_lists(g.group_count(kind), [&](int i) {
      return g.group(kind, i);
    });
    js.raw(",");
  }
  // The language module's embedding groups, one per pp group in pp-group order; null elsewhere.
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

// What one module gives `rank`: its coordinates, stage and the one group of each kind that holds
// it. @pre g.contains(rank)
inline void write_module_rank(json_stream& js, const grid& g, int rank) {
  const rank_coords c = g.coords(rank);
  js.raw("{").key("name").string(g.name()).raw(",").key("coords").raw("{");
  const std::pair<const char*, int> coords[] = {
      {"tp", c.tp},           {"gtp_remat", c.gtp_remat}, {"cp", c.cp},
      {"dp", c.dp},           {"pp", c.pp},               {"expt_tp", c.expt_tp},
      {"ep", c.ep},           {"expt_gtp_remat", c.expt_gtp_remat}, {"expt_dp", c.expt_dp}};
  for (std::size_t i = 0; i < std::size(coords); ++i)
    (i > 0 ? js.raw(",") : js).key(coords[i].first).number(coords[i].second);
  js.raw("},").key("is_first_stage").boolean(g.is_first_stage(rank));
  js.raw(",").key("is_last_stage").boolean(g.is_last_stage(rank));
  js.raw(",").key("groups").raw("{");
  for (group_kind kind : all_group_kinds)
    js.key(to_string(kind)).members(g.group_of(kind, rank)).raw(",");
  const auto member_or_null = [&](const std::optional<rank_group>& group) -> json_stream& {
    return group ? js.members(*group) : js.raw("null");
  };
  js.key("embd");
  member_or_null(g.embd_group(rank)).raw(",").key("pos_embd");
  member_or_null(g.pos_embd_group(rank)).raw("}}");
}

}  // namespace detail

// The whole layout, one line.
inline void write_layout_json(std::ostream& out, const runtime_topology& layout) {
  detail::json_stream js(out);
  js.raw("{").key("world").number(layout.world);
  js.raw(",").key("layout").string(to_string(layout.kind));
  js.raw(",").key("modules").raw("[");
  for (int i = 0; i < layout.module_count(); ++i) {
    if (i > 0) js.raw(",");
    detail::write_module(js, layout.grids[i]);
  }
  js.raw("]}\n");
  js.finish();
}

// What one rank does, one line. @pre 0 <= rank < world
inline void write_rank_json(std::ostream& out, const runtime_topology& layout, int rank) {
  detail::json_stream js(out);
  js.raw("{").key("world").number(layout.world).raw(",").key("rank").number(rank);
  js.raw(",").key("modules").raw("[");
  bool first = true;
  for (const grid& g : layout.grids)
    if (g.contains(rank)) {
      if (!first) js.raw(",");
      first = false;
      detail::write_module_rank(js, g, rank);
    }
  js.raw("]}\n");
  js.finish();
}

}  // namespace hetgrid::inspect
