#include "engine/hosts/mailbox/session_server.h"

namespace maillab::engine {

void listen_plain_and_tls(Host& host, const std::vector<std::uint16_t>& plain_ports,
                          const std::vector<std::uint16_t>& tls_ports,
                          std::function<void(const std::shared_ptr<StreamConnection>&, bool)> accept) {
  for (auto port : plain_ports)
    host.listen(port, [accept](std::shared_ptr<StreamConnection> connection) { accept(connection, false); });
  for (auto port : tls_ports)
    host.listen(port, [accept](std::shared_ptr<StreamConnection> connection) { accept(connection, true); });
}

std::vector<std::string> relisten(Host& host, const std::vector<std::uint16_t>& old_plain,
                                  const std::vector<std::uint16_t>& old_tls,
                                  const std::vector<std::uint16_t>& plain_ports,
                                  const std::vector<std::uint16_t>& tls_ports,
                                  const std::function<void(const std::shared_ptr<StreamConnection>&, bool)>& accept) {
  auto modes = [](const std::vector<std::uint16_t>& plain, const std::vector<std::uint16_t>& tls) {
    std::map<std::uint16_t, bool> out;  // port -> implicit TLS
    for (auto port : plain) out[port] = false;
    for (auto port : tls) out[port] = true;
    return out;
  };
  const auto before = modes(old_plain, old_tls);
  const auto after = modes(plain_ports, tls_ports);
  std::vector<std::string> effects;
  for (const auto& [port, tls] : before)
    if (auto found = after.find(port); found == after.end() || found->second != tls) {
      host.unlisten(port);
      effects.push_back("port " + std::to_string(port) + " closed");
    }
  for (const auto& [port, tls] : after)
    if (auto found = before.find(port); found == before.end() || found->second != tls) {
      const bool implicit_tls = tls;  // a structured binding cannot be captured before C++20's P1091 (clang 14)
      host.listen(port, [accept, implicit_tls](std::shared_ptr<StreamConnection> connection) {
        accept(connection, implicit_tls);
      });
      effects.push_back("port " + std::to_string(port) + " open");
    }
  return effects;
}

void refuse_connection(Host& host, const std::shared_ptr<StreamConnection>& connection, const std::string& peer,
                       const std::string& protocol, const std::string& line) {
  connection->send(line + "\r\n");
  record_mail_access(host, TraceKind::protocol, host.name(), peer, protocol, line, connection->id());
  connection->close();
}

}  // namespace maillab::engine
