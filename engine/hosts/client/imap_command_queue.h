// The mail client's IMAP command runner moved to protocols/imap/command_runner.h (imap::CommandRunner,
// sans-I/O protocol code belongs in protocols/); the response readers to
// protocols/imap/client_responses.h. This header only forwards there for files that still include it
// (mail_client_service.cpp); remove it once they do not.
#pragma once

#include "protocols/imap/client_responses.h"
#include "protocols/imap/command_runner.h"
