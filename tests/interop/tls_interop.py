"""Real TLS through the bridge: the simulated servers speak TLS 1.2/1.3 with certificates from the
world's CA (which `maillab bridge --ca-file` writes), and real clients verify them with their
default settings, pointed at that file.

Python's smtplib (SMTP_SSL on 465, starttls() on 587 and 25), imaplib (IMAP4_SSL on 993,
starttls() on 143), poplib (POP3_SSL on 995, stls() on 110), each with
ssl.create_default_context(cafile=CA): mail sent must arrive (read back over IMAPS), mail fetched
must be the welcome message. Then `openssl s_client` (plain on 465/993/995, -starttls
smtp|imap|pop3 on 25/587/143/110): "Verify return code: 0 (ok)" against the CA file, then a
command answered inside TLS. A client that does not trust the CA is refused.

usage: tls_interop.py MAILLAB
"""
import imaplib
import os
import poplib
import smtplib
import ssl
import subprocess
import sys

from bridge_harness import Bridge, Checks, scratch_directory

ORG = "mail.example.org"


def message(sender, recipient, subject):
    return "From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\nsent by tls_interop.py\r\n" % (sender, recipient, subject)


def login_and_send(checks, smtp, port, subject):
    code, _ = smtp.login("alice", "alice-pass")
    checks.check(code == 235, "%s: AUTH PLAIN inside TLS: 235" % port, code)
    refused = smtp.sendmail("alice@example.org", ["carol@example.net"],
                            message("alice@example.org", "carol@example.net", subject))
    checks.check(refused == {}, "%s: the message is accepted" % port, refused)


def python_smtp(checks, bridge, context):
    with smtplib.SMTP_SSL("127.0.0.1", bridge.port(ORG, "smtps"), timeout=15, context=context) as smtp:
        code, _ = smtp.ehlo("real-client.test")
        checks.check(code == 250, "SMTP_SSL on 465: TLS handshake verified, EHLO 250", code)
        checks.check(not smtp.has_extn("starttls"), "465: no STARTTLS inside TLS")
        version = smtp.sock.version()
        checks.check(version in ("TLSv1.3", "TLSv1.2"), "465: negotiated " + str(version), version)
        login_and_send(checks, smtp, "465", "smtplib SMTP_SSL 465")

    with smtplib.SMTP("127.0.0.1", bridge.port(ORG, "smtp-submission"), timeout=15) as smtp:
        smtp.ehlo("real-client.test")
        checks.check(smtp.has_extn("starttls"), "587 offers STARTTLS")
        code, _ = smtp.starttls(context=context)
        checks.check(code == 220, "STARTTLS: 220, then a verified handshake (RFC 3207)", code)
        smtp.ehlo("real-client.test")
        checks.check("PLAIN" in smtp.esmtp_features.get("auth", ""), "EHLO after TLS announces AUTH",
                     smtp.esmtp_features)
        login_and_send(checks, smtp, "587 after STARTTLS", "smtplib starttls 587")

    # Port 25, as another MTA would: STARTTLS, no AUTH, mail for the server's own domain.
    with smtplib.SMTP("127.0.0.1", bridge.port(ORG, "smtp"), timeout=15) as smtp:
        smtp.ehlo("client.example.net")
        code, _ = smtp.starttls(context=context)
        checks.check(code == 220, "STARTTLS on 25: 220, then a verified handshake", code)
        refused = smtp.sendmail("carol@example.net", ["bob@example.org"],
                                message("carol@example.net", "bob@example.org", "smtplib starttls 25"))
        checks.check(refused == {}, "25: a message for bob@example.org over STARTTLS is accepted", refused)

    for host, user, password, subject in (("mail.example.net", "carol", "carol-pass", "smtplib SMTP_SSL 465"),
                                          ("mail.example.net", "carol", "carol-pass", "smtplib starttls 587"),
                                          (ORG, "bob", "bob-pass", "smtplib starttls 25")):
        checks.check(bridge.wait_for_subject(host, user, password, subject),
                     "%r arrived in %s's INBOX (read over IMAPS)" % (subject, user))


WELCOME = "Welcome to the bridge lab"


def imap_fetch_first(checks, imap, label):
    status, _ = imap.login("alice", "alice-pass")
    checks.check(status == "OK", label + ": LOGIN OK", status)
    imap.select("INBOX", readonly=True)
    _, data = imap.fetch(b"1", "(BODY.PEEK[])")
    checks.check(WELCOME.encode() in data[0][1], label + ": FETCH 1 is the welcome message")
    imap.logout()


def pop_retrieve_first(checks, pop, label):
    pop.user("alice")
    reply = pop.pass_("alice-pass")
    checks.check(reply.startswith(b"+OK"), label + ": PASS +OK", reply)
    checks.check(WELCOME.encode() in b"\n".join(pop.retr(1)[1]), label + ": RETR 1 is the welcome message")
    pop.quit()


def python_fetch(checks, bridge, context):
    checks.check(bridge.wait_for_subject(ORG, "alice", "alice-pass", WELCOME), "the welcome message is in alice's INBOX")
    imap_fetch_first(checks, imaplib.IMAP4_SSL("127.0.0.1", bridge.port(ORG, "imaps"), ssl_context=context, timeout=15),
                     "IMAP4_SSL on 993 (verified handshake)")

    imap = imaplib.IMAP4("127.0.0.1", bridge.port(ORG, "imap"), timeout=15)
    checks.check("STARTTLS" in imap.capabilities, "143 offers STARTTLS", imap.capabilities)
    status, _ = imap.starttls(ssl_context=context)
    checks.check(status == "OK", "IMAP4.starttls() on 143: OK, then a verified handshake (RFC 3501 §6.2.1)", status)
    imap_fetch_first(checks, imap, "143 after STARTTLS")

    pop_retrieve_first(checks, poplib.POP3_SSL("127.0.0.1", bridge.port(ORG, "pop3s"), context=context, timeout=15),
                       "POP3_SSL on 995 (verified handshake)")

    pop = poplib.POP3("127.0.0.1", bridge.port(ORG, "pop3"), timeout=15)
    checks.check("STLS" in pop.capa(), "110 offers STLS in CAPA (RFC 2595 §4)")
    reply = pop.stls(context=context)
    checks.check(reply.startswith(b"+OK"), "POP3.stls() on 110: +OK, then a verified handshake", reply)
    pop_retrieve_first(checks, pop, "110 after STLS")


def openssl_s_client(checks, bridge, ca_file):
    """s_client verifies against the CA (return code 0), then a command is answered inside TLS.
    -ign_eof: stdin's end does not end the session (the server's reply to QUIT/LOGOUT does), and a
    line starting with Q is sent, not taken as s_client's own quit command."""
    cases = (
        ("smtps", [], "EHLO openssl.test\r\nQUIT\r\n", ["250-mail.example.org", "221 "]),
        ("smtp-submission", ["-starttls", "smtp"], "EHLO openssl.test\r\nQUIT\r\n", ["250-AUTH", "221 "]),
        ("smtp", ["-starttls", "smtp"], "EHLO openssl.test\r\nQUIT\r\n", ["250-", "221 "]),
        ("imaps", [], "a CAPABILITY\r\nb LOGOUT\r\n", ["* CAPABILITY IMAP4rev1", "b OK"]),
        ("imap", ["-starttls", "imap"], "a CAPABILITY\r\nb LOGOUT\r\n", ["* CAPABILITY IMAP4rev1", "b OK"]),
        ("pop3s", [], "CAPA\r\nQUIT\r\n", ["+OK capability", "+OK"]),
        ("pop3", ["-starttls", "pop3"], "CAPA\r\nQUIT\r\n", ["+OK capability", "+OK"]),
    )
    for service, starttls, commands, replies in cases:
        port = bridge.port(ORG, service)
        label = "openssl s_client %s-connect :%d (%s)" % (" ".join(starttls) + " " if starttls else "", port, service)
        try:
            result = subprocess.run(["/usr/bin/openssl", "s_client", "-CAfile", ca_file, "-verify_return_error",
                                     "-verify_ip", "127.0.0.1", "-ign_eof", *starttls, "-connect", "127.0.0.1:%d" % port],
                                    input=commands, capture_output=True, text=True, timeout=30)
            output = result.stdout
        except subprocess.TimeoutExpired as error:
            output = (error.stdout or b"").decode() if isinstance(error.stdout, bytes) else (error.stdout or "")
        # "Verification: OK" is printed only when a certificate was received and verified; the
        # return code alone is also 0 when no handshake happened at all.
        checks.check("Verification: OK" in output and "Verify return code: 0 (ok)" in output,
                     label + ": the chain verifies against the CA file (Verify return code: 0)", output[-400:])
        # The replies come after the handshake's session report, so they crossed inside TLS.
        after = output.split("Verify return code: 0 (ok)", 1)[-1]
        checks.check(all(reply in after for reply in replies), label + ": %r answered inside TLS" % commands.split("\r\n")[0],
                     after[-400:])


def main():
    checks = Checks("tls interop")
    directory = scratch_directory("maillab-tls-")
    ca_file = os.path.join(directory, "world-ca.pem")
    keylog = os.path.join(directory, "keys.log")
    bridge = Bridge(sys.argv[1], extra=("--ca-file", ca_file, "--keylog", keylog))
    context = ssl.create_default_context(cafile=ca_file)  # verifies the chain and 127.0.0.1
    try:
        checks.check(os.path.exists(ca_file) and "BEGIN CERTIFICATE" in open(ca_file).read(),
                     "the bridge wrote the world's CA certificate to --ca-file")
        checks.check(ca_file in bridge.output(), "the bridge names the CA file at start")
        python_smtp(checks, bridge, context)
        python_fetch(checks, bridge, context)

        untrusting = ssl.create_default_context()  # the system's CAs only
        try:
            smtplib.SMTP_SSL("127.0.0.1", bridge.port(ORG, "smtps"), timeout=15, context=untrusting).quit()
            checks.check(False, "a client without the world's CA refuses the certificate")
        except ssl.SSLCertVerificationError as error:
            checks.check("certificate verify failed" in str(error),
                         "a client without the world's CA refuses the certificate", error)

        openssl_s_client(checks, bridge, ca_file)
    finally:
        output = checks.finish(bridge)
    checks.check("TLS established: TLSv1.3" in output, "trace: the server side records the handshake")
    keys = open(keylog).read() if os.path.exists(keylog) else ""
    checks.check("CLIENT_TRAFFIC_SECRET_0" in keys or "CLIENT_RANDOM" in keys, "--keylog holds the session secrets")
    checks.report()


if __name__ == "__main__":
    main()
