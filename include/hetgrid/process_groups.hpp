// hetgrid/process_groups.hpp: the collections a rank receives, for any communicator type
// (boost::mpi::communicator, nccl's group_comm, a test's record): one module's groups (the
// seed's ProcessGroupCollection) and all modules of a rank (MultiModuleProcessGroupCollection).
#pragma once

#include <array>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hetgrid/group_kind.hpp"

namespace hetgrid {

// One module's communicators, one per kind of the layout's slot list; the built-in kinds also by
// name (g.tp, g.pp, ...), and any kind, a program's own included, by g[kind].
//
// The named members are references into `builtin_comms_`, an array inside this object: its
// elements never move, and assignment assigns them one by one, so after `a = b` every name
// still refers to a's own element, which now holds b's communicator.
template <class Comm>
class process_groups {
 public:
  explicit process_groups(std::span<const group_kind> slots = builtin_slots)
      : slots_(slots), own_comms_(slots.size() - slot_count) {}
  process_groups(const process_groups& other)
      : embd(other.embd), pos_embd(other.pos_embd), slots_(other.slots_),
        builtin_comms_(other.builtin_comms_), own_comms_(other.own_comms_) {}
  process_groups(process_groups&& other) noexcept
      : embd(std::move(other.embd)), pos_embd(std::move(other.pos_embd)), slots_(other.slots_),
        builtin_comms_(std::move(other.builtin_comms_)), own_comms_(std::move(other.own_comms_)) {}
  process_groups& operator=(const process_groups& other) {
    if (this != &other) *this = process_groups(other);
    return *this;
  }
  process_groups& operator=(process_groups&& other) noexcept {
    embd = std::move(other.embd);
    pos_embd = std::move(other.pos_embd);
    slots_ = other.slots_;
    builtin_comms_ = std::move(other.builtin_comms_);  // element by element: the names stay bound
    own_comms_ = std::move(other.own_comms_);          // no name refers into this one
    return *this;
  }

  // The communicator of a kind. Throws std::out_of_range for a kind the layout does not build.
  const Comm& operator[](const group_kind& kind) const { return *slot(index_of(kind)); }
  Comm& operator[](const group_kind& kind) { return *slot_mut(index_of(kind)); }

  // The communicator of a slot (group_kind.hpp's numbering), or null where the rank has none.
  const Comm* slot(int s) const { return const_cast<process_groups*>(this)->slot_mut(s); }
  // Sets a slot's communicator (the executor's side).
  void set_slot(int s, Comm comm) {
    if (s == embd_slot) embd = std::move(comm);
    else if (s == pos_embd_slot) pos_embd = std::move(comm);
    else *slot_mut(s) = std::move(comm);
  }
  std::span<const group_kind> slots() const { return slots_; }

  // Megatron-LM's aliases: g.intra_dp_cp() is g.dp_cp.
#define HETGRID_KIND_ALIAS_MEMBER(alias, kind) \
  const Comm& alias() const { return kind; }
  HETGRID_KIND_ALIASES(HETGRID_KIND_ALIAS_MEMBER)
#undef HETGRID_KIND_ALIAS_MEMBER

  std::optional<Comm> embd, pos_embd;  // the language module's, on the ranks that hold them

 private:
  std::span<const group_kind> slots_;
  std::array<Comm, group_kind_count> builtin_comms_{};  // slot = built-in row; names bind here
  std::vector<Comm> own_comms_;                         // a program's own kinds, after embd

  Comm* slot_mut(int s) {
    if (s == embd_slot) return embd ? &*embd : nullptr;
    if (s == pos_embd_slot) return pos_embd ? &*pos_embd : nullptr;
    if (s < group_kind_count) return &builtin_comms_[static_cast<std::size_t>(s)];
    return &own_comms_[static_cast<std::size_t>(s - slot_count)];
  }
  int index_of(const group_kind& kind) const {
    for (std::size_t s = 0; s < slots_.size(); ++s)
      if (slots_[s] == kind && kind != embd_kind && kind != pos_embd_kind)
        return static_cast<int>(s);
    throw std::out_of_range("hetgrid: this layout builds no '" + std::string(kind.name_view()) +
                            "' groups");
  }
  // Built-in kinds lead every slot list, so a built-in slot number indexes this array.
  Comm& builtin(const group_kind& kind) {
    return builtin_comms_[static_cast<std::size_t>(builtin_slot(kind))];
  }

 public:
  // The built-in kinds as members, from group_kind.hpp's table (default member initializers, so
  // that every constructor binds them to this object's array).
#define HETGRID_KIND_MEMBER(name, ...) Comm& name = builtin(group_kind::name);
  HETGRID_BUILTIN_KINDS(HETGRID_KIND_MEMBER)
#undef HETGRID_KIND_MEMBER
};

// Every module of the topology, present only where it holds this rank.
template <class Comm, int ModuleCount>
struct multi_module_groups {
  std::array<std::optional<process_groups<Comm>>, ModuleCount> modules{};
  std::array<std::string_view, ModuleCount> names{};
  int language_index = -1;

  // Null on a rank that the language module does not hold.
  const process_groups<Comm>* language() const { return module(language_index); }
  const process_groups<Comm>* module(int index) const {
    return index >= 0 && modules[index] ? &*modules[index] : nullptr;
  }
  const process_groups<Comm>* module(std::string_view name) const {
    for (int i = 0; i < ModuleCount; ++i)
      if (names[i] == name) return module(i);
    return nullptr;
  }
};

}  // namespace hetgrid
