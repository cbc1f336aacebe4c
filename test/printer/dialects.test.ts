/** The handshake learns the firmware family from M115; config can force it. */
import { expect } from 'chai';
import { DIALECTS, detectDialect, FIRMWARE_IDS } from '../../core/printer/protocol/dialects.js';
import { parseFirmwareInfo } from '../../core/printer/protocol/responses.js';
import { SIMULATED_FIRMWARES } from '../../core/printer/simulator/firmwares.js';
import { fastSerial, startPrinterHost, type PrinterHost } from './helpers.js';
import { waitFor } from '../support/wait.js';

describe('firmware dialects', () => {
  let h: PrinterHost | undefined;
  afterEach(async () => h?.stop());

  it('every simulated M115 line is recognised as its own family', () => {
    for (const id of FIRMWARE_IDS) {
      const name = parseFirmwareInfo(SIMULATED_FIRMWARES[id].info(1))!.FIRMWARE_NAME!;
      expect(detectDialect(name).id, name).to.equal(id);
    }
    expect(detectDialect(null).id).to.equal('marlin');
    expect(detectDialect('SomethingElse 1.0').id).to.equal('marlin');
    expect(DIALECTS.map((d) => d.id)).to.have.members([...FIRMWARE_IDS]);
  });

  for (const id of FIRMWARE_IDS) {
    it(`learns ${id} at the handshake and frames lines as it needs`, async () => {
      h = await startPrinterHost(fastSerial({ firmware: id }));
      const sent: string[] = [];
      h.printer.onLog(({ direction, line }) => direction === 'send' && sent.push(line));
      await h.printer.connect();
      const connected = h.t.logs.find((l) => l.msg === 'connected to the printer')!;
      expect(connected.dialect).to.equal(id);
      h.printer.commands('G1 X5');
      const move = await waitFor(() => sent.find((line) => line.includes('G1 X5')), 5000, 'G1 X5 sent');
      if (id === 'klipper' || id === 'smoothieware') expect(move).to.equal('G1 X5');
      else expect(move).to.match(/^N\d+ G1 X5\*\d+$/);
    });
  }

  it('serial.firmware forces the family whatever M115 says', async () => {
    h = await startPrinterHost(fastSerial({ firmware: 'marlin' }, { firmware: 'klipper' }));
    await h.printer.connect();
    expect(h.t.logs.find((l) => l.msg === 'connected to the printer')!.dialect).to.equal('klipper');
  });

  it('a RepRapFirmware "unsupported command" error is logged and the connection goes on', async () => {
    h = await startPrinterHost(fastSerial({ firmware: 'reprapfirmware' }));
    await h.printer.connect();
    h.printer.commands('FOO 1'); // no G, M or T code: the simulator's RepRapFirmware reports it unsupported
    const logs = h.t.logs;
    await waitFor(() => logs.some((l) => l.msg === 'the printer refused a command and carries on'), 5000, 'the refusal logged');
    // and it goes on: the next command is answered
    const received: string[] = [];
    h.printer.onLog(({ direction, line }) => direction === 'recv' && received.push(line));
    h.printer.commands('M105');
    await waitFor(() => received.some((line) => line.includes('T:')), 5000, 'M105 answered after the refusal');
    expect(h.printer.state.id).to.equal('OPERATIONAL');
  });
});
