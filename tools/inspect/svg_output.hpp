// tools/inspect/svg_output.hpp: the layout as a picture (hetgrid-inspect --svg FILE). Each module
// is a panel of its ranks, coloured by module: columns are pp stages (data flows left to right),
// rows are dp replicas, and a dashed box holds one stage of one replica: the base view's other
// dims (hetgrid/view.hpp: tp, gtp_remat, cp), the fastest across and the rest down, so every rank
// has a place of its own. Grey arrows are the pp hand-offs; thick arrows are the bridge from each
// other module into the language module (docs/CONTRACT.md section 4), drawn from source leader to
// destination leader. A module of more than max_replicas_drawn dp replicas draws replica 0 alone
// and says how many there are (replica d is replica 0's ranks + d x the dp stride), so a thousand
// ranks stay a picture of tens of kilobytes. Where ep > 1 each rank's corner tag gives its ep
// coordinate: its place in its expert (ep) group.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <ostream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <hetgrid/bridge.hpp>
#include <hetgrid/hetgrid.hpp>
#include <hetgrid/runtime_topology.hpp>

#include "clean_text.hpp"

namespace hetgrid::inspect {

namespace detail::svg {

inline constexpr double cell_w = 56, cell_h = 40, cell_gap = 4;  // cell_w: the narrowest
inline constexpr double group_pad = 7;   // inside a dashed box
inline constexpr double stage_gap = 40;  // room for the pp arrows
inline constexpr double row_gap = 12;
inline constexpr double panel_pad = 16, header_h = 66, label_w = 48;
inline constexpr double panel_gap = 28, bridge_gap = 150, margin = 24, title_h = 56;
inline constexpr double legend_h = 96;
inline constexpr int max_replicas_drawn = 4;

// Fill and stroke per module; the language module always takes the first.
inline constexpr std::array<std::array<std::string_view, 3>, 6> palette = {{
    {"#dbe8f6", "#4e79a7", "#2b4a6f"},  // fill, stroke, dark text
    {"#fde3c8", "#f28e2b", "#8a4a0c"},
    {"#dcefd8", "#59a14f", "#2f5a29"},
    {"#f9d6d7", "#e15759", "#7f2628"},
    {"#ece0ea", "#b07aa1", "#5e3a55"},
    {"#e0f1f0", "#76b7b2", "#33605c"},
}};

// Markup for any bytes: clean_text::printable first (XML 1.0 allows no C0 control character but tab
// and newlines, even as a character reference, and no invalid UTF-8), then XML's own escapes.
inline std::string escape(std::string_view raw) {
  std::string out;
  for (char c : ::hetgrid::inspect::clean_text::printable(raw)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

inline std::string num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

struct box {
  double x = 0, y = 0, w = 0, h = 0;
  double right() const { return x + w; }
  double mid_y() const { return y + h / 2; }
};

// Roughly how wide a line of text is drawn (DejaVu Sans averages about 0.6 em).
inline double text_width(std::string_view s, double size) { return 0.6 * size * s.size(); }

inline std::string span_text(const grid& g) {
  return g.ranks == 1 ? "rank " + std::to_string(g.offset)
                      : "ranks " + std::to_string(g.offset) + "-" +
                            std::to_string(g.offset + g.ranks - 1);
}

// The base view's dims (view.hpp's order) by role in the picture: dp picks the row, pp the
// column, and the rest (`inner`) the place inside a dashed box: inner[0] across, the others down.
inline constexpr int dp_dim = *dim_index(view::base, "dp");
inline constexpr std::array<int, view_dim_count - 2> inner = [] {
  std::array<int, view_dim_count - 2> dims{};
  for (int i = 0, n = 0; i < view_dim_count; ++i)
    if (i != dp_dim && i != pp_dim) dims[n++] = i;
  return dims;
}();

// A rank's coordinate in each base dim. @pre g.contains(rank)
inline grid::dims_array base_coords(const grid& g, int rank) {
  const grid::dims_array size = g.sizes(view::base), stride = g.strides(view::base);
  grid::dims_array c{};
  for (int i = 0; i < view_dim_count; ++i) c[i] = (rank - g.offset) / stride[i] % size[i];
  return c;
}

// "tp=2 gtp_remat=1 ...": every dim of view `v`.
inline std::string view_sizes(const grid& g, view v) {
  std::string text;
  const grid::dims_array size = g.sizes(v);
  for (int i = 0; i < view_dim_count; ++i) {
    if (i > 0) text += ' ';
    text.append(dims_of(v)[i]).append("=").append(std::to_string(size[i]));
  }
  return text;
}
inline std::string header_text(const grid& g) {
  return span_text(g) + ":  " + view_sizes(g, view::base);
}
inline std::string expert_text(const grid& g) {
  return "expert view:  " + view_sizes(g, view::expert);
}

// A cell's caption: its inner coordinates ("tp1 gtp_remat0 cp1"), a dim of size 1 left out but
// the first.
inline std::string cell_caption(const grid& g, const grid::dims_array& c) {
  const grid::dims_array size = g.sizes(view::base);
  std::string text;
  for (const int d : inner) {
    if (d != inner[0] && size[d] == 1) continue;
    if (!text.empty()) text += ' ';
    text.append(base_dims[d]).append(std::to_string(c[d]));
  }
  return text;
}

// "tp-gtp_remat-cp", "tp across; gtp_remat, cp down", "tp=0, gtp_remat=0, cp=0": the legend's.
inline std::string inner_names(std::string_view between, std::string_view after = {},
                               std::size_t from = 0) {
  std::string text;
  for (std::size_t k = from; k < inner.size(); ++k) {
    if (k > from) text.append(between);
    text.append(base_dims[inner[k]]).append(after);
  }
  return text;
}

// The legend's lines for the dashed box and for the bridge's leaders.
inline std::string box_legend() {
  std::string text = inner_names("-");
  text.append(" group (").append(base_dims[inner[0]]).append(" across; ");
  text.append(inner_names(", ", "", 1)).append(" down); rows: ").append(base_dims[dp_dim]);
  text.append(" replicas; columns: ").append(base_dims[pp_dim]).append(" stages");
  return text;
}
inline std::string leader_legend() {
  std::string text = "bridge, source leader -> destination leader (leaders: thick border; ";
  return text.append(inner_names(", ", "=0")).append(" of each replica)");
}

// Where a module's panel and each of its ranks are drawn.
struct panel {
  const grid* g = nullptr;
  int module = 0, colour = 0;
  box frame;

  // The dp replicas drawn: all of a few, else replica 0 for all of them.
  int shown() const { return g->dp <= max_replicas_drawn ? g->dp : 1; }
  bool drawn(int rank) const { return base_coords(*g, rank)[dp_dim] < shown(); }
  std::string replicas_note() const {
    if (shown() == g->dp) return {};
    return "replica 0 of " + std::to_string(g->dp) + " drawn: replica d is these ranks + " +
           std::to_string(g->strides(view::base)[dp_dim]) + " x d";
  }

  // Cells across and down in a dashed box (inner[0]; the other inner dims, fastest first).
  int across() const { return g->sizes(view::base)[inner[0]]; }
  int down() const {
    int n = 1;
    for (std::size_t k = 1; k < inner.size(); ++k) n *= g->sizes(view::base)[inner[k]];
    return n;
  }
  // Wide enough for the longest caption, that of the last rank.
  double cell_width() const {
    const grid::dims_array last = base_coords(*g, g->offset + g->ranks - 1);
    const double caption = text_width(cell_caption(*g, last), 10);
    return std::max(cell_w, caption + 8);
  }
  double group_w() const {
    return across() * cell_width() + (across() - 1) * cell_gap + 2 * group_pad;
  }
  double group_h() const { return down() * cell_h + (down() - 1) * cell_gap + 2 * group_pad; }
  double width() const {
    const double drawn = 2 * panel_pad + label_w + g->pp * group_w() + (g->pp - 1) * stage_gap;
    const double header =
        std::max(text_width(header_text(*g), 12), text_width(expert_text(*g), 12));
    const double title = text_width(g->name(), 16) + 200 + text_width(replicas_note(), 12);
    return std::max({drawn, 2 * panel_pad + header, 2 * panel_pad + title});
  }
  double height() const {
    return header_h + shown() * group_h() + (shown() - 1) * row_gap + panel_pad;
  }

  // The dashed box of replica `dp` at stage `pp`.
  box group_box(int dp, int pp) const {
    return {frame.x + panel_pad + label_w + pp * (group_w() + stage_gap),
            frame.y + header_h + dp * (group_h() + row_gap), group_w(), group_h()};
  }
  box cell(int rank) const {
    const grid::dims_array c = base_coords(*g, rank), size = g->sizes(view::base);
    int row = 0;  // the inner dims after the first, mixed radix, fastest first
    for (std::size_t k = inner.size() - 1; k >= 1; --k) row = row * size[inner[k]] + c[inner[k]];
    const box b = group_box(c[dp_dim], c[pp_dim]);
    const double w = cell_width();
    return {b.x + group_pad + c[inner[0]] * (w + cell_gap),
            b.y + group_pad + row * (cell_h + cell_gap), w, cell_h};
  }
};

inline void arrow(std::ostream& out, double x1, double y1, double x2, double y2,
                  std::string_view colour, double width, std::string_view marker,
                  std::string_view dash = {}) {
  const double bend = std::max(24.0, (x2 - x1) / 2);
  out << "<path d=\"M" << num(x1) << ' ' << num(y1) << " C" << num(x1 + bend) << ' ' << num(y1)
      << ' ' << num(x2 - bend) << ' ' << num(y2) << ' ' << num(x2) << ' ' << num(y2)
      << "\" fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"" << width << "\"";
  if (!dash.empty()) out << " stroke-dasharray=\"" << dash << "\"";
  out << " marker-end=\"url(#" << marker << ")\"/>\n";
}

inline void text(std::ostream& out, double x, double y, std::string_view content, double size,
                 std::string_view colour, std::string_view anchor = "start",
                 std::string_view weight = "normal") {
  out << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" font-size=\"" << size
      << "\" fill=\"" << colour << "\" text-anchor=\"" << anchor << "\" font-weight=\"" << weight
      << "\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-opacity=\"0.8\" paint-order=\"stroke\">"
      << escape(content) << "</text>\n";
}

// With nodes of N ranks (N > 0): each cell's node as a stripe along its foot (alternating
// tones), and a red bar on the left of each rank that starts a node, the boundary before it.
inline void draw_node(std::ostream& out, const box& c, int rank, int ranks_per_node) {
  if (ranks_per_node <= 0) return;
  const int node = rank / ranks_per_node;
  out << "<rect class=\"node\" x=\"" << num(c.x + 2) << "\" y=\"" << num(c.y + c.h - 5)
      << "\" width=\"" << num(c.w - 4) << "\" height=\"3\" fill=\""
      << (node % 2 == 0 ? "#4c78a8" : "#f58518") << "\"><title>node " << node
      << "</title></rect>\n";
  if (rank % ranks_per_node == 0 && rank > 0)
    out << "<line class=\"node-boundary\" x1=\"" << num(c.x - 2) << "\" y1=\"" << num(c.y - 3)
        << "\" x2=\"" << num(c.x - 2) << "\" y2=\"" << num(c.y + c.h + 3)
        << "\" stroke=\"#d62728\" stroke-width=\"3\"><title>node boundary at rank " << rank
        << "</title></line>\n";
}

inline void draw_panel(std::ostream& out, const panel& p, const std::optional<bridge>& into,
                       const std::vector<bridge>& out_of, int ranks_per_node) {
  const grid& g = *p.g;
  const auto& colours = palette[p.colour % palette.size()];
  out << "<rect x=\"" << num(p.frame.x) << "\" y=\"" << num(p.frame.y) << "\" width=\""
      << num(p.frame.w) << "\" height=\"" << num(p.frame.h)
      << "\" rx=\"10\" fill=\"#ffffff\" stroke=\"" << colours[1] << "\" stroke-width=\"2\"/>\n";
  const bool says_language = g.name() == "language";
  text(out, p.frame.x + panel_pad, p.frame.y + 22,
       std::string(g.name()) + (g.language && !says_language ? "  (language module)" : ""), 16,
       colours[2], "start", "bold");
  text(out, p.frame.x + panel_pad, p.frame.y + 40, header_text(g), 12, "#333333");
  std::string expert = expert_text(g);
  if (g.ep > 1) expert += "  (corner tag: ep coordinate)";
  text(out, p.frame.x + panel_pad, p.frame.y + 56, expert, 12, "#555555");
  if (p.shown() < g.dp)
    text(out, p.frame.x + p.frame.w - panel_pad, p.frame.y + 22, p.replicas_note(), 12,
         "#333333", "end");

  for (int d = 0; d < p.shown(); ++d) {
    const box row = p.group_box(d, 0);
    text(out, p.frame.x + panel_pad, row.y + 14, std::string(base_dims[dp_dim]) + " " +
         std::to_string(d), 12, "#555555");
    if (p.shown() < g.dp)  // aggregated: one replica stands for all
      text(out, p.frame.x + panel_pad, row.y + 28, "x " + std::to_string(g.dp), 12, "#555555",
           "start", "bold");
    for (int s = 0; s < g.pp; ++s) {
      const box b = p.group_box(d, s);
      out << "<rect x=\"" << num(b.x) << "\" y=\"" << num(b.y) << "\" width=\"" << num(b.w)
          << "\" height=\"" << num(b.h) << "\" rx=\"6\" fill=\"none\" stroke=\"#888888\""
          << " stroke-dasharray=\"4 3\"/>\n";
      if (s + 1 < g.pp) {
        const box next = p.group_box(d, s + 1);
        arrow(out, b.right() + 2, b.mid_y(), next.x - 4, next.mid_y(), "#8a8a8a", 2, "pp");
      }
    }
  }
  for (int d = 0; d < g.pp && g.dp > 0; ++d) {  // stage captions under the last row
    const box b = p.group_box(p.shown() - 1, d);
    text(out, b.x + b.w / 2, b.y + b.h + 11, std::string(base_dims[pp_dim]) + " " +
         std::to_string(d), 10, "#777777", "middle");
  }

  for (int r = g.offset; r < g.offset + g.ranks; ++r) {
    if (!p.drawn(r)) continue;
    const box c = p.cell(r);
    const bool leader = (into && into->destination_leaders().contains(r)) ||
                        std::any_of(out_of.begin(), out_of.end(),
                                    [&](const bridge& b) { return b.source_leaders().contains(r); });
    out << "<rect x=\"" << num(c.x) << "\" y=\"" << num(c.y) << "\" width=\"" << num(c.w)
        << "\" height=\"" << num(c.h) << "\" rx=\"4\" fill=\"" << colours[0] << "\" stroke=\""
        << (leader ? "#222222" : colours[1]) << "\" stroke-width=\"" << (leader ? 3 : 1.5)
        << "\"/>\n";
    text(out, c.x + c.w / 2, c.y + 18, std::to_string(r), 15, colours[2], "middle", "bold");
    text(out, c.x + c.w / 2, c.y + 33, cell_caption(g, base_coords(g, r)), 10, "#444444",
         "middle");
    if (g.ep > 1)  // the rank's place in its expert (ep) group
      text(out, c.x + 4, c.y + 9, "ep" + std::to_string(g.coords(r).ep), 8, "#7a2e00");
    draw_node(out, c, r, ranks_per_node);
    if (g.embd_group(r)) {  // holds the tied embedding
      out << "<circle cx=\"" << num(c.right() - 7) << "\" cy=\"" << num(c.y + 7)
          << "\" r=\"4.5\" fill=\"#7b3fa0\"/>\n";
    }
  }
}

}  // namespace detail::svg

// The whole layout as one SVG document; with ranks_per_node > 0, its nodes and their boundaries.
inline void write_layout_svg(std::ostream& out, const runtime_topology& layout,
                             int ranks_per_node = 0) {
  using namespace detail::svg;
  const int world = layout.world;
  const std::vector<grid>& grids = layout.grids;
  const int language = layout.language_index;

  // Other modules in a column on the left, the language module on the right: the bridges run
  // left to right, as the data does.
  std::vector<panel> panels;
  double left_w = 0, left_h = 0;
  int colour = 1;
  for (int m = 0; m < static_cast<int>(grids.size()); ++m) {
    if (m == language) continue;
    panel p{&grids[m], m, colour++, {}};
    p.frame = {margin, margin + title_h + left_h, p.width(), p.height()};
    left_w = std::max(left_w, p.frame.w);
    left_h += p.frame.h + panel_gap;
    panels.push_back(p);
  }
  const double lm_x = panels.empty() ? margin : margin + left_w + bridge_gap;
  panel lm{&grids[language], language, 0, {}};
  lm.frame = {lm_x, margin + title_h, lm.width(), lm.height()};
  const double content_h = std::max(left_h - (panels.empty() ? 0 : panel_gap), lm.frame.h);
  const std::string box_words = box_legend(), leader_words = leader_legend();
  const std::string node_words =
      ranks_per_node > 0 ? "node boundary (nodes of " + std::to_string(ranks_per_node) +
                               " ranks: node k holds [k*" + std::to_string(ranks_per_node) +
                               ", (k+1)*" + std::to_string(ranks_per_node) +
                               ")); the stripe under a rank is its node"
                         : std::string();
  const double legend_w =
      2 * 14 + 34 + std::max(text_width(leader_words, 12), text_width(node_words, 12));
  const double width = std::max({lm.frame.right() + margin, 640.0, legend_w + 2 * margin});
  const double node_legend_h = ranks_per_node > 0 ? 24 : 0;
  const double height = margin + title_h + content_h + 20 + legend_h + node_legend_h + margin;

  // Bridges into the language module, where the leader counts divide.
  std::vector<std::optional<bridge>> bridges(grids.size());
  std::vector<bridge> into_language;
  for (const panel& p : panels)
    if (bridge_divisible(*p.g, grids[language])) {
      bridges[p.module] = bridge(*p.g, grids[language]);
      into_language.push_back(*bridges[p.module]);
    }

  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "\" height=\""
      << num(height) << "\" viewBox=\"0 0 " << num(width) << ' ' << num(height)
      << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
      << "<defs>\n"
      << "<marker id=\"pp\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
         "markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0 L10 5 L0 10 z\" fill=\"#8a8a8a\"/></marker>\n"
      << "<marker id=\"bridge\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"5\" "
         "markerHeight=\"5\" orient=\"auto\"><path d=\"M0 0 L10 5 L0 10 z\" fill=\"#222222\"/></marker>\n"
      << "</defs>\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"#fafafa\"/>\n";
  text(out, margin, margin + 20, "hetgrid layout: world " + std::to_string(world) + ", " +
       std::string(to_string(layout.kind)), 20, "#222222", "start", "bold");
  std::string subtitle;
  for (const panel& p : panels) {
    if (!subtitle.empty()) subtitle += ";  ";
    const std::string names = std::string(p.g->name()) + " -> " + std::string(grids[language].name());
    if (const auto& b = bridges[p.module])
      subtitle += "bridge " + names + ": fan-" + std::string(to_string(b->fan())) + " " +
                  std::to_string(b->source_leaders().count) + " -> " +
                  std::to_string(b->destination_leaders().count) + " leaders";
    else
      subtitle += "no bridge " + names + ": leader counts " + std::to_string(p.g->dp) + " and " +
                  std::to_string(grids[language].dp) + " do not divide";
  }
  if (layout.kind == ::hetgrid::layout::colocated)
    subtitle += std::string(subtitle.empty() ? "" : ";  ") + "colocated: every module spans all " +
                std::to_string(world) + " ranks, one panel per module";
  if (!subtitle.empty()) text(out, margin, margin + 42, subtitle, 13, "#444444");

  for (const panel& p : panels) {
    const std::vector<bridge> own = bridges[p.module] ? std::vector<bridge>{*bridges[p.module]}
                                                      : std::vector<bridge>{};
    draw_panel(out, p, std::nullopt, own, ranks_per_node);
  }
  // Every bridge into the language module has the same destination leaders.
  draw_panel(out, lm, into_language.empty() ? std::nullopt : std::optional(into_language.front()),
             {}, ranks_per_node);
  for (const panel& p : panels) {
    const auto& b = bridges[p.module];
    if (!b) continue;
    for (int i = 0; i < b->source_leaders().count; ++i)
      for (const bridge_transfer t : b->sends(b->source_leaders()[i])) {
        // From the edge of the leader's dashed box, so the arrow crosses no other rank.
        const grid::dims_array sc = base_coords(*p.g, t.source_rank);
        const grid::dims_array dc = base_coords(*lm.g, t.destination_rank);
        if (!p.drawn(t.source_rank) || !lm.drawn(t.destination_rank)) continue;  // aggregated
        const double x1 = p.group_box(sc[dp_dim], sc[pp_dim]).right();
        const double y1 = p.cell(t.source_rank).mid_y();
        const double x2 = lm.group_box(dc[dp_dim], dc[pp_dim]).x - 2;
        const double y2 = lm.cell(t.destination_rank).mid_y();
        arrow(out, x1, y1, x2, y2, "#222222", 2.5, "bridge");
        // The share of the batch it carries, at the end with one arrow: the source's for
        // fan-in (a part of the destination's batch), the destination's for fan-out.
        const bool fan_in = b->fan() == bridge_fan::in;
        const batch_slice part = fan_in ? t.destination_slice : t.source_slice;
        if (!part.whole())
          text(out, fan_in ? x1 + 6 : x2 - 10, (fan_in ? y1 : y2) - 10,
               "part " + std::to_string(part.part + 1) + "/" + std::to_string(part.parts), 11,
               "#222222", fan_in ? "start" : "end");
      }
  }

  // Legend.
  const double ly = margin + title_h + content_h + 20;
  out << "<rect x=\"" << num(margin) << "\" y=\"" << num(ly) << "\" width=\""
      << num(width - 2 * margin) << "\" height=\"" << num(legend_h + node_legend_h)
      << "\" rx=\"8\" fill=\"#ffffff\" stroke=\"#cccccc\"/>\n";
  const double lx = margin + 14;
  out << "<rect x=\"" << num(lx) << "\" y=\"" << num(ly + 12) << "\" width=\"26\" height=\"18\""
      << " rx=\"4\" fill=\"none\" stroke=\"#888888\" stroke-dasharray=\"4 3\"/>\n";
  text(out, lx + 34, ly + 25, box_words, 12, "#333333");
  arrow(out, lx, ly + 45, lx + 26, ly + 45, "#8a8a8a", 2, "pp");
  text(out, lx + 34, ly + 49, "pp hand-off to the next stage", 12, "#333333");
  arrow(out, lx, ly + 69, lx + 26, ly + 69, "#222222", 2.5, "bridge");
  text(out, lx + 34, ly + 73, leader_words, 12, "#333333");
  out << "<circle cx=\"" << num(lx + 13) << "\" cy=\"" << num(ly + 87) << "\" r=\"4.5\""
      << " fill=\"#7b3fa0\"/>\n";
  text(out, lx + 34, ly + 91, "holds the tied embedding (embd group: first and last pp stage)",
       12, "#333333");
  if (ranks_per_node > 0) {
    out << "<line x1=\"" << num(lx + 13) << "\" y1=\"" << num(ly + 102) << "\" x2=\""
        << num(lx + 13) << "\" y2=\"" << num(ly + 118) << "\" stroke=\"#d62728\""
        << " stroke-width=\"3\"/>\n";
    text(out, lx + 34, ly + 115, node_words, 12, "#333333");
  }
  out << "</svg>\n";
}

// The same from specs. @pre !check_layout(world, specs)
inline void write_layout_svg(std::ostream& out, int world, std::span<const grid_spec> specs,
                             int ranks_per_node = 0) {
  write_layout_svg(out, runtime_topology(world, specs), ranks_per_node);
}

}  // namespace hetgrid::inspect
