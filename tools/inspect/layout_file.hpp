// tools/inspect/layout_file.hpp: `--layout FILE` (docs/CONTRACT.md section 5): the layout read
// from a JSON file instead of --world and --module, e.g. what --json or a program's
// hetgrid::write_layout_json printed. A module takes the keys of --module (command_line.hpp's
// one list of them), "name" and "language"; every other key (layout, dp, expt_dp, groups) is
// ignored, and the group lists are dropped while parsing, so a big file costs little memory.
// A file that cannot be read or parsed, or a value of the wrong type, is a `usage` error.
#pragma once

#include <cerrno>
#include <cstring>
#include <fstream>
#include <ios>
#include <hetgrid/hetgrid.hpp>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "command_line.hpp"

namespace hetgrid::inspect {

namespace detail {

// An int value of the file at `where`, or the usage error saying what it is instead.
inline std::variant<int, input_error> file_int(const nlohmann::json& value,
                                               const std::string& where) {
  if (!value.is_number_integer())
    return usage(where + " must be an integer, not " + value.dump());
  if (value.is_number_unsigned() ? value.get<unsigned long long>() >
                                       static_cast<unsigned long long>(
                                           std::numeric_limits<int>::max())
                                 : value.get<long long>() < std::numeric_limits<int>::min() ||
                                       value.get<long long>() > std::numeric_limits<int>::max())
    return usage(where + " does not fit an int: " + value.dump());
  return value.get<int>();
}

inline std::variant<module_input, input_error> file_module(const nlohmann::json& m,
                                                          const std::string& where) {
  if (!m.is_object()) return usage(where + " must be an object");
  const auto name = m.find("name");
  if (name == m.end() || !name->is_string()) return usage(where + " needs a \"name\" string");
  auto made = spec_named(name->get_ref<const std::string&>());
  if (auto* error = std::get_if<input_error>(&made)) return *error;
  grid_spec spec = std::get<grid_spec>(made);
  bool expt_tp_given = false;
  for (const auto& [key, value] : m.items()) {
    if (key == "language") {
      if (!value.is_boolean()) return usage(where + ".language must be true or false");
      spec.language = value.get<bool>();
      continue;
    }
    int* field = int_field(spec, key);
    if (field == nullptr) continue;  // name, and the keys --json adds: dp, expt_dp, groups
    const auto number = file_int(value, where + "." + key);
    if (const auto* error = std::get_if<input_error>(&number)) return *error;
    *field = std::get<int>(number);
    expt_tp_given = expt_tp_given || key == "expt_tp";
  }
  return module_input{spec, expt_tp_given && spec.expt_tp == 0};
}

}  // namespace detail

// Reads req.layout_file into req.world and req.modules, then checks what parse_command_line
// could not check without the world. @pre req.layout_file
inline std::optional<input_error> load_layout_file(request& req) {
  const std::string what = "--layout '" + *req.layout_file + "'";
  errno = 0;
  std::ifstream in(*req.layout_file, std::ios::binary);
  if (!in) return detail::usage(what + ": cannot open: " + std::strerror(errno));
  // The group lists are what makes a file big; nothing here reads them.
  const nlohmann::json::parser_callback_t drop_groups =
      [](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        return !(event == nlohmann::json::parse_event_t::key && parsed == "groups");
      };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in, drop_groups);
  } catch (const nlohmann::json::parse_error& e) {
    return detail::usage(what + ": not JSON: " + e.what());
  } catch (const std::ios_base::failure&) {  // e.g. a directory: libstdc++ throws, errno says why
    return detail::usage(what + ": cannot read: " + std::strerror(errno));
  }
  if (in.bad()) return detail::usage(what + ": cannot read: " + std::strerror(errno));
  if (!doc.is_object()) return detail::usage(what + ": must hold a JSON object");
  const auto world = doc.find("world");
  if (world == doc.end()) return detail::usage(what + ": needs \"world\"");
  const auto world_value = detail::file_int(*world, what + ": world");
  if (const auto* error = std::get_if<input_error>(&world_value)) return *error;
  const auto modules = doc.find("modules");
  if (modules == doc.end() || !modules->is_array())
    return detail::usage(what + ": needs \"modules\", a list");
  req.world = std::get<int>(world_value);
  for (std::size_t i = 0; i < modules->size(); ++i) {
    auto module =
        detail::file_module((*modules)[i], what + ": modules[" + std::to_string(i) + "]");
    if (auto* error = std::get_if<input_error>(&module)) return *error;
    detail::add_module(req, std::get<detail::module_input>(module));
  }
  return detail::check_rank(req);
}

}  // namespace hetgrid::inspect
