"""msmtp (GnuTLS) sends through the bridge with its default TLS settings, trusting the world's CA
(--tls-trust-file): implicit TLS on 465 (--tls=on --tls-starttls=off), STARTTLS with AUTH on 587
and STARTTLS without AUTH on 25 (--tls=on, STARTTLS being msmtp's default). Each message must
arrive in its recipient's INBOX (read back over IMAPS), and msmtp must have reported a verified
TLS session. Without the CA file msmtp refuses the certificate.

usage: msmtp_interop.py MAILLAB
"""
import subprocess

from bridge_harness import start_client_test

ORG = "mail.example.org"


def msmtp(bridge, service, recipient, subject, sender, options):
    text = "From: %s\nTo: %s\nSubject: %s\n\nsent by msmtp_interop.py\n" % (sender, recipient, subject)
    command = ["msmtp", "--debug", "--host=127.0.0.1", "--port=%d" % bridge.port(ORG, service),
               "--from=" + sender, *options, recipient]
    return subprocess.run(command, input=text, capture_output=True, text=True, timeout=60)


def main():
    checks, bridge = start_client_test("msmtp interop", "msmtp")
    trust = "--tls-trust-file=" + bridge.ca_file
    login = ["--auth=on", "--user=alice", "--passwordeval=echo alice-pass"]
    try:
        cases = (
            ("smtps", "465 implicit TLS (--tls-starttls=off) with AUTH", ["--tls=on", "--tls-starttls=off", trust, *login],
             "carol@example.net", "alice@example.org", ("mail.example.net", "carol", "carol-pass")),
            ("smtp-submission", "587 STARTTLS with AUTH", ["--tls=on", trust, *login],
             "carol@example.net", "alice@example.org", ("mail.example.net", "carol", "carol-pass")),
            ("smtp", "25 STARTTLS, no AUTH (as an MTA)", ["--tls=on", "--tls-starttls=on", trust, "--auth=off"],
             "bob@example.org", "carol@example.net", (ORG, "bob", "bob-pass")),
        )
        for service, label, options, recipient, sender, mailbox in cases:
            subject = "msmtp " + label
            result = msmtp(bridge, service, recipient, subject, sender, options)
            checks.check(result.returncode == 0, "msmtp %s: exit 0" % label, result.stdout[-600:] + result.stderr[-600:])
            # --debug prints the negotiated session: "(TLS1.3)-(ECDHE-...)-(ECDSA-...)-(AES-256-GCM)".
            checks.check("TLS session parameters:" in result.stdout and "TLS1." in result.stdout,
                         "msmtp %s: a verified TLS session" % label, result.stdout[-600:])
            if service != "smtps":
                checks.check("--> STARTTLS" in result.stdout, "msmtp %s: STARTTLS before anything else" % label)
            checks.check(bridge.wait_for_subject(*mailbox, subject), "msmtp %s: the message arrived" % label)

        refused = msmtp(bridge, "smtps", "carol@example.net", "msmtp untrusted", "alice@example.org",
                        ["--tls=on", "--tls-starttls=off", *login])  # the system's CAs only
        checks.check(refused.returncode != 0 and "certificate" in (refused.stdout + refused.stderr).lower(),
                     "msmtp without the world's CA refuses the certificate", refused.stderr[-300:])
    finally:
        checks.finish(bridge)
    checks.report()


if __name__ == "__main__":
    main()
