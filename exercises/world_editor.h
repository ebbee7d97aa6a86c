// Repairs without a text editor: the settings an exercise typically breaks, read from a work
// file's world as editable fields, changed, and written back as valid YAML (the model behind an
// edit mode in the visualizer; tests drive it headless). Fields:
//   zone records     a DNS server's zone, one master-file line per line of text
//   relay domains    an MTA's relay_domains, comma-separated
//   outbound tls     an MTA's outbound_tls policy: may, encrypt or verify
//   quota            a mailbox user's quota in bytes ("" for none)
//   smtp server/port a mail client account's outgoing server and port
//   link up          a link's up state, "true" or "false"
// Saving keeps the work file's header (its comments and the exercise: line) as it was and
// writes the scenario block anew with yaml-cpp (valid and readable; flow and block styles as
// they were). yaml-cpp does not carry comments: those of the scenario block are put back beside
// the lines they were beside, except on lines the edit changed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "exercises/work_file.h"
#include "scenarios/diagnostics.h"

namespace maillab::exercises {

struct EditableField {
  enum class Kind { zone_records, relay_domains, outbound_tls, quota, smtp_server, smtp_port, link_up };
  Kind kind = Kind::zone_records;
  std::string label;  // "ns1.example.org: zone example.org"
  std::string value;  // the current value as text (see above)
  YAML::Node node;    // the YAML node it edits (a records list, an mta map, a user map, ...)
};

class WorldEditor {
 public:
  // nullopt (with diagnostics) when the work file does not read.
  static std::optional<WorldEditor> open(const std::string& work_path, scenarios::Diagnostics& diagnostics);

  const std::vector<EditableField>& fields() const { return fields_; }
  // The first field of `kind` whose label contains `label_part`; nullopt when none does.
  std::optional<std::size_t> find(EditableField::Kind kind, const std::string& label_part) const;
  // Sets a field from text; false (and `error` says why, nothing changed) when the text does not fit.
  bool set(std::size_t field, const std::string& value, std::string& error);

  // The work file's text with the edits.
  std::string text() const;
  // Writes the edits over the work file, under the header the file has at that moment (a hint
  // revealed meanwhile stays counted).
  bool save(std::string& error) const;

 private:
  std::string text_under(const std::string& header) const;

  WorkFile work_;
  YAML::Node scenario_;
  std::string header_text_;  // everything up to and including the exercise: line
  std::vector<EditableField> fields_;
};

}  // namespace maillab::exercises
