"""fetchmail (OpenSSL) fetches alice's mail through the bridge with its default TLS settings,
trusting the world's CA (--sslcertfile; certificate checking, sslcertck, is fetchmail's default):
POP3 on 995 and IMAP on 993 with --ssl (implicit TLS), then POP3 on 110 and IMAP on 143 with no
TLS option at all, where fetchmail's default is to upgrade with STLS / STARTTLS when the server
offers it. Each fetch must deliver the welcome message to fetchmail's MDA (a file here), over a
TLS session fetchmail reports. Without the CA file, fetchmail refuses the certificate.

usage: fetchmail_interop.py MAILLAB
"""
import getpass
import os
import subprocess

from bridge_harness import start_client_test, scratch_directory

ORG = "mail.example.org"
WELCOME = "Welcome to the bridge lab"


def fetch(directory, name, protocol, port, options):
    """Runs fetchmail once, the TLS `options` on its command line (--ssl, --sslcertfile FILE) and
    the password in its own rc file; returns (result, what its MDA received)."""
    mailbox = os.path.join(directory, name + ".mbox")
    rc_file = os.path.join(directory, name + ".fetchmailrc")
    with open(rc_file, "w") as rc:
        rc.write('set no syslog\n'
                 'poll 127.0.0.1 with protocol %s service %d\n'
                 '  user "alice" there with password "alice-pass" is "%s" here\n'
                 '  keep fetchall\n'
                 '  mda "/bin/sh -c \'cat >> %s\'"\n' % (protocol, port, getpass.getuser(), mailbox))
    os.chmod(rc_file, 0o600)  # fetchmail refuses a password file others can read
    command = ["fetchmail", "-f", rc_file, "-v", "--nodetach", "--idfile", os.path.join(directory, name + ".ids"),
               "--pidfile", os.path.join(directory, name + ".pid"), *options]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, HOME=directory, FETCHMAILHOME=directory))
    received = open(mailbox).read() if os.path.exists(mailbox) else ""
    return result, received


def main():
    checks, bridge = start_client_test("fetchmail interop", "fetchmail")
    directory = scratch_directory("maillab-fetchmail-")
    trust = ["--sslcertfile", bridge.ca_file]
    try:
        checks.check(bridge.wait_for_subject(ORG, "alice", "alice-pass", WELCOME), "the welcome message is in alice's INBOX")
        cases = (
            ("pop3s", "POP3", "pop3s", ["--ssl", *trust], None),
            ("imaps", "IMAP", "imaps", ["--ssl", *trust], None),
            ("pop3-stls", "POP3", "pop3", trust, "POP3> STLS"),
            ("imap-starttls", "IMAP", "imap", trust, "STARTTLS"),
        )
        for name, protocol, service, options, upgrade in cases:
            port = bridge.port(ORG, service)
            label = "fetchmail %s on %d (%s)" % (protocol, port, service + (", default STARTTLS" if upgrade else ", --ssl"))
            result, received = fetch(directory, name, protocol, port, options)
            log = result.stdout + result.stderr
            checks.check(result.returncode == 0, label + ": exit 0", log[-800:])
            checks.check("SSL/TLS: using protocol TLSv1." in log, label + ": a TLS session", log[-800:])
            # fetchmail sends SNI "127.0.0.1" (RFC 6066 forbids addresses there): the server still
            # presents its own certificate, not one made for the address.
            checks.check("Subject CommonName: mail.example.org" in log, label + ": the server's own certificate",
                         log[:800])
            if upgrade:
                checks.check(upgrade in log, label + ": upgraded the plain connection first", log[-800:])
            checks.check(WELCOME in received, label + ": the welcome message reached the MDA", received[-300:])

        result, received = fetch(directory, "untrusted", "POP3", bridge.port(ORG, "pop3s"), ["--ssl"])
        checks.check(result.returncode != 0 and WELCOME not in received,
                     "fetchmail without the world's CA refuses the certificate", (result.stdout + result.stderr)[-300:])
    finally:
        checks.finish(bridge)
    checks.report()


if __name__ == "__main__":
    main()
