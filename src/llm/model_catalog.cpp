#include "llm/model_catalog.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/embedded.hpp"

namespace cs::llm {

Result<std::vector<ModelInfo>> parseModelCatalog(std::string_view toml_text,
                                                 const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::kBadCatalog, origin + ":" + std::to_string(e.source().begin.line) +
                                            ": " + std::string(e.description()));
  }
  const auto* list = root["models"].as_array();
  if (!list || list->empty())
    return fail(ErrorCode::kBadCatalog, origin + ": needs at least one [[models]] entry");
  std::vector<ModelInfo> out;
  std::set<std::string> ids;
  static const std::set<std::string, std::less<>> kKeys = {
      "id",         "provider",           "upstream_model",       "display_name",
      "prompt",     "cost_per_1k_tokens", "input_cost_per_token", "output_cost_per_token",
      "max_tokens", "temperature"};
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto* t = list->get(i)->as_table();
    const std::string where = origin + ": models[" + std::to_string(i) + "]";
    if (!t) return fail(ErrorCode::kBadCatalog, where + ": expected a table");
    for (const auto& [k, v] : *t)
      if (!kKeys.contains(k.str()))
        return fail(ErrorCode::kBadCatalog, where + "." + std::string(k.str()) + ": unknown key");
    ModelInfo m;
    m.id = (*t)["id"].value_or(std::string());
    m.provider = (*t)["provider"].value_or(std::string());
    m.upstream_model = (*t)["upstream_model"].value_or(m.id);
    m.display_name = (*t)["display_name"].value_or(m.id);
    m.prompt = (*t)["prompt"].value_or(m.provider);
    m.max_tokens = static_cast<int>((*t)["max_tokens"].value_or(std::int64_t{400}));
    m.temperature = (*t)["temperature"].value_or(0.9);
    if (m.id.empty()) return fail(ErrorCode::kBadCatalog, where + ".id: required");
    if (m.provider.empty()) return fail(ErrorCode::kBadCatalog, where + ".provider: required");
    if (!ids.insert(m.id).second)
      return fail(ErrorCode::kBadCatalog, where + ".id: duplicate \"" + m.id + "\"");
    if (m.max_tokens < 16 || m.max_tokens > 32'000)
      return fail(ErrorCode::kBadCatalog, where + ".max_tokens: must be 16..32000");
    const auto avg = (*t)["cost_per_1k_tokens"].value<double>();
    const auto in = (*t)["input_cost_per_token"].value<double>();
    const auto outp = (*t)["output_cost_per_token"].value<double>();
    if (in || outp) {
      if (!in || !outp)
        return fail(ErrorCode::kBadCatalog,
                    where + ": set both input_cost_per_token and output_cost_per_token");
      m.input_cost_per_token = *in;
      m.output_cost_per_token = *outp;
    } else if (avg) {
      m.input_cost_per_token = m.output_cost_per_token = *avg / 1000.0;
    } else {
      return fail(ErrorCode::kBadCatalog,
                  where + ": needs cost_per_1k_tokens or input/output_cost_per_token");
    }
    if (m.input_cost_per_token < 0 || m.output_cost_per_token < 0)
      return fail(ErrorCode::kBadCatalog, where + ": prices must be >= 0");
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::vector<ModelInfo>> loadModelCatalog(const std::string& path) {
  if (path.empty())
    return parseModelCatalog(embeddedFile("config/models.toml"), "config/models.toml");
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::kBadCatalog, "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parseModelCatalog(ss.str(), path);
}

std::string callableModelList(const std::vector<ModelStatus>& models) {
  std::string list;
  for (const auto& m : models)
    if (m.enabled) list += (list.empty() ? "" : ", ") + m.info.id;
  return list.empty() ? "none (no model has an API key)" : list;
}

Result<const ModelStatus*> findCallableModel(const std::vector<ModelStatus>& models,
                                             const std::string& id) {
  const auto it =
      std::find_if(models.begin(), models.end(), [&](const auto& m) { return m.info.id == id; });
  if (it == models.end())
    return fail(ErrorCode::kUnknownModel,
                "unknown model '" + id + "'; valid models: " + callableModelList(models));
  if (!it->enabled)
    return fail(ErrorCode::kModelDisabled, "model '" + id + "' is disabled (" +
                                               it->disabled_reason +
                                               "); valid models: " + callableModelList(models));
  return &*it;
}

}  // namespace cs::llm
