// hetgrid/detail/rule_facts.hpp: what broke a layout rule, one function per row of the rule
// table (detail/rules.hpp): facts(message, world, specs, module), appended after the words and
// "; ". The same functions feed describe() at run time and the computed static_assert messages.
// They run only once a rule is known broken, so they may sort without a pairwise shortcut.
#pragma once

#include <string_view>

#include "hetgrid/const_span.hpp"
#include "hetgrid/detail/heap_sort.hpp"
#include "hetgrid/detail/rule_message.hpp"
#include "hetgrid/grid_spec.hpp"

namespace hetgrid::detail {

using spec_list = const_span<grid_spec>;
using rule_facts = void (*)(rule_message&, int, spec_list, int);

constexpr int language_count(spec_list specs) {
  int n = 0;
  for (const auto& s : specs) n += s.language ? 1 : 0;
  return n;
}

// A field's name from grid_spec's field table, and its value as the rules read it.
constexpr std::string_view field_name(spec_member member) {
  for (const spec_field& f : spec_fields)
    if (f.member == member) return f.name;
  return "?";
}
constexpr int resolved_field(const grid_spec& s, spec_member member) {
  return member == &grid_spec::expt_tp ? s.resolved_expt_tp() : s.*member;
}
constexpr bool expt_tp_defaulted(const grid_spec& s) { return s.expt_tp == 0; }

constexpr rule_message& module_named(rule_message& m, const grid_spec& s) {
  return m.put("module ").quoted(s.name_view()).put(": ");
}
constexpr rule_message& span_of(rule_message& m, const grid_spec& s) {
  const long long end = static_cast<long long>(s.offset) + s.ranks;
  return m.quoted(s.name_view()).put(" ").span(s.offset, end);
}

// The specs' indices sorted by span (first, then end), or by name: only neighbours can clash.
constexpr void sort_by_span(int* order, spec_list specs) {
  for (std::size_t i = 0; i < specs.size(); ++i) order[i] = static_cast<int>(i);
  heap_sort(order, specs.size(), [&](int a, int b) {
    const grid_spec &x = specs[a], &y = specs[b];
    if (x.offset != y.offset) return x.offset < y.offset;
    return x.ranks != y.ranks ? x.ranks < y.ranks : a < b;
  });
}

constexpr void module_count_facts(rule_message& m, int, spec_list specs, int) {
  m.field("modules", static_cast<long long>(specs.size()));
}

constexpr void language_facts(rule_message& m, int, spec_list specs, int) {
  m.put(language_count(specs)).put(" are marked");
  int shown = 0;
  for (const grid_spec& s : specs) {
    if (!s.language) continue;
    if (shown == 4) return void(m.put(", ..."));
    m.put(shown++ == 0 ? ": " : ", ").quoted(s.name_view());
  }
}

constexpr void repeated_name_facts(rule_message& m, int, spec_list specs, int) {
  scratch<int> order(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) order.items[i] = static_cast<int>(i);
  heap_sort(order.items, specs.size(), [&](int a, int b) {
    const std::string_view x = specs[a].name_view(), y = specs[b].name_view();
    return x != y ? x < y : a < b;
  });
  for (std::size_t i = 1; i < specs.size(); ++i) {
    const int a = order.items[i - 1], b = order.items[i];
    if (specs[a].name_view() == specs[b].name_view())
      return void(m.quoted(specs[a].name_view()).put(" names modules ").put(a).put(" and ").put(b));
  }
}

constexpr void world_size_facts(rule_message& m, int world, spec_list, int) {
  m.field("world", world);
}

constexpr void sizes_positive_facts(rule_message& m, int, spec_list specs, int module) {
  const grid_spec& s = specs[module];
  module_named(m, s);
  const char* separator = "";
  if (s.name[0] == '\0') separator = (m.put("the name is empty"), ", ");
  for (const spec_field& f : spec_fields) {
    const int value = resolved_field(s, f.member);
    if (f.member == &grid_spec::offset ? value >= 0 : value >= 1) continue;
    m.put(separator).field(f.name, value);
    if (f.member == &grid_spec::expt_tp && expt_tp_defaulted(s)) m.put(" (defaulted from tp)");
    separator = ", ";
  }
}

// `module 'x': ranks=R, a*b*c*d=P (a=.., b=..)`, the factors other than 1 in the parentheses.
constexpr void product_facts(rule_message& m, const grid_spec& s, view v) {
  const member_list factors = own_members(v);
  const long long product = own_product(s, v);
  module_named(m, s).field("ranks", s.ranks).put(", ");
  for (int i = 0; i < factors.count; ++i)
    m.put(i == 0 ? "" : "*").put(field_name(factors.items[i]));
  m.put(product >= (1LL << 62) ? ">=" : "=").put(product).put(" (");
  const char* separator = "";
  for (int i = 0; i < factors.count; ++i) {
    const spec_member f = factors.items[i];
    const int value = resolved_field(s, f);
    const bool defaulted = f == &grid_spec::expt_tp && expt_tp_defaulted(s);
    if (value == 1 && !defaulted) continue;
    m.put(separator).field(field_name(f), value);
    if (defaulted) m.put(", defaulted from tp");
    separator = ", ";
  }
  m.put(")");
}
constexpr void dense_product_facts(rule_message& m, int, spec_list specs, int module) {
  product_facts(m, specs[module], view::base);
}
constexpr void expert_product_facts(rule_message& m, int, spec_list specs, int module) {
  product_facts(m, specs[module], view::expert);
}

constexpr void span_past_world_facts(rule_message& m, int world, spec_list specs, int module) {
  span_of(m, specs[module]).put(" does not fit a world of ").put(world);
}

// Sorted by span, an overlap of unequal spans shows between neighbours (a span between two
// that overlap overlaps the first, so it is equal to it or closer); else equal spans sit beside
// spans that differ.
constexpr void overlap_facts(rule_message& m, int, spec_list specs, int) {
  scratch<int> order(specs.size());
  sort_by_span(order.items, specs);
  int equal = -1;
  for (std::size_t i = 1; i < specs.size(); ++i) {
    const grid_spec &a = specs[order.items[i - 1]], &b = specs[order.items[i]];
    if (b.offset >= static_cast<long long>(a.offset) + a.ranks) continue;
    if (a.offset != b.offset || a.ranks != b.ranks)
      return void(span_of(span_of(m, b).put(" overlaps "), a));
    if (equal < 0) equal = static_cast<int>(i);
  }
  if (equal < 0) return;
  const grid_spec &a = specs[order.items[equal - 1]], &b = specs[order.items[equal]];
  for (const grid_spec& c : specs)
    if (c.offset != a.offset || c.ranks != a.ranks)
      return void(span_of(span_of(span_of(m, a).put(" and "), b).put(" are one span but "), c)
                      .put(" is another"));
}

constexpr void gap_facts(rule_message& m, int world, spec_list specs, int) {
  scratch<int> order(specs.size());
  sort_by_span(order.items, specs);
  long long covered = 0;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const grid_spec& s = specs[order.items[i]];
    if (s.offset > covered) break;
    const long long end = static_cast<long long>(s.offset) + s.ranks;
    if (end > covered) covered = end;
  }
  long long next = world;
  for (const grid_spec& s : specs)
    if (s.offset >= covered && s.offset < next) next = s.offset;
  m.put("ranks ").span(covered, next).put(" are in no module");
}

// The executor's world-size rule (a row of its own: predicate(job ranks, world)).
constexpr bool job_matches_world(int job_ranks, int world) { return job_ranks == world; }
constexpr void job_size_facts(rule_message& m, int job_ranks, int world) {
  m.put("the job has ").put(job_ranks).put(" ranks but the topology is compiled for a world of ")
      .put(world);
}

// A layout rule's whole message: its words, "; " and its facts.
constexpr rule_message layout_message(const char* words, rule_facts facts, int world,
                                      spec_list specs, int module) {
  rule_message m;
  m.put(words).put("; ");
  facts(m, world, specs, module);
  return m;
}
// The same for one module's rule, where the compiler holds only its spec.
constexpr rule_message module_message(const char* words, rule_facts facts, grid_spec spec,
                                      int world = 0) {
  return layout_message(words, facts, world, spec_list(&spec, 1), 0);
}

}  // namespace hetgrid::detail
