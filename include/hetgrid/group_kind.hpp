// hetgrid/group_kind.hpp: the group kinds of SPEC section 2, the view each lives in, and the
// dims of that view each one spans.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace hetgrid {

// A view is an ordered list of four dims, first = fastest varying.
enum class view { base, expert };  // base: tp, cp, dp, pp; expert: expt_tp, ep, expt_dp, pp

enum class group_kind : int {
  tp,
  cp,
  pp,
  dp,
  dp_cp,
  tp_cp,
  mp,
  ep,
  expt_tp,
  expt_dp,
  tp_ep,
  tp_ep_pp,
  intra_dp_cp = dp_cp,      // Megatron-LM's alias
  intra_expt_dp = expt_dp,  // Megatron-LM's alias
};

inline constexpr int group_kind_count = 12;

inline constexpr std::array<group_kind, group_kind_count> all_group_kinds = {
    group_kind::tp,      group_kind::cp,      group_kind::pp,      group_kind::dp,
    group_kind::dp_cp,   group_kind::tp_cp,   group_kind::mp,      group_kind::ep,
    group_kind::expt_tp, group_kind::expt_dp, group_kind::tp_ep,   group_kind::tp_ep_pp};

constexpr std::string_view to_string(group_kind kind) {
  constexpr std::array<std::string_view, group_kind_count> names = {
      "tp", "cp", "pp", "dp", "dp_cp", "tp_cp", "mp", "ep", "expt_tp", "expt_dp", "tp_ep",
      "tp_ep_pp"};
  return names[static_cast<int>(kind)];
}

// Accepts the aliases too; nullopt for an unknown name.
constexpr std::optional<group_kind> group_kind_from_string(std::string_view name) {
  for (group_kind kind : all_group_kinds)
    if (to_string(kind) == name) return kind;
  if (name == "intra_dp_cp") return group_kind::dp_cp;
  if (name == "intra_expt_dp") return group_kind::expt_dp;
  return std::nullopt;
}

constexpr view view_of(group_kind kind) {
  return static_cast<int>(kind) >= static_cast<int>(group_kind::ep) ? view::expert : view::base;
}

// Bit i set: the group spans dim i of its view (base: tp=0, cp=1, dp=2, pp=3;
// expert: expt_tp=0, ep=1, expt_dp=2, pp=3).
constexpr unsigned dims_of(group_kind kind) {
  switch (kind) {
    case group_kind::tp: return 0b0001;
    case group_kind::cp: return 0b0010;
    case group_kind::pp: return 0b1000;
    case group_kind::dp: return 0b0100;
    case group_kind::dp_cp: return 0b0110;
    case group_kind::tp_cp: return 0b0011;
    case group_kind::mp: return 0b1001;
    case group_kind::ep: return 0b0010;
    case group_kind::expt_tp: return 0b0001;
    case group_kind::expt_dp: return 0b0100;
    case group_kind::tp_ep: return 0b0011;
    case group_kind::tp_ep_pp: return 0b1011;
  }
  return 0;
}

// A slot is one group a module can give a rank: the twelve kinds (slot = kind's value), then the
// language module's embedding groups.
inline constexpr int embd_slot = group_kind_count;
inline constexpr int pos_embd_slot = group_kind_count + 1;
inline constexpr int slot_count = group_kind_count + 2;

constexpr std::string_view slot_name(int slot) {
  if (slot == embd_slot) return "embd";
  if (slot == pos_embd_slot) return "pos_embd";
  return to_string(static_cast<group_kind>(slot));
}

}  // namespace hetgrid
