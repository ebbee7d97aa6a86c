// The `pop3:` and `imap:` host blocks: a mail host's POP3 server (110, and 995 with implicit TLS)
// and IMAP server (143, and 993). Both serve the host's `mailboxes:` block, which must be there.
//
//   pop3: {}                                   # ports 110 and 995
//   imap: {ports: [143], tls_ports: [993]}     # the same as {}; `tls_ports: []` turns 993 off
//   pop3: {starttls: false}                    # no STLS on 110 (IMAP: no STARTTLS on 143)
//   imap: {login_requires_tls: true}           # no password in the clear: LOGINDISABLED until
//                                              # STARTTLS (POP3: no USER until STLS)
// The same keys in a `set:` action change a running server: {set: {host: mail, imap: {ports: []}}}
// closes 143 (sessions already open go on), {imap: {login_requires_tls: true}} holds for the next
// connection.
#include "engine/hosts/mailbox/imap_service.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/hosts/mailbox/pop3_service.h"
#include "scenarios/modules/builtin_modules.h"

namespace maillab::scenarios {
namespace {

struct AccessState {
  struct Declared {
    engine::Host* host;
    SourceLocation where;
    std::string block;
  };
  std::vector<Declared> declared;
  bool finalizer_added = false;
};

std::optional<std::vector<std::uint16_t>> ports(const YAML::Node& node, std::string_view what, LoadContext& context) {
  if (!node.IsSequence()) {
    context.error(node, std::string(what) + " is " + LoadContext::describe(node), "a list of ports like [110]");
    return std::nullopt;
  }
  std::vector<std::uint16_t> out;
  for (const auto& item : node) {
    auto port = context.port(item, what);
    if (!port) return std::nullopt;
    out.push_back(*port);
  }
  return out;
}

// The block's keys over `options` (the defaults, or a running server's settings for `set:`).
template <typename Options>
std::optional<Options> parse_ports(const YAML::Node& block, std::string_view name, LoadContext& context,
                                   Options options = {}) {
  if (block.IsNull()) return options;  // `pop3:` with nothing after it
  if (!context.check_keys(block, name, {}, {"ports", "tls_ports", "hostname", "starttls", "login_requires_tls"})) return std::nullopt;
  if (block["ports"]) {
    auto list = ports(block["ports"], std::string(name) + " ports", context);
    if (!list) return std::nullopt;
    options.plain_ports = *list;
  }
  if (block["tls_ports"]) {
    auto list = ports(block["tls_ports"], std::string(name) + " tls_ports", context);
    if (!list) return std::nullopt;
    options.tls_ports = *list;
  }
  if (block["hostname"]) {
    auto hostname = context.text(block["hostname"], std::string(name) + " hostname");
    if (!hostname) return std::nullopt;
    options.hostname = *hostname;
  }
  if (block["starttls"]) {
    auto starttls = context.boolean(block["starttls"], std::string(name) + " starttls");
    if (!starttls) return std::nullopt;
    options.starttls = *starttls;
  }
  if (block["login_requires_tls"]) {
    auto required = context.boolean(block["login_requires_tls"], std::string(name) + " login_requires_tls");
    if (!required) return std::nullopt;
    options.login_requires_tls = *required;
  }
  return options;
}

void remember(const YAML::Node& block, engine::Host& host, const std::string& name, LoadContext& context) {
  auto& state = context.world.module_state<AccessState>();
  state.declared.push_back({&host, context.location(block), name});
}

// Runs after every host exists: a POP3/IMAP server needs mailboxes on its own host.
void check_mailboxes(LoadContext& context) {
  auto& state = context.world.module_state<AccessState>();
  for (const auto& declared : state.declared)
    if (!declared.host->find_service<engine::MailboxService>())
      context.error(declared.where,
                    "host " + declared.host->name() + " has a " + declared.block + ": block but no mailboxes to serve",
                    "a mailboxes: block on the same host");
  state.declared.clear();
}

// `set: {host: H, pop3|imap: {...}}`: checked now against the server's settings, applied at its time.
template <typename Service>
std::optional<SettingChange> set_access(const YAML::Node& block, engine::Host& host, LoadContext& context,
                                        const std::string& name) {
  auto* service = host.find_service<Service>();
  if (!service) {
    context.error(block, "'" + host.name() + "' runs no " + name + " server", "a host with a " + name + ": block");
    return std::nullopt;
  }
  if (!parse_ports(block, name, context, service->options())) return std::nullopt;
  World* world = &context.world;
  return SettingChange([service, world, block, name, file = context.file()]() -> std::vector<std::string> {
    // Read again over the settings as they are now (an earlier set: may have changed them).
    Diagnostics diagnostics;
    LoadContext again(*world, diagnostics, file);
    auto next = parse_ports(block, name, again, service->options());
    if (!next) return {"not applied: " + diagnostics.errors().front().message};
    return service->apply_options(std::move(*next));
  });
}

}  // namespace

void register_mailbox_access_module(Registry& registry) {
  registry.add_service_parser("pop3", [](const YAML::Node& block, engine::Host& host, LoadContext& context)
                                          -> std::unique_ptr<engine::Service> {
    auto options = parse_ports<engine::Pop3ServiceOptions>(block, "pop3", context);
    if (!options) return nullptr;
    remember(block, host, "pop3", context);
    return std::make_unique<engine::Pop3Service>(*options);
  });
  registry.add_service_parser("imap", [](const YAML::Node& block, engine::Host& host, LoadContext& context)
                                          -> std::unique_ptr<engine::Service> {
    auto options = parse_ports<engine::ImapServiceOptions>(block, "imap", context);
    if (!options) return nullptr;
    remember(block, host, "imap", context);
    return std::make_unique<engine::ImapService>(*options);
  });
  registry.add_setting("pop3", [](const YAML::Node& block, engine::Host& host, LoadContext& context) {
    return set_access<engine::Pop3Service>(block, host, context, "pop3");
  });
  registry.add_setting("imap", [](const YAML::Node& block, engine::Host& host, LoadContext& context) {
    return set_access<engine::ImapService>(block, host, context, "imap");
  });
  registry.add_finalizer(check_mailboxes, FinalizePhase::after_topology);
}

}  // namespace maillab::scenarios
