// The inspector's TLS sections for one trace record (viz/model/tls_inspection.h): what an
// eavesdropper on the link sees next to what is inside TLS, and the connection's certificate
// chain with the client's verdict. For a mail protocol hop in the clear, a warning that says so.
#pragma once

#include "engine/core/trace.h"
#include "viz/model/tls_inspection.h"

namespace maillab::viz {

// A packet: what an eavesdropper sees and what is inside TLS; or, in the clear, the warning.
void draw_tls_byte_views(const engine::TraceRecord& record, const TlsInspection& inspection);
// The connection's handshake, certificate chain and verdict (a TLS packet or TLS record).
void draw_tls_connection(const engine::TraceRecord& record, const TlsInspection& inspection);
// A host's TLS: the chain it presents as a server, and its TLS connections with their verdicts.
void draw_host_tls(const HostTlsView& view);

}  // namespace maillab::viz
