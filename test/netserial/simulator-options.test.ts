/** `cuttle virtual-printer --printers N --tcp PORT`: options per printer from comma lists, files numbered, bad combinations refused. */
import { expect } from 'chai';
import { simulatorOptions } from '../../core/printer/simulator/standalone.js';

describe('virtual-printer options for many printers', () => {
  it('gives each printer its own value from a comma list, the last going on for the rest', () => {
    const farm = simulatorOptions({ printers: '3', tcp: '5000', firmware: 'marlin,prusa', 'disconnect-after': '0,60,0', baudrate: '250000', 'no-motion': true });
    expect(farm.tcp).to.equal(5000);
    expect(farm.host).to.equal('127.0.0.1');
    expect(farm.printers.map((p) => p.printer.firmware)).to.deep.equal(['marlin', 'prusa', 'prusa']);
    expect(farm.printers.map((p) => p.printer.faults?.disconnectAfterLines)).to.deep.equal([0, 60, 0]);
    expect(farm.printers.every((p) => p.printer.baudrate === 250000 && p.printer.motion === false)).to.equal(true);
  });

  it('numbers one record file per printer, and one pty link per printer without --tcp', () => {
    const tcp = simulatorOptions({ printers: '2', tcp: '5000', record: '/tmp/x/record.jsonl', 'ok-gaps': '/tmp/a.json,/tmp/b.json' });
    expect(tcp.printers.map((p) => [p.record, p.okGaps])).to.deep.equal([
      ['/tmp/x/record-1.jsonl', '/tmp/a.json'],
      ['/tmp/x/record-2.jsonl', '/tmp/b.json'],
    ]);
    const ptys = simulatorOptions({ printers: '2', link: '/tmp/printer' });
    expect(ptys.tcp).to.equal(null);
    expect(ptys.printers.map((p) => p.link)).to.deep.equal(['/tmp/printer-1', '/tmp/printer-2']);
    // one printer keeps the names it always had
    expect(simulatorOptions({ record: '/tmp/r.jsonl' }).printers.map((p) => [p.link, p.record])).to.deep.equal([['/tmp/cuttle-printer', '/tmp/r.jsonl']]);
  });

  it('refuses what cannot work', () => {
    expect(() => simulatorOptions({ printers: '0' })).to.throw(/--printers expects a whole number/);
    expect(() => simulatorOptions({ printers: '2', tcp: '65535' })).to.throw(/--tcp expects a port/);
    expect(() => simulatorOptions({ host: '0.0.0.0' })).to.throw(/--host goes with --tcp/);
    expect(() => simulatorOptions({ printers: '2', 'sleep-pacing': true })).to.throw(/--sleep-pacing blocks the whole process/);
    expect(() => simulatorOptions({ printers: '2', firmware: 'marlin,nonsense' })).to.throw(/--firmware must be one of/);
  });
});
