// The framework: built from column lists (the Python layer reads the metadata table).
#include "bindings.hpp"

namespace {

ci::node_kind kind_of(const std::string& k) {
  if (k.empty() || k == "automatic") return ci::node_kind::automatic;
  if (k == "indicator") return ci::node_kind::indicator;
  if (k == "aggregate") return ci::node_kind::aggregate;
  if (k == "ratio") return ci::node_kind::ratio;
  throw ci::spec_error("node kind must be 'indicator', 'aggregate' or 'ratio', got '" + k + "'");
}

std::string kind_name(ci::node_kind k) {
  return k == ci::node_kind::indicator ? "indicator" : k == ci::node_kind::aggregate ? "aggregate"
                                                   : k == ci::node_kind::ratio   ? "ratio"
                                                                                 : "";
}

ci::framework make(const ci::codes& code, const ci::codes& parent, const std::vector<double>& weight,
                   const std::vector<int>& direction, const ci::codes& name, const ci::codes& kind,
                   const std::vector<double>& lower, const std::vector<double>& upper, const std::vector<double>& target,
                   const ci::codes& numerator, const ci::codes& denominator) {
  const std::size_t n = code.size();
  auto check = [n](std::size_t s, const char* what) {
    if (s != n && s != 0)
      throw ci::spec_error(std::string("framework: '") + what + "' has " + std::to_string(s) + " entries for " +
                           std::to_string(n) + " codes");
  };
  check(parent.size(), "parent");
  check(weight.size(), "weight");
  check(direction.size(), "direction");
  check(name.size(), "name");
  check(kind.size(), "kind");
  check(lower.size(), "lower");
  check(upper.size(), "upper");
  check(target.size(), "target");
  check(numerator.size(), "numerator");
  check(denominator.size(), "denominator");
  std::vector<ci::node> nodes(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& nd = nodes[i];
    nd.code = code[i];
    if (!parent.empty()) nd.parent = parent[i];
    if (!weight.empty()) nd.weight = weight[i];
    if (!direction.empty()) nd.direction = direction[i];
    if (!name.empty()) nd.name = name[i];
    if (!kind.empty()) nd.kind = kind_of(kind[i]);
    if (!lower.empty()) nd.lower = lower[i];
    if (!upper.empty()) nd.upper = upper[i];
    if (!target.empty()) nd.target = target[i];
    if (!numerator.empty()) nd.numerator = numerator[i];
    if (!denominator.empty()) nd.denominator = denominator[i];
  }
  return ci::framework(std::move(nodes));
}

template <class T, class F>
std::vector<T> column(const ci::framework& fw, F f) {
  std::vector<T> out;
  for (auto& nd : fw.nodes()) out.push_back(f(nd));
  return out;
}

}  // namespace

void bind_framework(py::module_& m) {
  py::class_<ci::framework>(m, "Framework", "a validated index tree (use compindex.Framework)")
      .def(py::init(&make), py::kw_only(), py::arg("code"), py::arg("parent") = ci::codes{},
           py::arg("weight") = std::vector<double>{}, py::arg("direction") = std::vector<int>{}, py::arg("name") = ci::codes{},
           py::arg("kind") = ci::codes{}, py::arg("lower") = std::vector<double>{}, py::arg("upper") = std::vector<double>{},
           py::arg("target") = std::vector<double>{}, py::arg("numerator") = ci::codes{},
           py::arg("denominator") = ci::codes{})
      .def_property_readonly("size", &ci::framework::size)
      .def_property_readonly("node_codes", &ci::framework::node_codes)
      .def_property_readonly("indicator_codes", &ci::framework::indicator_codes)
      .def_property_readonly("aggregate_codes", &ci::framework::aggregate_codes)
      .def_property_readonly("parents", [](const ci::framework& fw) { return column<std::string>(fw, [](const ci::node& n) { return n.parent; }); })
      .def_property_readonly("names", [](const ci::framework& fw) { return column<std::string>(fw, [](const ci::node& n) { return n.name; }); })
      .def_property_readonly("directions", [](const ci::framework& fw) { return column<int>(fw, [](const ci::node& n) { return n.direction; }); })
      .def_property_readonly("lower", [](const ci::framework& fw) { return column<double>(fw, [](const ci::node& n) { return n.lower; }); })
      .def_property_readonly("upper", [](const ci::framework& fw) { return column<double>(fw, [](const ci::node& n) { return n.upper; }); })
      .def_property_readonly("target", [](const ci::framework& fw) { return column<double>(fw, [](const ci::node& n) { return n.target; }); })
      .def_property_readonly("kinds", [](const ci::framework& fw) {
        // As declared ("" for automatic), but "ratio" for every ratio node.
        return column<std::string>(fw, [&](const ci::node& n) { return fw.is_ratio(fw.index_of(n.code)) ? std::string("ratio") : kind_name(n.kind); });
      })
      .def_property_readonly("levels", [](const ci::framework& fw) {
        std::vector<int> out;
        for (std::size_t i = 0; i < fw.size(); ++i) out.push_back(fw.level(i));
        return out;
      })
      .def_property_readonly("root", [](const ci::framework& fw) { return fw.at(fw.root()).code; })
      .def("is_indicator", [](const ci::framework& fw, const std::string& c) { return fw.is_indicator(fw.index_of(c)); }, py::arg("code"))
      .def("is_ratio", [](const ci::framework& fw, const std::string& c) { return fw.is_ratio(fw.index_of(c)); }, py::arg("code"))
      .def_property_readonly("ratio_codes", [](const ci::framework& fw) {
        ci::codes out;
        for (auto k : fw.ratios()) out.push_back(fw.at(k).code);
        return out;
      })
      .def_property_readonly("numerators", [](const ci::framework& fw) {
        return column<std::string>(fw, [&](const ci::node& n) { return fw.is_ratio(fw.index_of(n.code)) ? n.numerator : std::string(); });
      })
      .def_property_readonly("denominators", [](const ci::framework& fw) {
        return column<std::string>(fw, [&](const ci::node& n) { return fw.is_ratio(fw.index_of(n.code)) ? n.denominator : std::string(); });
      })
      .def("children", [](const ci::framework& fw, const std::string& c) {
        ci::codes out;
        for (auto k : fw.children(fw.index_of(c))) out.push_back(fw.at(k).code);
        return out;
      }, py::arg("code"))
      .def("ancestors", [](const ci::framework& fw, const std::string& c) {
        ci::codes out;
        for (auto k : fw.ancestors(fw.index_of(c))) out.push_back(fw.at(k).code);
        return out;
      }, py::arg("code"))
      .def("index_of", &ci::framework::index_of, py::arg("code"))
      .def_property_readonly("nominal_weights", &ci::framework::nominal_weights)
      .def("add_weight_set", &ci::framework::add_weight_set, py::arg("name"), py::arg("weights"))
      .def("weight_set", &ci::framework::weight_set, py::arg("name"))
      .def_property_readonly("weight_set_names", &ci::framework::weight_set_names)
      .def("effective_weights", [](const ci::framework& fw, const ci::vector& w) { return ci::effective_weights(fw, w); }, py::arg("weights"))
      .def(py::pickle(
          [](const ci::framework& fw) {
            py::dict sets;
            for (auto& name : fw.weight_set_names()) sets[py::str(name)] = fw.weight_set(name);
            return py::make_tuple(2, fw.node_codes(), column<std::string>(fw, [](const ci::node& n) { return n.parent; }),
                                  column<double>(fw, [](const ci::node& n) { return n.weight; }),
                                  column<int>(fw, [](const ci::node& n) { return n.direction; }),
                                  column<std::string>(fw, [](const ci::node& n) { return n.name; }),
                                  column<std::string>(fw, [](const ci::node& n) { return kind_name(n.kind); }),
                                  column<double>(fw, [](const ci::node& n) { return n.lower; }),
                                  column<double>(fw, [](const ci::node& n) { return n.upper; }),
                                  column<double>(fw, [](const ci::node& n) { return n.target; }), sets,
                                  column<std::string>(fw, [](const ci::node& n) { return n.numerator; }),
                                  column<std::string>(fw, [](const ci::node& n) { return n.denominator; }));
          },
          [](const py::tuple& t) {
            // Format 1 (11 entries) predates ratio nodes; format 2 adds numerators and denominators.
            const bool v1 = t.size() == 11 && t[0].cast<int>() == 1, v2 = t.size() == 13 && t[0].cast<int>() == 2;
            if (!v1 && !v2) throw ci::spec_error("Framework: unknown pickle format");
            auto fw = make(t[1].cast<ci::codes>(), t[2].cast<ci::codes>(), t[3].cast<std::vector<double>>(),
                           t[4].cast<std::vector<int>>(), t[5].cast<ci::codes>(), t[6].cast<ci::codes>(),
                           t[7].cast<std::vector<double>>(), t[8].cast<std::vector<double>>(), t[9].cast<std::vector<double>>(),
                           v2 ? t[11].cast<ci::codes>() : ci::codes{}, v2 ? t[12].cast<ci::codes>() : ci::codes{});
            for (auto item : t[10].cast<py::dict>()) {
              const auto w = item.second.cast<ci::vector>();
              std::map<std::string, double> by_code;
              for (std::size_t i = 0; i < fw.size(); ++i) by_code[fw.at(i).code] = w[static_cast<ci::index_t>(i)];
              fw.add_weight_set(item.first.cast<std::string>(), by_code);
            }
            return fw;
          }));
}
