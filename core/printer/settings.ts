/**
 * The printer connection's settings (`serial.*`): the port, the protocol's flow control and
 * timeouts, and the built-in simulated printer (`serial.virtual`), including its fault injection,
 * which tests and benchmarks use. Contributed by printerModule; each value's type is its default's.
 */
import { choice, type SchemaValue } from '../settings/settings-schema.js';
import { defineSettings } from '../settings/settings-section.js';
import { FIRMWARE_IDS } from './protocol/dialects.js';

const rate = { format: (v: unknown) => { if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error('must be a number from 0 to 1'); } };

/** `serial.*`: read with `settings.of(serialSettings)`. */
export const serialSettings = defineSettings('serial', {
  port: { doc: 'Serial device to connect to, or "virtual" for the built-in simulated printer.', format: String, default: 'virtual', env: 'CUTTLE_SERIAL_PORT' },
  baudrate: { doc: 'Baud rate.', format: 'nat', default: 115200 },
  additionalPorts: {
    doc: 'Globs of device paths that may be connected besides the serial ports the host detects (e.g. "/dev/myprinter*", "/tmp/printer-*" for socat links); "*" and "?" stop at "/". A port that is neither detected, matched here, "virtual" nor an allowed tcp:// host is refused.',
    format: Array,
    default: [] as string[],
  },
  additionalBaudrates: { doc: 'Baud rates that may be connected besides the usual ones (115200, 250000, 230400, 57600, 38400, 19200, 9600).', format: Array, default: [] as number[] },
  tcp: {
    connectTimeoutMs: { doc: 'Network serial (tcp://host:port): milliseconds to wait for the bridge to accept the connection.', format: 'nat', default: 5000 },
    keepAliveMs: {
      doc: 'Network serial: milliseconds of silence before TCP keep-alive probes start, so that an idle link to a bridge that vanished (powered off, out of WiFi range) ends as an unplugged cable once the system\'s probes go unanswered; 0 turns keep-alive off. While commands wait for answers, serial.timeout.communication notices a silent bridge first.',
      format: 'nat',
      default: 10000,
    },
    allowedHosts: {
      doc: 'Network serial: hosts a tcp:// port may name: IP addresses, CIDR ranges ("192.168.1.0/24") or host names, written exactly. Loopback only by default; a bridge on the network must be listed.',
      format: Array,
      default: ['127.0.0.0/8', '::1', 'localhost'] as string[],
    },
  },
  autoconnect: { doc: 'Connect to the printer when the host starts.', format: Boolean, default: false },
  firmware: {
    doc: `Firmware family: "auto" learns it from M115's FIRMWARE_NAME; one of ${FIRMWARE_IDS.join(', ')} forces it.`,
    ...choice(['auto', ...FIRMWARE_IDS], 'auto'),
  },
  waitAsOk: {
    doc: 'A "wait" from the printer (its queue is empty; Repetier sends it every second) while a command is in flight stands for that command\'s lost "ok", so the print goes on at once.',
    format: Boolean,
    default: true,
  },
  longRunningCommands: {
    doc: 'Commands that may run for minutes without a word (besides heat-and-wait M109/M190/M191/M116, which never time out): the communication timeout does not apply while one is in flight.',
    format: Array,
    default: ['G4', 'G28', 'G29', 'G30', 'G32', 'M400', 'M226', 'M600'],
  },
  window: {
    doc: 'Commands in flight (sent, not yet acknowledged by "ok") when the firmware reports ADVANCED_OK; without it the window is 1. Stock Marlin holds 4 commands plus about 3 typical lines in its 128-byte receive buffer: up to 6 is safe, more loses lines (recovered by resends, at a cost).',
    format: 'nat',
    default: 1,
  },
  historySize: { doc: 'Sent lines kept for "Resend: N" replays; must exceed the window.', format: 'nat', default: 100 },
  temperatureInterval: {
    doc: 'Seconds between temperature reports: the M155 auto-report interval when the firmware supports it, else the M105 polling interval. 0 turns reporting off.',
    format: 'nat',
    default: 2,
  },
  sdStatusInterval: { doc: 'Seconds between M27 progress queries while printing from the SD card.', format: Number, default: 1 },
  timeout: {
    connection: { doc: 'Milliseconds to wait for the firmware to answer the handshake before the connection ends in Error.', format: 'nat', default: 10000 },
    hello: { doc: 'Milliseconds between repeated "M110 N0" hellos while waiting for the first "ok".', format: 'nat', default: 1000 },
    communication: {
      doc: 'Milliseconds without an answer to the host\'s commands ("ok", a resend request, a "busy:" keep-alive, a reply), while commands wait for their "ok", before the host nudges the printer with M105. Temperature reports and "echo:" messages do not count.',
      format: 'nat',
      default: 30000,
    },
    maxNudges: { doc: 'Consecutive unanswered M105 nudges after which the connection ends in Error.', format: 'nat', default: 5 },
  },
  virtual: {
    firmware: { doc: `Simulated printer: the firmware family it plays (${FIRMWARE_IDS.join(', ')}).`, ...choice(FIRMWARE_IDS, 'marlin') },
    speedFactor: { doc: 'Simulated printer: time multiplier for moves, dwell and heating (10 = ten times faster).', format: Number, default: 1 },
    motion: { doc: 'Simulated printer: moves take the time their distance and feedrate give (false: moves are instant).', format: Boolean, default: true },
    pacing: {
      doc: 'Simulated printer: pace bytes at the baud rate (10 bits per byte, 8N1). Always on over a pty; this switches it for the in-process "virtual" port.',
      format: Boolean,
      default: false,
    },
    extruders: { doc: 'Simulated printer: number of hotends (T0…Tn-1).', format: 'nat', default: 1 },
    sdFolder: { doc: "Simulated printer: folder that backs its SD card; empty means 'virtual-sd' under the basedir.", format: String, default: '' },
    advancedOk: { doc: 'Simulated printer: report ADVANCED_OK and answer "ok N P B".', format: Boolean, default: true },
    autoreportTemp: { doc: 'Simulated printer: report AUTOREPORT_TEMP and honour M155.', format: Boolean, default: true },
    autoreportPos: { doc: 'Simulated printer: report AUTOREPORT_POS and honour M154 (position auto-report, Marlin 2).', format: Boolean, default: true },
    faults: {
      checksumErrorRate: { doc: 'Simulated printer: share of received lines treated as checksum mismatches (answered with Resend).', ...rate, default: 0 },
      garbageRate: { doc: 'Simulated printer: share of answers preceded by a garbage line.', ...rate, default: 0 },
      lostOkAfterLines: { doc: 'Simulated printer: drop the "ok" of the Nth numbered line (0: never).', format: 'nat', default: 0 },
      disconnectAfterLines: { doc: 'Simulated printer: close the connection after N numbered lines (0: never).', format: 'nat', default: 0 },
      silentAfterLines: { doc: 'Simulated printer: stop answering after N numbered lines (0: never).', format: 'nat', default: 0 },
      duplicateOkAfterLines: { doc: 'Simulated printer: send the "ok" of the Nth numbered line twice (0: never).', format: 'nat', default: 0 },
      resendAckedAfterLines: { doc: 'Simulated printer: after the Nth line, ask for a line it already acknowledged (0: never).', format: 'nat', default: 0 },
      staleResendAfterLines: { doc: 'Simulated printer: after the Nth line, ask for line 1 again, as if it had rebooted without a banner (0: never).', format: 'nat', default: 0 },
      resendBurstAfterLines: { doc: 'Simulated printer: refuse the line after the Nth several times in a row (0: never).', format: 'nat', default: 0 },
      resendBurstLength: { doc: 'Simulated printer: how many times in a row resendBurstAfterLines refuses that line.', format: 'nat', default: 3 },
      unansweredErrorAfterLines: {
        doc: 'Simulated printer: after the Nth line, take the next line as if its line number were lost: "Error: No Line Number with checksum", with neither Resend nor ok, as OctoPrint\'s virtual printer answers (0: never).',
        format: 'nat',
        default: 0,
      },
      resendBeforeError: { doc: 'Simulated printer: send "Resend" before the "Error:" line when refusing a line.', format: Boolean, default: false },
      longLineAfterLines: { doc: 'Simulated printer: after the Nth line, send a 10 000-byte line (0: never).', format: 'nat', default: 0 },
      resetAfterLines: { doc: 'Simulated printer: reboot (banner, line counter 0) after the Nth line (0: never).', format: 'nat', default: 0 },
      fragmentRate: { doc: 'Simulated printer: share of answers written in two pieces a few milliseconds apart.', ...rate, default: 0 },
      seed: { doc: 'Simulated printer: seed of the fault generator, so that a failing run can be repeated.', format: 'nat', default: 1 },
    },
  },
});

export type SerialSettings = SchemaValue<typeof serialSettings.schema>;
/** The simulated printer's settings (`serial.virtual`). */
export type VirtualPrinterConfig = SerialSettings['virtual'];
