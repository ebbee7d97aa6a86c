#include "protocols/dns/message.h"

namespace maillab::dns {

Message make_response(const Message& query, Rcode rcode) {
  Message response;
  response.header.id = query.header.id;
  response.header.is_response = true;
  response.header.opcode = query.header.opcode;
  response.header.recursion_desired = query.header.recursion_desired;
  response.header.checking_disabled = query.header.checking_disabled;
  response.header.rcode = rcode;
  response.questions = query.questions;
  if (query.edns) response.edns = Edns{};
  return response;
}

}  // namespace maillab::dns

