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

void refuse_connection(Host& host, const std::shared_ptr<StreamConnection>& connection, const std::string& peer,
                       const std::string& protocol, const std::string& line) {
  connection->send(line + "\r\n");
  record_mail_access(host, TraceKind::protocol, host.name(), peer, protocol, line, connection->id());
  connection->close();
}

}  // namespace maillab::engine
