"""`maillab run --pcap --keylog` on scenarios/mail-intro.yaml, then tshark: without the key log
the SMTP submission after STARTTLS is opaque TLS; with `-o tls.keylog_file:FILE` tshark decrypts
it and finds alice's `AUTH PLAIN` inside TLS, and the ClientHello/ServerHello are dissected.

usage: keylog_tshark.py MAILLAB
"""
import os
import subprocess
import sys

from bridge_harness import scratch_directory

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def tshark(*args):
    result = subprocess.run(["/usr/bin/tshark", *args], capture_output=True, text=True, timeout=120)
    return result.stdout


def main():
    if not os.path.exists("/usr/bin/tshark"):
        print("SKIP  tshark is not installed")
        return
    directory = scratch_directory("maillab-keylog-")
    pcap, keylog = os.path.join(directory, "run.pcap"), os.path.join(directory, "keys.log")
    run = subprocess.run([sys.argv[1], "run", "scenarios/mail-intro.yaml", "--trace", "none", "--pcap", pcap,
                          "--keylog", keylog], cwd=SOURCE_DIR, capture_output=True, text=True, timeout=120)
    failures = []

    def check(condition, label, detail=""):
        print(("PASS  " if condition else "FAIL  ") + label + ("" if condition else ": " + str(detail)[-1500:]))
        if not condition:
            failures.append(label)

    check(run.returncode == 0, "maillab run mail-intro.yaml exits 0", run.stdout + run.stderr)
    keys = open(keylog).read()
    check("CLIENT_TRAFFIC_SECRET_0" in keys or "CLIENT_RANDOM" in keys, "the key log has NSS lines", keys[:300])

    handshakes = tshark("-r", pcap, "-Y", "tls.handshake.type == 1 || tls.handshake.type == 2",
                        "-T", "fields", "-e", "tls.handshake.type")
    check("1" in handshakes.split() and "2" in handshakes.split(),
          "tshark dissects ClientHello (1) and ServerHello (2)", handshakes)

    opaque = tshark("-r", pcap, "-Y", "smtp.req.command == \"AUTH\"", "-T", "fields", "-e", "smtp.req.parameter")
    check("PLAIN" not in opaque, "without the key log, AUTH is not visible (it is inside TLS)", opaque)

    decrypted = tshark("-r", pcap, "-o", "tls.keylog_file:" + keylog, "-Y", "tls && smtp.req.command == \"AUTH\"",
                       "-T", "fields", "-e", "smtp.req.parameter")
    check("PLAIN" in decrypted, "with -o tls.keylog_file, tshark finds AUTH PLAIN inside TLS", decrypted)

    print("keylog tshark: %d failed" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
