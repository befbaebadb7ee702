// tests/support/golden_cases.hpp: the golden cases of tests/data (computed by Megatron-LM's
// HyperCommGrid), and their modules as grid_specs and as hetgrid-inspect --module arguments.
#pragma once

#include <fstream>
#include <hetgrid/hetgrid.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace hetgrid::test {

using nlohmann::json;

inline json load_golden_cases() {
  const std::string path = std::string(HETGRID_TEST_DATA) + "/hypercommgrid_cases.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return json::parse(in);
}

inline bool is_error_case(const json& c) { return c.at("expect").contains("error"); }

// A golden module's fields as a grid_spec; a field left out keeps grid_spec's default.
// @pre the name fits (golden names do)
inline grid_spec spec_of(const json& module) {
  grid_spec spec;
  const std::string name = module.at("name");
  if (name.size() > static_cast<std::size_t>(max_name_length))
    throw std::runtime_error("golden name too long: " + name);
  name.copy(spec.name, name.size());
  for (const spec_field& f : spec_fields)
    spec.*f.member = f.name == "ranks" ? module.at("ranks").get<int>()
                                       : module.value(std::string(f.name), spec.*f.member);
  spec.language = module.value("language", false);
  return spec;
}

inline std::vector<grid_spec> specs_of(const json& c) {
  std::vector<grid_spec> specs;
  for (const json& m : c.at("modules")) specs.push_back(spec_of(m));
  return specs;
}

// A golden module as the text after --module: NAME:key=value,...[,language], only the keys the
// case gives.
inline std::string module_arg(const json& module) {
  std::string text = module.at("name").get<std::string>() + ":";
  bool first = true;
  for (const spec_field& f : spec_fields) {
    const std::string key(f.name);
    if (!module.contains(key)) continue;
    if (!first) text += ',';
    text.append(key).append("=").append(std::to_string(module.at(key).get<int>()));
    first = false;
  }
  if (module.value("language", false)) text += first ? "language" : ",language";
  return text;
}

// The hetgrid-inspect arguments of a case, before --json / --rank.
inline std::vector<std::string> inspect_args(const json& c) {
  std::vector<std::string> args{"--world", std::to_string(c.at("world").get<int>())};
  for (const json& m : c.at("modules")) {
    args.emplace_back("--module");
    args.push_back(module_arg(m));
  }
  return args;
}

// A one-line name for a case in test output.
inline std::string case_label(const json& c) {
  std::string label = "world " + std::to_string(c.at("world").get<int>()) + ":";
  for (const json& m : c.at("modules")) label.append(" ").append(module_arg(m));
  return label;
}

}  // namespace hetgrid::test
