// tools/inspect/json_output.hpp: the two JSON shapes of docs/CONTRACT.md section 5, the whole layout and one
// rank. Every group comes from hetgrid::grid. The whole layout is streamed, since it lists every
// rank twelve times: time is linear in the world size and memory stays constant.
#pragma once

#include <charconv>
#include <hetgrid/hetgrid.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace hetgrid::inspect {

// Keys in the contract's order, so that the text reads like docs/CONTRACT.md (comparisons parse it anyway).
using json = nlohmann::ordered_json;

namespace detail {

// Compact JSON text written in chunks to a stream; strings are escaped by nlohmann.
class json_stream {
 public:
  explicit json_stream(std::ostream& out) : out_(out) {}
  ~json_stream() { flush(); }
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
  // A name from the command line may not be UTF-8: such bytes print as U+FFFD, never throw.
  json_stream& string(std::string_view text) {
    return raw(json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace));
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

inline json members(const rank_group& group) {
  json list = json::array();
  for (int rank : group) list.push_back(rank);
  return list;
}

inline json members_or_null(const std::optional<rank_group>& group) {
  return group ? members(*group) : json(nullptr);
}

// @pre g.contains(rank)
inline json module_rank_json(const grid& g, int rank) {
  const rank_coords c = g.coords(rank);
  json groups = json::object();
  for (group_kind kind : all_group_kinds)
    groups[std::string(to_string(kind))] = members(g.group_of(kind, rank));
  groups["embd"] = members_or_null(g.embd_group(rank));
  groups["pos_embd"] = members_or_null(g.pos_embd_group(rank));
  return {{"name", std::string(g.name())},
          {"coords",
           {{"tp", c.tp},
            {"gtp_remat", c.gtp_remat},
            {"cp", c.cp},
            {"dp", c.dp},
            {"pp", c.pp},
            {"expt_tp", c.expt_tp},
            {"ep", c.ep},
            {"expt_gtp_remat", c.expt_gtp_remat},
            {"expt_dp", c.expt_dp}}},
          {"is_first_stage", g.is_first_stage(rank)},
          {"is_last_stage", g.is_last_stage(rank)},
          {"groups", groups}};
}

}  // namespace detail

// The whole layout, one line. @pre !check_layout(world, specs)
inline void write_layout_json(std::ostream& out, int world, std::span<const grid_spec> specs) {
  detail::json_stream js(out);
  js.raw("{").key("world").number(world).raw(",").key("layout").string(to_string(layout_of(specs)));
  js.raw(",").key("modules").raw("[");
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (i > 0) js.raw(",");
    detail::write_module(js, grid(specs[i]));
  }
  js.raw("]}\n");
}

// What one rank does: bounded by the sizes of its groups, so built as a document.
// @pre !check_layout(world, specs) and 0 <= rank < world
inline json rank_json(int world, std::span<const grid_spec> specs, int rank) {
  json modules = json::array();
  for (const grid_spec& spec : specs)
    if (const grid g(spec); g.contains(rank)) modules.push_back(detail::module_rank_json(g, rank));
  return {{"world", world}, {"rank", rank}, {"modules", modules}};
}

}  // namespace hetgrid::inspect
