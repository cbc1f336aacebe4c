/** The allow-list's pure rules: globs that do not cross "/", normal paths only, hosts by address range or exact name. */
import { expect } from 'chai';
import { baudrateProblem, devicePathProblem, globToRegExp, hostAllowed, matchesAnyGlob } from '../../core/printer/transport/port-rules.js';
import { parseTcpPort } from '../../core/printer/transport/tcp-transport.js';

const LOOPBACK = ['127.0.0.0/8', '::1', 'localhost'];

describe('port rules', () => {
  it('matches globs as OctoPrint does, * and ? within one path segment', () => {
    expect(matchesAnyGlob('/dev/ttyUSB0', ['/dev/ttyUSB*'])).to.equal(true);
    expect(matchesAnyGlob('/dev/ttyUSB0/x', ['/dev/ttyUSB*'])).to.equal(false);
    expect(matchesAnyGlob('/tmp/printers/a', ['/tmp/*'])).to.equal(false);
    expect(matchesAnyGlob('/dev/ttyACM1', ['/dev/ttyACM[0-3]'])).to.equal(true);
    expect(matchesAnyGlob('/dev/ttyACM7', ['/dev/ttyACM[!0-3]'])).to.equal(true);
    expect(globToRegExp('/dev/tty.usb(1)').test('/dev/tty.usb(1)')).to.equal(true);
    expect(matchesAnyGlob('/dev/zero', [42, null, ''])).to.equal(false);
  });

  it('refuses paths that are not absolute and normal, or hold control characters', () => {
    expect(devicePathProblem('/dev/ttyUSB0')).to.equal(null);
    for (const bad of ['/dev/../etc/passwd', '/dev/./ttyUSB0', '/dev//ttyUSB0', '/dev/ttyUSB0/', 'ttyUSB0', '/dev/tty\nUSB0', 'x'.repeat(2000)]) {
      expect(devicePathProblem(bad), JSON.stringify(bad.slice(0, 30))).to.be.a('string');
    }
  });

  it('allows hosts by address, CIDR range or exact name; never guesses a name', () => {
    expect(hostAllowed('127.0.0.1', LOOPBACK)).to.equal(true);
    expect(hostAllowed('127.3.2.1', LOOPBACK)).to.equal(true);
    expect(hostAllowed('::1', LOOPBACK)).to.equal(true);
    expect(hostAllowed('LocalHost', LOOPBACK)).to.equal(true);
    expect(hostAllowed('127.0.0.2', ['127.0.0.1'])).to.equal(false);
    // "127.1" is 127.0.0.1 to the resolver, but it is not written as listed
    expect(hostAllowed('127.1', LOOPBACK)).to.equal(false);
    expect(hostAllowed('10.0.0.1', LOOPBACK)).to.equal(false);
    expect(hostAllowed('192.168.1.40', ['192.168.1.0/24'])).to.equal(true);
    expect(hostAllowed('192.168.2.40', ['192.168.1.0/24', '10.0.0.0/40', 7])).to.equal(false);
  });

  it('reads tcp://host:port and nothing else', () => {
    expect(parseTcpPort('tcp://127.0.0.1:2000')).to.deep.equal({ host: '127.0.0.1', port: 2000 });
    expect(parseTcpPort('tcp://[::1]:2000')).to.deep.equal({ host: '::1', port: 2000 });
    for (const bad of ['tcp://127.0.0.1', 'tcp://127.0.0.1:0', 'tcp://127.0.0.1:70000', 'tcp://u:p@127.0.0.1:1', 'tcp://127.0.0.1:1/x', 'tcp://127.0.0.1:1?a', 'tcp://:1']) {
      expect(parseTcpPort(bad), bad).to.be.a('string');
    }
  });

  it('takes the listed baud rates and the additional ones only', () => {
    expect(baudrateProblem(250000, [])).to.equal(null);
    expect(baudrateProblem(500000, [500000])).to.equal(null);
    expect(baudrateProblem(99999999999999, [])).to.match(/not one of/);
  });
});
