/** Unit tests of the protocol's pure parts and of its resend bookkeeping, against a scripted transport. */
import { expect } from 'chai';
import { checksum, commandCode, commandParams, frame, normalizeCommand, unframe } from '../../core/printer/protocol/gcode.js';
import { GcodeProtocol } from '../../core/printer/protocol/protocol.js';
import { parseError, parsePosition, parseResend, parseTemperatures } from '../../core/printer/protocol/responses.js';
import { MachineTracker } from '../../core/printer/tracker.js';
import { ManualClock, turn } from '../support/clock.js';
import { passThroughHandler, ScriptedTransport } from './helpers.js';

const PROTOCOL_DEFAULTS = { waitAsOk: true, longRunning: new Set(['G28', 'G29', 'M400']) };

describe('gcode and response parsing', () => {
  it('frames lines with Marlin\'s XOR checksum and reads them back', () => {
    expect(checksum('N0 M110 N0')).to.equal(125);
    expect(frame(0, 'M110 N0')).to.equal('N0 M110 N0*125');
    expect(unframe('N7 G1 X1*' + checksum('N7 G1 X1'))).to.deep.equal({ line: 7, command: 'G1 X1', checksumOk: true });
    expect(unframe('N7 G1 X2*' + checksum('N7 G1 X1')).checksumOk).to.equal(false);
    expect(unframe('M105')).to.deep.equal({ line: null, command: 'M105', checksumOk: null });
  });

  it('parses the real forms of commands', () => {
    expect(commandCode('g01 z.2')).to.equal('G1');
    expect(commandCode('T1')).to.equal('T1');
    expect(commandCode('; only a comment')).to.equal(null);
    expect(commandParams('G1 Z.2 F1200 ; hop')).to.deep.equal({ Z: 0.2, F: 1200 });
    expect(commandParams('G28 X Y')).to.have.keys('X', 'Y');
    expect(normalizeCommand('N10 G1 Z5*93 ; from another host')).to.equal('G1 Z5');
    expect(normalizeCommand('   ; comment only')).to.equal('');
  });

  it('parses temperatures of several tools, positions, resend requests and errors', () => {
    expect(parseTemperatures('ok T:201.2 /200.0 B:60.1 /60.0 T0:201.2 /200.0 T1:25.0 /0.0 @:127 B@:0')).to.deep.equal({
      tool0: { actual: 201.2, target: 200 },
      tool1: { actual: 25, target: 0 },
      bed: { actual: 60.1, target: 60 },
    });
    expect(parseTemperatures('T:21.5 /0.0 B:20.9 /0.0 @:0 B@:0')).to.deep.equal({ tool0: { actual: 21.5, target: 0 }, bed: { actual: 20.9, target: 0 } });
    expect(parseTemperatures('echo:busy: processing')).to.equal(null);
    expect(parsePosition('X:10.00 Y:-2.50 Z:0.30 E:1.20 Count X:800 Y:1600 Z:120')).to.deep.equal({ x: 10, y: -2.5, z: 0.3, e: 1.2 });
    for (const line of ['Resend: 12', 'Resend:N12', 'rs N12', 'rs 12']) expect(parseResend(line), line).to.equal(12);
    expect(parseError('Error:checksum mismatch, Last Line: 4')).to.deep.equal({ message: 'checksum mismatch, Last Line: 4', transmission: true });
    expect(parseError('Error:Printer halted. kill() called!')!.transmission).to.equal(false);
  });

  it('tracks Z in absolute and relative positioning, tools and feedrate', () => {
    const tracker = new MachineTracker();
    expect(tracker.apply('G1', 'G1 Z0.2 F600').zChange).to.deep.equal({ old: null, new: 0.2 });
    tracker.apply('G91', 'G91');
    expect(tracker.apply('G1', 'G1 Z0.1').zChange).to.deep.equal({ old: 0.2, new: 0.3 });
    expect(tracker.apply('G1', 'G1 E2').extrudes).to.equal(true);
    expect(tracker.apply('G1', 'G1 E-1').extrudes).to.equal(false);
    tracker.apply('G90', 'G90');
    expect(tracker.apply('G1', 'G1 Z0.3').zChange).to.equal(undefined);
    expect(tracker.apply('T2', 'T2').toolChange).to.deep.equal({ old: 0, new: 2 });
    expect(tracker.feedrate).to.equal(600);
  });
});

describe('protocol flow control', () => {
  function setup() {
    const transport = new ScriptedTransport();
    const job = Array.from({ length: 8 }, (_, i) => `G1 X${i + 1}`);
    const handler = passThroughHandler({
      nextJobCommand: () => (job.length ? { command: job.shift()!, context: { fromJob: true, code: 'G1' } } : null),
      fatal: (message) => {
        throw new Error(message);
      },
    });
    const protocol = new GcodeProtocol(transport, handler, { ...PROTOCOL_DEFAULTS, historySize: 50, communicationTimeout: 60000, maxNudges: 1 });
    return { transport, protocol };
  }

  it('with a window of 4, one refused line dooms those sent behind it: each is resent once, in order', async () => {
    const { transport, protocol } = setup();
    const connected = protocol.handshake(1000, 1000);
    transport.reply('ok');
    await connected;
    protocol.window = 4;
    protocol.pump();
    // the printer answers in later turns of the event loop, once the lines are on the wire
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    await turn();
    expect(transport.written.slice(1)).to.deep.equal([1, 2, 3, 4].map((n) => frame(n, `G1 X${n}`)));
    transport.written.length = 0;
    // line 2 arrives corrupted; 3 and 4 are then out of sequence; each gets Error + Resend: 2 + ok
    transport.reply('ok');
    await turn();
    transport.reply('Error:checksum mismatch, Last Line: 1', 'Resend: 2', 'ok');
    await turn();
    transport.reply('Error:Line Number is not Last Line Number+1, Last Line: 1', 'Resend: 2', 'ok');
    await turn();
    transport.reply('Error:Line Number is not Last Line Number+1, Last Line: 1', 'Resend: 2', 'ok');
    await turn();
    expect(transport.written).to.deep.equal([frame(5, 'G1 X5'), frame(2, 'G1 X2'), frame(3, 'G1 X3'), frame(4, 'G1 X4')]);
    // line 5 was sent before the resend too, so it is refused once more; then everything flows again
    transport.reply('Error:Line Number is not Last Line Number+1, Last Line: 1', 'Resend: 2', 'ok');
    await turn();
    for (let i = 0; i < 3; i++) {
      transport.reply('ok');
      await turn();
    }
    expect(transport.written.slice(4)).to.deep.equal([frame(5, 'G1 X5'), frame(6, 'G1 X6'), frame(7, 'G1 X7'), frame(8, 'G1 X8')]);
    protocol.close();
  });

  it('writes each character beyond ASCII as "?", as OctoPrint does, with the checksum of what is written', async () => {
    const transport = new ScriptedTransport();
    const job = ['M117 Würfel ✓', 'M486 AĊat'];
    const handler = passThroughHandler({ nextJobCommand: () => (job.length ? { command: job.shift()!, context: { fromJob: true, code: 'M117' } } : null) });
    const protocol = new GcodeProtocol(transport, handler, { ...PROTOCOL_DEFAULTS, historySize: 50, communicationTimeout: 60000, maxNudges: 1 });
    const connected = protocol.handshake(1000, 1000);
    transport.reply('ok');
    await connected;
    protocol.pump();
    await turn();
    transport.reply('ok');
    await turn();
    // U+010A written one byte a character would have been a newline inside the frame
    expect(transport.written.slice(1)).to.deep.equal([frame(1, 'M117 W?rfel ?'), frame(2, 'M486 A?at')]);
    expect(transport.written.join('')).to.match(/^[\u0000-\u007f]*$/);
    protocol.close();
  });

  it('writes the next line before the owner hears of the "ok" or the line, and tells both in order', async () => {
    const transport = new ScriptedTransport();
    const job = ['G1 X1', 'G1 X2', 'G1 X3'];
    /** what the owner was told, with how many lines were written by then */
    const told: string[] = [];
    const handler = passThroughHandler({
      nextJobCommand: () => (job.length ? { command: job.shift()!, context: { fromJob: true, code: 'G1' } } : null),
      log: (direction, line) => told.push(`${direction} ${line} @${transport.written.length}`),
      response: (line) => told.push(`response ${line} @${transport.written.length}`),
      sent: (command) => {
        told.push(`sent ${command.command} @${transport.written.length}`);
        // a listener that queues a command (as a plugin reacting to a line may): told after, in order
        if (command.command === 'G1 X1') protocol.enqueue({ command: 'M117 hi', context: { fromJob: false, code: 'M117' } });
      },
    });
    const protocol = new GcodeProtocol(transport, handler, { ...PROTOCOL_DEFAULTS, historySize: 50, communicationTimeout: 60000, maxNudges: 1 });
    const connected = protocol.handshake(1000, 1000);
    transport.reply('ok');
    await connected;
    protocol.pump();
    await new Promise((resolve) => setImmediate(resolve));
    told.length = 0;
    transport.reply('ok');
    // the "ok" of line 1 freed the slot: M117 (queued by the listener) went out at once, before anyone was told
    expect(transport.written.slice(1)).to.deep.equal([frame(1, 'G1 X1'), frame(2, 'M117 hi')]);
    expect(told).to.deep.equal([`recv ok @3`, 'response ok @3', `send ${frame(2, 'M117 hi')} @3`, `sent M117 hi @3`]);
    protocol.close();
  });

  it('busy: keep-alives hold off the nudge; silence then gets one, and the nudge\'s ok frees the window', async () => {
    const transport = new ScriptedTransport();
    // in virtual time: the protocol's timers run on a clock advanced below
    const clock = new ManualClock();
    const protocol = new GcodeProtocol(
      transport,
      passThroughHandler(),
      { ...PROTOCOL_DEFAULTS, historySize: 50, communicationTimeout: 300, maxNudges: 3 },
      clock,
    );
    const connected = protocol.handshake(1000, 1000);
    transport.reply('ok');
    await connected;
    // a plain move: G28 is a long runner, which never times out
    protocol.enqueue({ command: 'G1 X10', context: { fromJob: false, code: 'G1' } });
    for (let i = 0; i < 12; i++) {
      await clock.advance(50);
      transport.reply('echo:busy: processing');
    }
    expect(transport.written.filter((line) => line === 'M105'), 'no nudge while busy').to.deep.equal([]);
    // silence: the nudge comes after the communication timeout (300 ms) and at most one watchdog period (75 ms)
    await clock.advance(375);
    expect(transport.written.filter((line) => line === 'M105')).to.have.length(1);
    transport.reply('ok T:20.0 /0.0');
    expect(protocol.busy).to.equal(false);
    protocol.close();
  });
});
