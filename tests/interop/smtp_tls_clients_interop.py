"""Two more real SMTP clients send over TLS through the bridge, verifying the certificate against
the world's CA: swaks (Perl, Net::SSLeay) with --tls (STARTTLS on 587) and --tls-on-connect (465),
and s-nail (OpenSSL) with smtp-use-starttls (587) and an smtps:// mta (465), the client issue 11
found failing with "wrong version number". Each message must arrive in carol's INBOX (read back
over IMAPS).

usage: smtp_tls_clients_interop.py MAILLAB
"""
import os
import shutil
import subprocess

from bridge_harness import start_client_test, scratch_directory

ORG = "mail.example.org"


def swaks(bridge, service, subject, tls):
    return ["swaks", "--server", "127.0.0.1", "--port", str(bridge.port(ORG, service)), tls, "--tls-verify",
            "--tls-ca-path", bridge.ca_file, "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "alice-pass",
            "--from", "alice@example.org", "--to", "carol@example.net", "--header", "Subject: " + subject]


def s_nail(bridge, url, subject, *options):
    # -:/ reads no rc file; v15-compat takes the password from the URL.
    return ["s-nail", "-v", "-:/", "-Sv15-compat", "-Smta=" + url, "-Stls-ca-file=" + bridge.ca_file, *options,
            "-Sfrom=alice@example.org", "-s", subject, "carol@example.net"]


def main():
    checks, bridge = start_client_test("smtp tls clients interop", "s-nail")
    home = scratch_directory("maillab-s-nail-")
    try:
        checks.check(shutil.which("swaks"), "swaks is installed (scripts_common.sh)")
        login = "alice:alice-pass@127.0.0.1"
        cases = (
            ("swaks --tls on 587 (STARTTLS)", swaks(bridge, "smtp-submission", "swaks --tls 587", "--tls"),
             "swaks --tls 587", "TLS started with cipher TLSv1."),
            ("swaks --tls-on-connect on 465", swaks(bridge, "smtps", "swaks --tls-on-connect 465", "--tls-on-connect"),
             "swaks --tls-on-connect 465", "TLS started with cipher TLSv1."),
            ("s-nail smtp-use-starttls on 587",
             s_nail(bridge, "smtp://%s:%d" % (login, bridge.port(ORG, "smtp-submission")), "s-nail starttls 587",
                    "-Ssmtp-use-starttls"), "s-nail starttls 587", "TLS certificate ok"),
            ("s-nail smtps:// on 465", s_nail(bridge, "smtps://%s:%d" % (login, bridge.port(ORG, "smtps")),
                                              "s-nail smtps 465"), "s-nail smtps 465", "TLS certificate ok"),
        )
        for label, command, subject, verified in cases:
            result = subprocess.run(command, input="sent by smtp_tls_clients_interop.py\n", capture_output=True,
                                    text=True, timeout=60, env=dict(os.environ, HOME=home))
            log = result.stdout + result.stderr
            checks.check(result.returncode == 0 and verified in log, label + ": exit 0 over a verified TLS session",
                         log[-600:])
            checks.check(bridge.wait_for_subject("mail.example.net", "carol", "carol-pass", subject),
                         label + ": the message arrived in carol's INBOX")
    finally:
        checks.finish(bridge)
    checks.report()


if __name__ == "__main__":
    main()
