"""Real TLS through the bridge: the simulated servers speak TLS 1.2/1.3 with certificates from the
world's CA (which `maillab bridge --ca-file` writes), and real clients verify them.

Python's smtplib (SMTP_SSL on 465, starttls() on 587), imaplib (IMAP4_SSL on 993), poplib
(POP3_SSL on 995) with a verifying context, and `openssl s_client -starttls smtp` and on 993/995;
a client that does not trust the CA is refused.

usage: tls_interop.py MAILLAB
"""
import imaplib
import os
import poplib
import smtplib
import ssl
import subprocess
import sys
import tempfile

from bridge_harness import Bridge, Checks


def main():
    checks = Checks("tls interop")
    directory = tempfile.mkdtemp(prefix="maillab-tls-")
    ca_file = os.path.join(directory, "world-ca.pem")
    keylog = os.path.join(directory, "keys.log")
    bridge = Bridge(sys.argv[1], extra=("--ca-file", ca_file, "--keylog", keylog))
    context = ssl.create_default_context(cafile=ca_file)  # verifies the chain and 127.0.0.1
    try:
        checks.check(os.path.exists(ca_file) and "BEGIN CERTIFICATE" in open(ca_file).read(),
                     "the bridge wrote the world's CA certificate to --ca-file")
        checks.check(ca_file in bridge.output(), "the bridge names the CA file at start")

        with smtplib.SMTP_SSL("127.0.0.1", bridge.port("mail.example.org", "smtps"), timeout=15,
                              context=context) as smtp:
            code, _ = smtp.ehlo("real-client.test")
            checks.check(code == 250, "SMTP_SSL on 465: TLS handshake verified, EHLO 250", code)
            checks.check(not smtp.has_extn("starttls"), "465: no STARTTLS inside TLS")
            version = smtp.sock.version()
            checks.check(version in ("TLSv1.3", "TLSv1.2"), "465: negotiated " + str(version), version)
            code, _ = smtp.login("alice", "alice-pass")
            checks.check(code == 235, "AUTH PLAIN inside TLS on 465: 235", code)

        with smtplib.SMTP("127.0.0.1", bridge.port("mail.example.org", "smtp-submission"), timeout=15) as smtp:
            smtp.ehlo("real-client.test")
            checks.check(smtp.has_extn("starttls"), "587 offers STARTTLS")
            code, _ = smtp.starttls(context=context)
            checks.check(code == 220, "STARTTLS: 220, then a verified handshake (RFC 3207)", code)
            smtp.ehlo("real-client.test")
            checks.check("PLAIN" in smtp.esmtp_features.get("auth", ""), "EHLO after TLS announces AUTH",
                         smtp.esmtp_features)
            code, _ = smtp.login("alice", "alice-pass")
            checks.check(code == 235, "AUTH after STARTTLS: 235", code)
            refused = smtp.sendmail("alice@example.org", ["carol@example.net"],
                                    "From: alice@example.org\r\nTo: carol@example.net\r\nSubject: over TLS\r\n\r\nhi\r\n")
            checks.check(refused == {}, "a message sent over STARTTLS is accepted", refused)

        imap = imaplib.IMAP4_SSL("127.0.0.1", bridge.port("mail.example.org", "imaps"), ssl_context=context,
                                 timeout=15)
        status, _ = imap.login("alice", "alice-pass")
        checks.check(status == "OK", "IMAP4_SSL on 993: verified handshake, LOGIN OK", status)
        status, _ = imap.select("INBOX")
        checks.check(status == "OK", "IMAP4_SSL: SELECT INBOX", status)
        imap.logout()

        pop = poplib.POP3_SSL("127.0.0.1", bridge.port("mail.example.org", "pop3s"), context=context, timeout=15)
        pop.user("alice")
        reply = pop.pass_("alice-pass")
        checks.check(reply.startswith(b"+OK"), "POP3_SSL on 995: verified handshake, PASS +OK", reply)
        pop.quit()

        untrusting = ssl.create_default_context()  # the system's CAs only
        try:
            smtplib.SMTP_SSL("127.0.0.1", bridge.port("mail.example.org", "smtps"), timeout=15,
                             context=untrusting).quit()
            checks.check(False, "a client without the world's CA refuses the certificate")
        except ssl.SSLCertVerificationError as error:
            checks.check("certificate verify failed" in str(error),
                         "a client without the world's CA refuses the certificate", error)

        if os.path.exists("/usr/bin/openssl"):
            for label, args, expect in (
                    ("openssl s_client -starttls smtp on 587",
                     ["-starttls", "smtp", "-connect", "127.0.0.1:%d" % bridge.port("mail.example.org", "smtp-submission")],
                     "221"),  # the reply to our QUIT, inside TLS
                    ("openssl s_client on 993 (IMAPS)",
                     ["-connect", "127.0.0.1:%d" % bridge.port("mail.example.org", "imaps")], "* OK"),
                    ("openssl s_client on 995 (POP3S)",
                     ["-connect", "127.0.0.1:%d" % bridge.port("mail.example.org", "pop3s")], "+OK")):
                result = subprocess.run(["/usr/bin/openssl", "s_client", "-CAfile", ca_file, "-verify_return_error",
                                         "-verify_ip", "127.0.0.1", "-quiet", *args],
                                        input="a LOGOUT\r\n" if "IMAP" in label else "QUIT\r\n", capture_output=True, text=True,
                                        timeout=30)
                checks.check("verify return:1" in result.stderr and expect in result.stdout,
                             label + ": verified, the server answers", result.stdout[-300:] + result.stderr[-300:])
        else:
            print("SKIP  openssl is not installed")
    finally:
        output = checks.finish(bridge)
    checks.check("TLS established: TLSv1.3" in output, "trace: the server side records the handshake")
    keys = open(keylog).read() if os.path.exists(keylog) else ""
    checks.check("CLIENT_TRAFFIC_SECRET_0" in keys or "CLIENT_RANDOM" in keys, "--keylog holds the session secrets")
    checks.report()


if __name__ == "__main__":
    main()
