"""
OctoPrint's printing layer (octoprint.util.comm.MachineCom, what prints in OctoPrint) driving a
serial port, with OctoPrint's default settings: connects, prints one local file, disconnects.
Used by `npm run bench:octoprint-virtual` to print the same file cuttle prints, on the same
printer. OctoPrint is imported at run time from OCTOPRINT_SRC (a checkout; its `src` on sys.path).

Usage: python3 octoprint-comm-driver.py --port PATH --file GCODE [--baudrate 115200]
Last line: {"seconds": print time from start to done, "state": final state, "version": "…"}.
"""
import argparse
import json
import os
import sys
import tempfile
import threading
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--baudrate", type=int, default=115200)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    src = os.environ.get("OCTOPRINT_SRC")
    if not src:
        sys.exit("OCTOPRINT_SRC is not set (a checkout of OctoPrint)")
    sys.path.insert(0, os.path.join(src, "src"))

    import octoprint
    import octoprint.plugin
    import octoprint.settings
    from octoprint.printer.profile import PrinterProfileManager

    basedir = tempfile.mkdtemp(prefix="octoprint-comm-")
    octoprint.settings.settings(init=True, basedir=basedir)
    octoprint.plugin.plugin_manager(init=True, plugin_folders=[], plugin_entry_points=[])
    from octoprint.util import comm

    operational = threading.Event()
    finished = threading.Event()
    outcome = {}

    class Callback(comm.MachineComPrintCallback):
        def on_comm_state_change(self, state):
            if state == comm.MachineCom.STATE_OPERATIONAL:
                operational.set()
            elif state in (comm.MachineCom.STATE_ERROR, comm.MachineCom.STATE_CLOSED_WITH_ERROR):
                outcome.setdefault("state", "error")
                finished.set()
                operational.set()

        def on_comm_print_job_done(self, suppress_script=False):
            outcome.setdefault("state", "done")
            outcome["end"] = time.monotonic()
            finished.set()

        def on_comm_print_job_failed(self, reason=None):
            outcome.setdefault("state", f"failed: {reason}")
            finished.set()

        def on_comm_print_job_cancelled(self, suppress_script=False, user=None):
            outcome.setdefault("state", "cancelled")
            finished.set()

    machine = comm.MachineCom(
        port=args.port,
        baudrate=args.baudrate,
        callbackObject=Callback(),
        printerProfileManager=PrinterProfileManager(),
    )
    machine.start()
    if not operational.wait(60) or outcome.get("state") == "error":
        print(json.dumps({"seconds": None, "state": outcome.get("state", "not operational"), "version": octoprint.__version__}))
        machine.close()
        return
    machine.selectFile(args.file, False)
    start = time.monotonic()
    machine.startPrint()
    finished.wait(args.timeout)
    end = outcome.get("end")
    machine.close()
    print(
        json.dumps(
            {
                "seconds": None if end is None else end - start,
                "state": outcome.get("state", "timeout"),
                "version": octoprint.__version__,
            }
        ),
        flush=True,
    )
    os._exit(0)


if __name__ == "__main__":
    main()
