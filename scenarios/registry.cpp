#include "scenarios/registry.h"

#include <cassert>

namespace maillab::scenarios {
namespace {

template <typename Map, typename Value>
void insert_once(Map& map, std::string key, Value value) {
  [[maybe_unused]] bool inserted = map.emplace(std::move(key), std::move(value)).second;
  assert(inserted && "a scenario key was registered twice");
}

template <typename Map>
const typename Map::mapped_type* find_in(const Map& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

template <typename Map>
std::vector<std::string> keys_of(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  return keys;
}

}  // namespace

void Registry::add_service_parser(std::string key, ServiceParser parser) {
  insert_once(services_, std::move(key), std::move(parser));
}
void Registry::add_action(std::string key, ActionParser parser) { insert_once(actions_, std::move(key), std::move(parser)); }
void Registry::add_expectation(std::string key, ExpectationParser parser) {
  insert_once(expectations_, std::move(key), std::move(parser));
}
void Registry::add_finalizer(Finalizer finalizer, FinalizePhase phase) {
  (phase == FinalizePhase::after_topology ? after_topology_ : after_all_).push_back(std::move(finalizer));
}

void Registry::add_section(std::string key, SectionParser parser) {
  for ([[maybe_unused]] const auto& existing : sections_) assert(existing.first != key && "a section was registered twice");
  sections_.emplace_back(std::move(key), std::move(parser));
}

void Registry::add_setting(std::string key, SettingParser parser) {
  insert_once(settings_, std::move(key), std::move(parser));
}

const ServiceParser* Registry::service_parser(const std::string& key) const { return find_in(services_, key); }
const ActionParser* Registry::action(const std::string& key) const { return find_in(actions_, key); }
const ExpectationParser* Registry::expectation(const std::string& key) const { return find_in(expectations_, key); }
const std::vector<Finalizer>& Registry::finalizers(FinalizePhase phase) const {
  return phase == FinalizePhase::after_topology ? after_topology_ : after_all_;
}

const SettingParser* Registry::setting(const std::string& key) const { return find_in(settings_, key); }
std::vector<std::string> Registry::setting_keys() const { return keys_of(settings_); }
std::vector<std::string> Registry::service_keys() const { return keys_of(services_); }
std::vector<std::string> Registry::action_keys() const { return keys_of(actions_); }
std::vector<std::string> Registry::expectation_keys() const { return keys_of(expectations_); }

const Registry& builtin_registry() {
  static const Registry registry = [] {
    Registry r;
    register_builtin_modules(r);
    return r;
  }();
  return registry;
}

}  // namespace maillab::scenarios
