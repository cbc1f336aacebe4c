/**
 * A lost "ok" must never hang a print. The field report this reproduces: the printer answered line
 * 105 with an error and Resend:105, the resent N105 got no "ok", and from then on only "wait" (once
 * a second, Repetier-style) and temperature reports came: the old host took those as progress and
 * waited for ever. Now "wait" stands for the lost "ok" at once, and without "wait" the nudge comes
 * after the communication timeout whatever chatter keeps arriving; heat-and-wait commands and
 * busy keep-alives never time out.
 */
import { expect } from 'chai';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GcodeProtocol, type ProtocolOptions } from '../../core/printer/protocol/protocol.js';
import { startPtyPrinter } from '../../core/printer/simulator/pty.js';
import { ManualClock, turn } from '../support/clock.js';
import { fastSerial, gcodeFile, passThroughHandler, ptyFixture, ScriptedTransport, startPrinterHost, typicalLines } from './helpers.js';
import { waitFor } from '../support/wait.js';

describe('the stall after a resend whose "ok" never comes (regression)', function () {
  this.timeout(30000);
  const fixture = ptyFixture();
  const dir = fixture.dir;

  it('goes on within one "wait": the print finishes exactly and loses under 1.5 s', async () => {
    // Repetier: refuses line 105 once (Error, Resend:105, ok), then drops the "ok" of the resent N105
    const pty = await startPtyPrinter(path.join(dir, 'stall-printer'), {
      firmware: 'repetier',
      pacing: true,
      baudrate: 250000,
      motion: false,
      sdFolder: path.join(dir, 'sd'),
      faults: { resendBurstAfterLines: 104, resendBurstLength: 1, lostOkAfterLines: 105 },
    });
    // a communication timeout far longer than the test: only "wait" can rescue the print
    const h = await startPrinterHost(fastSerial({}, { temperatureInterval: 1, timeout: { connection: 5000, hello: 300, communication: 60000, maxNudges: 3 } }));
    fixture.set(h, pty);
    const sentAt: { line: string; at: number }[] = [];
    h.printer.onLog(({ direction, line }) => direction === 'send' && sentAt.push({ line, at: performance.now() }));
    const lines = typicalLines(300);
    await h.printer.connect({ port: pty.link, baudrate: 250000 });
    await h.printer.selectFile(gcodeFile(dir, 'stall.gcode', lines), true);
    await waitFor(() => h.names().includes('PrintDone'), 20000, 'PrintDone');

    const resent = sentAt.filter((s) => s.line.startsWith('N105 '));
    expect(resent, 'N105 was sent, refused and sent again').to.have.length(2);
    const next = sentAt.find((s) => s.line.startsWith('N106 '))!;
    const lost = next.at - resent[1]!.at;
    expect(lost, 'ms between the resent N105 and N106').to.be.lessThan(1500);
    expect(pty.printer.executed.filter((c) => c.command.startsWith('G1')).map((c) => c.command)).to.deep.equal(lines);
    expect(h.names()).to.not.include('Error');
  });
});

// in virtual time: the protocol's timers run on a clock the test advances (support/clock.ts)
describe('what counts as progress for the communication timeout', () => {
  const handler = passThroughHandler();
  const options: ProtocolOptions = { historySize: 50, communicationTimeout: 300, maxNudges: 3, waitAsOk: false, longRunning: new Set(['G28']) };

  async function connected(overrides: Partial<ProtocolOptions> = {}) {
    const transport = new ScriptedTransport();
    const clock = new ManualClock();
    const protocol = new GcodeProtocol(transport, handler, { ...options, ...overrides }, clock);
    const hello = protocol.handshake(1000, 1000);
    transport.reply('ok');
    await hello;
    return { transport, protocol, clock };
  }

  /** Feeds `lines` every 50 ms (of the clock's time) until `until` is true or `ms` passed; returns how long it took. */
  async function chatter(clock: ManualClock, transport: ScriptedTransport, lines: string[], until: () => boolean, ms: number): Promise<number> {
    const start = clock.now();
    while (!until() && clock.now() - start < ms) {
      await clock.advance(50);
      transport.reply(...lines);
    }
    return clock.now() - start;
  }

  const nudged = (t: ScriptedTransport) => t.written.includes('M105');

  it('temperature auto-reports, "echo:" messages and "wait" do not hold the nudge off', async () => {
    const { transport, protocol, clock } = await connected();
    protocol.enqueue({ command: 'G1 X10', context: { fromJob: true, code: 'G1' } });
    const took = await chatter(clock, transport, ['T:210.0 /210.0 B:60.0 /60.0 @:0 B@:0', 'echo:SD card ok', 'wait', '// message', 'Warning: cold extrusion'], () => nudged(transport), 3000);
    expect(nudged(transport), 'nudged despite the chatter').to.equal(true);
    // the timeout (300 ms) plus at most one watchdog period (75 ms) and one chatter step (50 ms)
    expect(took, 'ms until the nudge').to.be.within(300, 425);
    protocol.close();
  });

  it('with waitAsOk (the default), a "wait" stands for the lost "ok" at once, without a nudge', async () => {
    const { transport, protocol } = await connected({ waitAsOk: true, communicationTimeout: 60000 });
    protocol.enqueue({ command: 'G1 X10', context: { fromJob: true, code: 'G1' } });
    protocol.enqueue({ command: 'G1 X20', context: { fromJob: true, code: 'G1' } });
    // G1 X10 goes on the wire at the end of this turn of the event loop: only then can anything answer it
    await turn();
    transport.reply('wait');
    expect(transport.written.filter((l) => l.includes('G1'))).to.have.length(2);
    expect(nudged(transport)).to.equal(false);
    protocol.close();
  });

  it('a heat-and-wait command with temperature reports never times out, nor a long runner, nor busy keep-alives', async () => {
    for (const [command, code, lines] of [
      ['M109 S210', 'M109', ['T:150.0 /210.0 B:60.0 /60.0 @:127 B@:0']],
      ['G28', 'G28', ['echo:SD card ok']],
      ['G1 X1', 'G1', ['echo:busy: processing']],
    ] as const) {
      const { transport, protocol, clock } = await connected();
      protocol.enqueue({ command, context: { fromJob: true, code } });
      await chatter(clock, transport, [...lines], () => nudged(transport), 60_000);
      expect(nudged(transport), `${command} was nudged`).to.equal(false);
      protocol.close();
    }
  });

  it('a duplicated "ok" read with the first does not acknowledge the line sent in between', async () => {
    const { transport, protocol } = await connected();
    protocol.enqueue({ command: 'G1 X1', context: { fromJob: true, code: 'G1' } });
    protocol.enqueue({ command: 'G1 X2', context: { fromJob: true, code: 'G1' } });
    protocol.enqueue({ command: 'G1 X3', context: { fromJob: true, code: 'G1' } });
    await turn();
    transport.reply('ok', 'ok');
    await turn();
    expect(transport.written.filter((l) => l.includes('G1')), 'X2 sent, X3 still waiting').to.have.length(2);
    expect(protocol.queued).to.equal(1);
    protocol.close();
  });
});
