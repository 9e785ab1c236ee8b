#!/usr/bin/python3
"""pty-run.py CMD... — run CMD with its stdout and its stderr each on a pseudo-terminal of its own (stdin
from /dev/null) and print {"stdout", "stderr", "status"} as JSON: what a command that insists on a
terminal (systemctl edit: "Cannot edit units if not on a tty.") writes to each stream, kept apart.
Output post-processing is switched off on both terminals, so "\\n" stays "\\n"."""
import json
import os
import select
import sys
import termios


def raw_pty():
    master, slave = os.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    return master, slave


def main():
    out_m, out_s = raw_pty()
    err_m, err_s = raw_pty()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_s, 1)
        os.dup2(err_s, 2)
        for fd in (null, out_s, err_s, out_m, err_m):
            os.close(fd)
        try:
            os.execvp(sys.argv[1], sys.argv[1:])
        except OSError as e:
            os.write(2, f"pty-run: {sys.argv[1]}: {e.strerror}\n".encode())
            os._exit(127)
    os.close(out_s)
    os.close(err_s)
    got = {out_m: b"", err_m: b""}
    open_fds = [out_m, err_m]
    status = None
    # Until the command exits, then what is left: a helper it leaves behind (systemctl's password
    # agent) may hold the terminals open, so their end of file is not waited for.
    while open_fds:
        if status is None:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
        ready, _, _ = select.select(open_fds, [], [], 0.05 if status is None else 0)
        if not ready and status is not None:
            break
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the other side is closed
                data = b""
            if data:
                got[fd] += data
            else:
                open_fds.remove(fd)
    if status is None:
        _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    json.dump({"stdout": got[out_m].decode("utf-8", "replace"), "stderr": got[err_m].decode("utf-8", "replace"),
               "status": code}, sys.stdout)


main()
