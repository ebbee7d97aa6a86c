// The names RFC 8446 §4 and §6 give handshake message types and alert descriptions, for labels
// and trace text ("ServerHello", "certificate_expired").
#pragma once

#include <string_view>

namespace maillab::tls {

std::string_view handshake_message_name(unsigned char type);
std::string_view alert_name(unsigned char description);

}  // namespace maillab::tls
