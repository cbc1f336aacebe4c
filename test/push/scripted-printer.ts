/**
 * A stand-in PrinterService for the browser test while no real printer service is bound: it only
 * pretends to print the selected file (progress, Z and temperatures moving over a few seconds).
 * When the printer issue binds the real service, the browser test drives that one instead.
 */
import { Emitter } from '../../core/common/event.js';
import type { JobFile, PrinterService, PrinterSnapshot, TemperatureSample } from '../../core/printer/printer-service.js';

export function scriptedPrinter(durationMs = 4000): PrinterService {
  const log = new Emitter<{ direction: 'send' | 'recv'; line: string }>();
  const temperature = new Emitter<TemperatureSample>();
  let job: JobFile | null = null;
  let started = 0;
  let timer: NodeJS.Timeout | undefined;
  const completion = () => (started ? Math.min(100, ((Date.now() - started) / durationMs) * 100) : null);
  const snapshot = (): PrinterSnapshot => {
    const c = completion();
    const printing = c !== null && c < 100;
    return {
      state: printing ? { id: 'PRINTING', text: 'Printing', error: '' } : { id: 'OPERATIONAL', text: 'Operational', error: '' },
      connection: { port: 'scripted', baudrate: 115200 },
      temperatures: {},
      job,
      progress: {
        completion: c,
        filepos: null,
        linesSent: 0,
        printTime: started ? Math.round((Date.now() - started) / 1000) : null,
        printTimeLeft: null,
      },
      currentZ: c === null ? null : Math.round(c) / 10,
    };
  };
  const quiet = new Emitter<never>().event as never;
  const printer = {
    onStateChanged: quiet,
    onConnecting: quiet,
    onConnected: quiet,
    onDisconnecting: quiet,
    onDisconnected: quiet,
    onError: quiet,
    onFileSelected: quiet,
    onFileDeselected: quiet,
    onPrintStarted: quiet,
    onPrintPaused: quiet,
    onPrintResumed: quiet,
    onPrintEnded: quiet,
    onCommandSent: quiet,
    onPositionUpdate: quiet,
    get state() {
      return snapshot().state;
    },
    snapshot,
    temperatureHistory: () => [],
    onLog: log.event,
    onTemperature: temperature.event,
    async selectFile(file: JobFile, printAfterSelect?: boolean) {
      job = file;
      if (!printAfterSelect) return;
      started = Date.now();
      clearInterval(timer);
      timer = setInterval(() => {
        const c = completion() ?? 0;
        temperature.fire({ time: Date.now() / 1000, heaters: { tool0: { actual: 150 + c, target: 210 }, bed: { actual: 40 + c / 5, target: 60 } } });
        log.fire({ direction: 'send', line: `G1 Z${(c / 10).toFixed(2)}` });
        if (c >= 100) clearInterval(timer);
      }, 200);
      timer.unref();
    },
    isBusyWith: () => false,
  };
  return printer as unknown as PrinterService;
}
