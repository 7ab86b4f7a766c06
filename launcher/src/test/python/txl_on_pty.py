#!/usr/bin/env python3
"""Runs `bin/txl create -c` on a pseudo-terminal and checks how it leaves the terminal.

Usage: txl_on_pty.py TXL CONFIG ENDING [ARG...]

ENDING is how the run ends: "normal" (the guest stops by itself), "detach" (Ctrl-] then the
guest stops), "SIGINT", "SIGTERM", "SIGHUP" (the signal sent to txl once the guest prints), or
"hangup" (the terminal's master side is closed, as when a terminal window is closed).

Before starting txl the terminal gets unusual settings, line speeds among them, so that a
restore through anything less than the exact saved settings shows. It prints one line of JSON:
{"status": exit status or -signal, "seconds": from the ending to exit, "before": `stty -a`,
"after": `stty -a` (null after a hangup), "output": what txl wrote to the terminal}.
"""
import json
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time
import fcntl

MARKER = b"@@bench"
TIMEOUT = 60


def stty_all(fd):
    return subprocess.run(["stty", "-a"], stdin=fd, capture_output=True, text=True, check=True).stdout


def read_available(master, seconds):
    data = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([master], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


def main():
    txl, config, ending = sys.argv[1], sys.argv[2], sys.argv[3]
    extra = sys.argv[4:]
    master, slave = pty.openpty()
    # Unusual but valid settings: 4800 baud, no echo of control characters, erase ^H.
    subprocess.run(["stty", "speed", "4800", "-echoctl", "erase", "^H", "rows", "31",
                    "cols", "97"], stdin=slave, stdout=subprocess.DEVNULL, check=True)
    before = stty_all(slave)

    def controlling_terminal():
        # A shell on a terminal starts txl with the default dispositions; a test runner started
        # in the background (nohup, or `&` without job control) would pass on SIGHUP or SIGINT
        # ignored, and txl rightly keeps ignoring what it inherits ignored.
        for number in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM):
            signal.signal(number, signal.SIG_DFL)
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen([txl, "create", "-F", "-c", config] + extra, stdin=slave, stdout=slave, stderr=slave,
                               preexec_fn=controlling_terminal, close_fds=True)
    output = b""
    deadline = time.monotonic() + TIMEOUT
    if ending != "normal":
        while MARKER not in output and time.monotonic() < deadline and process.poll() is None:
            output += read_available(master, 0.2)
    started = time.monotonic()
    if ending == "detach":
        os.write(master, b"\x1d")
    elif ending == "hangup":
        os.close(slave)
        os.close(master)
        slave = master = None
    elif ending != "normal":
        process.send_signal(getattr(signal, ending))
    status = None
    while time.monotonic() < deadline:
        if master is not None:
            output += read_available(master, 0.1)
        else:
            time.sleep(0.05)
        status = process.poll()
        if status is not None:
            break
    seconds = time.monotonic() - started
    if status is None:
        process.kill()
        process.wait()
    if master is not None:
        output += read_available(master, 0.2)
    after = stty_all(slave) if slave is not None else None
    print(json.dumps({"status": status, "seconds": round(seconds, 3), "before": before, "after": after,
                      "output": output.decode("utf-8", "replace")}))


if __name__ == "__main__":
    main()
