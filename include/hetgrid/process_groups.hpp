// hetgrid/process_groups.hpp: the collections a rank receives, for any communicator type
// (boost::mpi::communicator, nccl's group_comm, a test's record): one module's groups (the
// seed's ProcessGroupCollection) and all modules of a rank (MultiModuleProcessGroupCollection).
#pragma once

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hetgrid/const_span.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/slot.hpp"

namespace hetgrid {

// One module's communicators, one entry per slot of the layout's slot list (slot.hpp), empty
// where the rank holds no group of that slot; the built-in kinds also by name (g.tp, g.pp, ...),
// the embeddings as g.embd / g.pos_embd, and any kind, a program's own included, by g[kind].
//
// The named members are references into `builtin_entries_`, an array inside this object: its
// elements never move, and assignment assigns them one by one, so after `a = b` every name
// still refers to a's own element, which now holds b's communicator.
template <class Comm>
class process_groups {
  using entry = std::optional<Comm>;

 public:
  explicit process_groups(const_span<group_kind> slots = builtin_slots)
      : slots_(slots), own_entries_(slots.size() - slot_count) {}
  process_groups(const process_groups& other)
      : slots_(other.slots_), builtin_entries_(other.builtin_entries_),
        own_entries_(other.own_entries_) {}
  process_groups(process_groups&& other) noexcept
      : slots_(other.slots_), builtin_entries_(std::move(other.builtin_entries_)),
        own_entries_(std::move(other.own_entries_)) {}
  process_groups& operator=(const process_groups& other) {
    if (this != &other) *this = process_groups(other);
    return *this;
  }
  process_groups& operator=(process_groups&& other) noexcept {
    slots_ = other.slots_;
    builtin_entries_ = std::move(other.builtin_entries_);  // element by element: names stay bound
    own_entries_ = std::move(other.own_entries_);          // no name refers into this one
    return *this;
  }

  // The communicator of a kind. Throws std::out_of_range for a kind the layout does not build,
  // or one this rank holds no group of (an embedding off its stages).
  const Comm& operator[](const group_kind& kind) const { return held(kind); }
  Comm& operator[](const group_kind& kind) { return held(kind); }

  // The communicator of a slot (slot.hpp's numbering), or null where the rank has none.
  const Comm* slot(int s) const { return entry_of(s) ? &*entry_of(s) : nullptr; }
  // Sets a slot's communicator (the executor's side).
  void set_slot(int s, Comm comm) { entry_of(s) = std::move(comm); }
  const_span<group_kind> slots() const { return slots_; }

  // Megatron-LM's aliases: g.intra_dp_cp() is g.dp_cp.
#define HETGRID_KIND_ALIAS_MEMBER(alias, kind) \
  const Comm& alias() const { return kind; }
  HETGRID_KIND_ALIASES(HETGRID_KIND_ALIAS_MEMBER)
#undef HETGRID_KIND_ALIAS_MEMBER

 private:
  const_span<group_kind> slots_;
  std::array<entry, slot_count> builtin_entries_{};  // the built-in slots; names bind here
  std::vector<entry> own_entries_;                   // a program's own kinds, after them

  const entry& entry_of(int s) const { return const_cast<process_groups*>(this)->entry_of(s); }
  entry& entry_of(int s) {
    if (s < slot_count) return builtin_entries_[static_cast<std::size_t>(s)];
    return own_entries_[static_cast<std::size_t>(s - slot_count)];
  }
  Comm& held(const group_kind& kind) const {
    for (std::size_t s = 0; s < slots_.size(); ++s) {
      if (!(slots_[s] == kind)) continue;
      entry& e = const_cast<process_groups*>(this)->entry_of(static_cast<int>(s));
      if (e) return *e;
      throw std::out_of_range("hetgrid: this rank holds no '" + std::string(kind.name_view()) +
                              "' group");
    }
    throw std::out_of_range("hetgrid: this layout builds no '" + std::string(kind.name_view()) +
                            "' groups");
  }
  // A built-in kind's entry, holding a communicator from the start: every rank of a module
  // holds a group of every built-in kind, and its name binds to that communicator.
  Comm& builtin(const group_kind& kind) {
    entry& e = builtin_entries_[static_cast<std::size_t>(builtin_slot(kind))];
    if (!e) e.emplace();
    return *e;
  }

 public:
  // The built-in kinds as members, from group_kind.hpp's table (default member initializers, so
  // that every constructor binds them to this object's array).
#define HETGRID_KIND_MEMBER(name, ...) Comm& name = builtin(group_kind::name);
  HETGRID_BUILTIN_KINDS(HETGRID_KIND_MEMBER)
#undef HETGRID_KIND_MEMBER
  // The language module's embedding groups, on the ranks that hold them.
  std::optional<Comm>& embd = builtin_entries_[embd_slot];
  std::optional<Comm>& pos_embd = builtin_entries_[pos_embd_slot];
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
