// tools/inspect/json_output.hpp: the two JSON shapes of docs/CONTRACT.md section 5, the whole
// layout and one rank, written by the library's streamed writers (hetgrid/json.hpp): the tool
// and a program that prints its compiled layout share one writer. A failed write is
// write_error, which main reports with the system's reason (exit 1).
#pragma once

#include <cerrno>
#include <hetgrid/json.hpp>
#include <hetgrid/runtime_topology.hpp>
#include <ostream>
#include <stdexcept>

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

// Throws write_error once `out` has failed; the writers stop at the first failed chunk, so
// errno still holds the failed write's reason.
inline void check_written(std::ostream& out) {
  if (!out) throw write_error(errno);
}

// The whole layout, one line.
inline void write_layout_json(std::ostream& out, const runtime_topology& layout) {
  ::hetgrid::write_layout_json(out, layout);
  check_written(out);
}

// What one rank does, one line. @pre 0 <= rank < world
inline void write_rank_json(std::ostream& out, const runtime_topology& layout, int rank) {
  ::hetgrid::write_rank_json(out, layout, rank);
  check_written(out);
}

}  // namespace hetgrid::inspect
