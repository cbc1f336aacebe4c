/**
 * `printer.*` methods: Klipper's status objects, G-code scripts (Klipper's commands translated for
 * the printer's firmware: klipper-commands.ts) and job control. Actions call the same PrinterService
 * methods as OctoPrint's REST routes, so the same events, history rows and MQTT messages follow.
 */
import { inject, injectable } from 'inversify';
import { FileManager } from '../../files/file-manager.js';
import { commandLines } from '../../printer/protocol/gcode.js';
import { parseError } from '../../printer/protocol/responses.js';
import { SettingsService } from '../../settings/settings-service.js';
import type { PrinterService } from '../../printer/printer-service.js';
import { KLIPPER_HELP, type KlipperHost } from '../klipper-commands.js';
import { klippyMessage, klippyState, type PrinterModel } from '../printer-model.js';
import { eventtime, pick, POSITION_REPORT, type PrinterFeed } from '../printer-feed.js';
import { MoonrakerPrinters } from '../printers.js';
import { RPC_INVALID_PARAMS, RpcError, type Params, type RpcCall, type RpcMethod, type RpcMethodContribution } from '../rpc.js';
import { moonrakerSettings } from '../settings.js';
import { gcodePath } from './files.js';

/** commands after which toolhead.position is asked for (M114) */
const MOVES = /(^|\s)(G0|G1|G28|G92)(\s|$)/im;

/**
 * The printer's answers to `lines` once the last is acknowledged; 504 past the deadline (the commands
 * go on), 503 when the connection ends first (with the printer's reason).
 */
async function acknowledged(printer: PrinterService, lines: string[], deadline: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RpcError(504, 'The printer has not finished the script in time (it goes on with it)')), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([printer.commandsAcknowledged(lines), late]);
  } catch (err) {
    if (err instanceof RpcError) throw err;
    throw new RpcError(503, printer.state.error || (err as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

/** Moonraker's answer when the printer cannot take commands */
function notReady(printer: PrinterService): RpcError {
  return new RpcError(503, `Printer not ready: ${printer.state.text}`);
}

/**
 * How many objects, and fields of one object, a query or subscription may name: Klipper lists a few
 * dozen (a few hundred with many macros); 200 000 names in one subscription held the event loop for 0.9 s.
 */
const MAX_OBJECTS = 1024;

/** `{objects: {name: null | [fields]}}` → a map, every name and field a string */
function objectsParam(params: Params): Map<string, string[] | null> {
  const objects = params.object('objects');
  const entries = Object.entries(objects);
  if (entries.length > MAX_OBJECTS) throw new RpcError(RPC_INVALID_PARAMS, `Invalid value for argument objects: at most ${MAX_OBJECTS} objects`);
  const wanted = new Map<string, string[] | null>();
  for (const [name, fields] of entries) {
    if (Array.isArray(fields) && fields.length > MAX_OBJECTS) throw new RpcError(RPC_INVALID_PARAMS, `Invalid value for object "${name.slice(0, 64)}": at most ${MAX_OBJECTS} fields`);
    if (fields === null || fields === undefined) wanted.set(name, null);
    else if (Array.isArray(fields) && fields.every((f) => typeof f === 'string')) wanted.set(name, fields.length > 0 ? fields : null);
    else throw new RpcError(RPC_INVALID_PARAMS, `Invalid value for object "${name.slice(0, 64)}": null or a list of field names`);
  }
  return wanted;
}

@injectable()
export class PrinterMethods implements RpcMethodContribution {
  constructor(
    @inject(MoonrakerPrinters) private readonly printers: MoonrakerPrinters,
    @inject(FileManager) private readonly files: FileManager,
    @inject(SettingsService) private readonly settings: SettingsService,
  ) {}

  private feedOf(call: RpcCall): PrinterFeed {
    const feed = this.printers.feed(call.printer.id);
    if (!feed) throw new RpcError(404, 'Printer removed');
    return feed;
  }

  /** the printer's model; the firmware's limits asked for (once per connection) when the client wants them */
  private modelFor(call: RpcCall, wanted: ReadonlyMap<string, unknown>): PrinterModel {
    const model = this.feedOf(call).model;
    if (wanted.has('configfile') || wanted.has('toolhead')) model.firmwareConfig.ensure();
    return model;
  }

  methods(): Record<string, RpcMethod> {
    return {
      'printer.info': {
        permission: 'STATUS',
        handle: (_p, call) => ({
          state: klippyState(call.printer.printer.state.id),
          state_message: klippyMessage(call.printer),
          hostname: call.printer.entry.name,
          software_version: call.printer.printer.firmware()?.name ?? 'unknown',
          cpu_info: '',
          klipper_path: '',
          python_path: '',
          log_file: '',
          config_file: '',
          app: 'cuttle',
        }),
      },
      'printer.objects.list': { permission: 'STATUS', handle: (_p, call) => ({ objects: this.feedOf(call).model.objectNames() }) },
      'printer.objects.query': {
        permission: 'STATUS',
        handle: (params, call) => {
          const wanted = objectsParam(params);
          return { eventtime: eventtime(), status: pick(this.modelFor(call, wanted).status(), wanted) };
        },
      },
      'printer.objects.subscribe': {
        permission: 'STATUS',
        handle: (params, call) => {
          const wanted = objectsParam(params);
          call.session.subscribe(Object.fromEntries(wanted));
          return { eventtime: eventtime(), status: pick(this.modelFor(call, wanted).status(), wanted) };
        },
      },
      'printer.gcode.script': { permission: 'CONTROL', handle: (params, call) => this.script(params.string('script'), call) },
      'printer.gcode.help': { permission: 'STATUS', handle: () => KLIPPER_HELP },
      'printer.emergency_stop': { permission: 'CONTROL', handle: (_p, call) => this.script('M112', call) },
      'printer.restart': { permission: 'CONNECTION', handle: (_p, call) => this.restart(call) },
      'printer.firmware_restart': { permission: 'CONNECTION', handle: (_p, call) => this.restart(call) },
      'printer.print.start': { permission: 'PRINT', handle: (params, call) => this.start(params.string('filename'), call) },
      'printer.print.pause': { permission: 'PRINT', handle: (_p, call) => this.jobAction(call, 'pause') },
      'printer.print.resume': { permission: 'PRINT', handle: (_p, call) => this.jobAction(call, 'resume') },
      'printer.print.cancel': { permission: 'PRINT', handle: (_p, call) => this.jobAction(call, 'cancel') },
    };
  }

  /**
   * Runs a script and answers once the printer has done it, as Moonraker answers once Klipper has:
   * each run of G-code is awaited to its last line's "ok" (within `moonraker.scriptTimeout` for the
   * whole script); a line the firmware refuses ("Error:", "!!") is a JSON-RPC error with its message.
   */
  private async script(script: string, call: RpcCall): Promise<string> {
    if (script.length > 64 * 1024) throw new RpcError(RPC_INVALID_PARAMS, 'script is longer than 64 KiB');
    const { lines, refused } = commandLines(script);
    if (refused) throw new RpcError(400, refused);
    const feed = this.feedOf(call);
    const printer = call.printer.printer;
    feed.remember(script, 'command');
    const deadline = Date.now() + this.settings.of(moonrakerSettings).get().scriptTimeout * 1000;
    const send = async (lines: string[], asked = true) => {
      if (klippyState(printer.state.id) !== 'ready') throw notReady(printer);
      const answers = await acknowledged(printer, lines, deadline);
      const refused = answers.map(parseError).find((e) => e !== null && !e.transmission);
      if (refused) throw new RpcError(400, refused.message);
      // position reports stay out of the console (the auto-report, the host's own M114), but a client's M114 is
      // answered there: by the last report before each M114's ok (an auto-report can come while it waits, never
      // between the answer and its ok)
      const asks = asked ? lines.filter((l) => /^M114\b/i.test(l)).length : 0;
      if (asks > 0) for (const line of answers.filter((l) => POSITION_REPORT.test(l)).slice(-asks)) feed.respond(line);
    };
    const host: KlipperHost = {
      printer,
      model: feed.model,
      send,
      printFile: async (path) => void (await this.start(path, call)),
      job: async (action) => void (await this.jobAction(call, action)),
      restart: async () => void (await this.restart(call)),
    };
    await feed.translator.run(lines, host, this.printers.heatersOf(call.printer));
    // the toolhead's position after a move, asked while idle only (never during a print), answered with it
    if (MOVES.test(script) && printer.state.id === 'OPERATIONAL') await send(['M114'], false);
    return 'ok';
  }

  private async restart(call: RpcCall): Promise<string> {
    const printer = call.printer.printer;
    try {
      if (klippyState(printer.state.id) === 'ready') await printer.disconnect();
      await printer.connect();
    } catch (err) {
      // a port out of reach, or another restart that came meanwhile (a double click: 'was cancelled'), is the
      // printer's state, not a server fault: 409 as POST /api/connection answers it, not -32603 and an error logged
      throw new RpcError(409, err instanceof Error ? err.message : String(err));
    }
    return 'ok';
  }

  private async start(filename: string, call: RpcCall): Promise<string> {
    const printer = call.printer.printer;
    if (printer.state.id !== 'OPERATIONAL') throw new RpcError(409, printer.state.id === 'OFFLINE' ? 'Printer not ready' : 'Printer is busy');
    const path = gcodePath(filename);
    await printer.selectFile(await this.files.forPrinter(printer).jobFile('local', path), true);
    return 'ok';
  }

  private async jobAction(call: RpcCall, action: 'pause' | 'resume' | 'cancel'): Promise<string> {
    const printer = call.printer.printer;
    const id = printer.state.id;
    if (action === 'pause') {
      if (id !== 'PRINTING') throw new RpcError(409, 'No print is running');
      await printer.pausePrint();
    } else if (action === 'resume') {
      if (id !== 'PAUSED') throw new RpcError(409, 'The print is not paused');
      await printer.resumePrint();
    } else {
      if (!['PRINTING', 'PAUSED', 'PAUSING', 'RESUMING'].includes(id)) throw new RpcError(409, 'No print is running');
      await printer.cancelPrint();
    }
    return 'ok';
  }
}
