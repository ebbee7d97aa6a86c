// Loops a scenario could declare without noticing, found at load with a located error instead of
// at run time (where an alias loop left a message "expanding to nobody" for five days, and a CNAME
// loop sent resolvers round in circles):
// - alias loops inside one `mailboxes:` block (sales -> info -> sales);
// - CNAME loops across every zone in the file (a -> b -> a, or a name that is its own CNAME).
// Forwarding loops between users and domains are left to the run on purpose: the MTAs stop them
// as real ones do (Received-header hop count, RFC 5321 §6.3, bounced with 5.4.6), and teachers
// show exactly that.
#pragma once

#include <vector>

#include <yaml-cpp/yaml.h>

#include "protocols/dns/zone.h"
#include "scenarios/load_context.h"

namespace maillab::scenarios {

// A `mailboxes:` block whose aliases were just read: reports each alias loop once, at the first
// alias of the loop in the file.
void report_alias_loops(const YAML::Node& mailboxes_block, LoadContext& context);

// Remembers the CNAME records of a zone just read from `zone_item` (one entry of `zones:`);
// `record_nodes` are its `records:` entries, if it had them, to point at the very line.
void note_cname_records(const dns::Zone& zone, const YAML::Node& zone_item, const std::vector<YAML::Node>& record_nodes,
                        LoadContext& context);

// After every zone is read (a finalizer): reports each CNAME loop once.
void report_cname_loops(LoadContext& context);

}  // namespace maillab::scenarios
