"""
OctoPrint's own virtual printer (its plugin virtual_printer, class VirtualPrinter, a file-like
serial object) served on a pty, so that any host can print to it as to a serial printer. Used by
`npm run bench:octoprint-virtual`; no OctoPrint code is in this repository: it is imported at run
time from OCTOPRINT_SRC (a checkout of OctoPrint; its `src` folder goes on sys.path).

The printer runs with the plugin's default settings, as OctoPrint's "VIRTUAL" port does, faults
included (simulated_errors: a resend at N100, a resend with no answer at N105, "No Line Number
with checksum" with neither Resend nor ok at N110, a checksum mismatch at N115).

Usage: python3 octoprint-virtual-bridge.py --link PATH --record FILE [--serial-log FILE]
  --link    a symlink to the pty's device, for the host to open
  --record  each command the printer accepted (past its line-number and checksum checks), one
            JSON line {"t": monotonic seconds, "line": text}; written as it comes
Prints "ready on PATH" once the link exists; stops on SIGTERM.
"""
import argparse
import json
import os
import pty
import signal
import sys
import tempfile
import threading
import time
import tty


def load_octoprint():
    src = os.environ.get("OCTOPRINT_SRC")
    if not src:
        sys.exit("OCTOPRINT_SRC is not set (a checkout of OctoPrint)")
    sys.path.insert(0, os.path.join(src, "src"))
    import octoprint.plugin
    from octoprint.plugins.virtual_printer import VirtualPrinterPlugin
    from octoprint.plugins.virtual_printer import virtual

    # its hooks are looked up in the plugin manager: an empty one, as no plugin adds any here
    octoprint.plugin.plugin_manager(init=True, plugin_folders=[], plugin_entry_points=[])
    return VirtualPrinterPlugin().get_settings_defaults(), virtual


class DefaultSettings:
    """The settings object the printer reads, answering from the plugin's own defaults."""

    def __init__(self, defaults, basefolder):
        self._defaults = defaults
        self._basefolder = basefolder

    def get(self, path, merged=False, **_kwargs):
        node = self._defaults
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return node

    def get_int(self, path, **kwargs):
        value = self.get(path, **kwargs)
        return None if value is None else int(value)

    def get_float(self, path, **kwargs):
        value = self.get(path, **kwargs)
        return None if value is None else float(value)

    def get_boolean(self, path, **kwargs):
        return bool(self.get(path, **kwargs))

    def global_get_basefolder(self, name, **_kwargs):
        folder = os.path.join(self._basefolder, name)
        os.makedirs(folder, exist_ok=True)
        return folder


def serial_log(path):
    if not path:
        return None
    import logging

    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(created).3f %(message)s"))
    return handler


class NoProfiles:
    """Only read when m115ReportArea is on, which it is not by default."""

    def get_current_or_default(self):
        return {}


class RecordingRegex:
    """Stands in for the printer's command regex, which sees each accepted command once."""

    def __init__(self, regex, record):
        self._regex = regex
        self._record = record

    def match(self, data):
        self._record.write(json.dumps({"t": time.monotonic(), "line": data.strip()}) + "\n")
        return self._regex.match(data)

    def __getattr__(self, name):
        return getattr(self._regex, name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--link", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--serial-log", help="the printer's own log of what it got (<<<) and said (>>>)")
    args = parser.parse_args()

    defaults, virtual = load_octoprint()
    record = open(args.record, "w", buffering=1)
    virtual.VirtualPrinter.command_regex = RecordingRegex(virtual.VirtualPrinter.command_regex, record)

    basefolder = tempfile.mkdtemp(prefix="octoprint-virtual-")
    printer = virtual.VirtualPrinter(
        DefaultSettings(defaults, basefolder),
        NoProfiles(),
        data_folder=basefolder,
        seriallog_handler=serial_log(args.serial_log),
        read_timeout=0.1,
    )

    master, slave = pty.openpty()
    tty.setraw(slave)  # bytes as they are: no echo, no line discipline
    if os.path.lexists(args.link):
        os.unlink(args.link)
    os.symlink(os.ttyname(slave), args.link)
    stopping = threading.Event()

    def host_to_printer():
        while not stopping.is_set():
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            # its input holds rxBuffer (64) bytes: it takes what fits and says how much,
            # as a serial port's write would block; the rest waits here for room
            while data and not stopping.is_set():
                try:
                    data = data[printer.write(data) :]
                except virtual.SerialTimeoutException:
                    continue

    def printer_to_host():
        while not stopping.is_set():
            line = printer.readline()
            if line:
                # it hands out lines without their end, as its serial readline strips them anyway
                os.write(master, line.rstrip(b"\r\n") + b"\n")

    for target in (host_to_printer, printer_to_host):
        threading.Thread(target=target, daemon=True).start()

    def stop(*_):
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"ready on {args.link}", flush=True)
    while not stopping.wait(0.2):
        pass
    printer.close()
    record.close()
    os.unlink(args.link)
    # the reader thread may sit in os.read: leave without joining it
    os._exit(0)


if __name__ == "__main__":
    main()
