/**
 * `GET /api/settings` and `POST /api/settings`: the subset of OctoPrint's settings document that
 * apps read (api, appearance with the instance name, feature, folder, serial with ports and
 * baudrates, server, temperature presets, webcam: the request's printer's own camera, else the host's),
 * built from cuttle's configuration. The fields
 * of octoprint-fields.ts can be changed: all of a request's changes are validated by the schema
 * together and saved, or a 400 names the first bad field and nothing changes. The API key is shown
 * only to SETTINGS holders whose password was entered recently (as OctoPrint shows it: the host's key
 * would otherwise let a stale session past every check that asks for the password again); changing
 * needs SETTINGS.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Koa from 'koa';
import { inject, injectable } from 'inversify';
import { hasPermissions, principalOf } from '../http/principal.js';
import { AuthService } from '../http/http-server.js';
import { apiSettings } from '../auth/settings.js';
import { HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { type RouteContribution, type Routes } from '../http/routes.js';
import { ConfigError, SettingsService } from '../settings/settings-service.js';
import { timelapseSettings, webcamSettings } from '../timelapse/settings.js';
import { refuseEntryConnection } from '../printer/transport/connection-request.js';
import { offeredBaudrates } from '../printer/transport/port-rules.js';
import { TransportProvider } from '../printer/transport/transport-factory.js';
import { changesOf, fillFields } from './octoprint-fields.js';
import { shownCamera } from '../printer/printer-identity.js';
import { PrinterRegistry } from '../printers/printer-registry.js';


/** This instance's UPnP UUID (OctoPrint's discovery plugin setting; Home Assistant keys devices by it), kept in the data folder. */
export function instanceUuid(settings: SettingsService): string {
  const file = path.join(settings.folder('data'), 'instance-uuid');
  try {
    const stored = fs.readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f-]{36}$/.test(stored)) return stored;
  } catch {
    // first start: created below
  }
  const uuid = randomUUID();
  fs.writeFileSync(file, `${uuid}\n`);
  return uuid;
}

@injectable()
export class SettingsRoutes implements RouteContribution {
  readonly owner = 'settings';

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(TransportProvider) private readonly transports: TransportProvider,
    @inject(PrinterRegistry) private readonly printers: PrinterRegistry,
    @inject(AuthService) private readonly auth: AuthService,
  ) {}

  registerRoutes(routes: Routes): void {
    routes.get('/api/settings', 'SETTINGS_READ', async (ctx) => {
      ctx.body = await this.document(ctx);
    });
    routes.post('/api/settings', 'SETTINGS', async (ctx) => {
      const changes = changesOf(await readJsonObject(ctx));
      // serial.port and serial.baudrate are what a plain connect opens: the port allow-list applies, as for /api/connection
      const connection = Object.fromEntries(changes.filter((c) => c.field.key === 'serial.port' || c.field.key === 'serial.baudrate').map((c) => [c.field.key.slice(7), c.value]));
      const refused = await refuseEntryConnection(this.transports, connection);
      if (refused) throw new HttpError(400, refused);
      try {
        this.settings.setMany(changes.map(({ field, value }) => [field.key, value]));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        const field = changes.find((c) => c.field.key === err.key)?.field;
        throw new HttpError(400, `${field ? `"${field.path}" (setting ${err.key})` : `"${err.key}"`}: ${err.problem}`);
      }
      if (changes.length) await this.settings.save();
      ctx.body = await this.document(ctx);
    });
  }

  private async document(ctx: Koa.Context): Promise<Record<string, unknown>> {
    const settings = this.settings;
    const principal = principalOf(ctx);
    const showKey = hasPermissions(principal, ['SETTINGS']) && !!principal && this.auth.credentialsCheckedRecently(principal);
    // the ports the request's printer could connect to (`/printer/<id>/api/settings` is that printer's)
    const ports = (await ctx.state.printer?.printer.listPorts().catch(() => [] as string[])) ?? [];
    const webcam = settings.of(webcamSettings).get();
    const timelapse = settings.of(timelapseSettings).get();
    // the request's printer's own camera when it has one (`/printer/<id>/api/settings`), else the host's
    const own = shownCamera(ctx.state.printer && this.printers.get(ctx.state.printer.id)?.entry);
    const snapshotUrl = own ? own.snapshotUrl : webcam.snapshotUrl || (webcam.testPattern ? '/webcam/test-pattern.jpg' : '');
    const streamUrl = own ? own.streamUrl : webcam.streamUrl;
    const document: Record<string, unknown> = {
      api: { key: showKey ? settings.of(apiSettings).get().key : null },
      appearance: { colorTransparent: false, colorIcon: true, defaultLanguage: '_default', showFahrenheitAlso: false, fuzzyTimes: true },
      feature: {
        temperatureGraph: true,
        sdSupport: true,
        keyboardControl: true,
        pollWatched: false,
        modelSizeDetection: true,
        printStartConfirmation: false,
        printCancelConfirmation: true,
        uploadOverwriteConfirmation: true,
        g90InfluencesExtruder: false,
        autoUppercaseBlacklist: ['M117', 'M118'],
      },
      folder: {
        uploads: settings.folder('uploads'),
        timelapse: settings.folder('timelapse'),
        timelapseTmp: settings.folder('timelapseTmp'),
        logs: settings.folder('logs'),
        watched: null,
      },
      serial: { portOptions: [...new Set([...ports, 'VIRTUAL'])], baudrateOptions: offeredBaudrates(settings), log: false },
      server: { allowFraming: false },
      temperature: { sendAutomatically: false, sendAutomaticallyAfter: 1 },
      webcam: {
        webcamEnabled: !!(snapshotUrl || streamUrl),
        timelapseEnabled: timelapse.type !== 'off',
        streamUrl,
        snapshotUrl,
        watermark: !!timelapse.watermark,
        flipH: own?.flipH ?? false,
        flipV: own?.flipV ?? false,
        rotate90: own?.rotation === 90,
      },
      plugins: { discovery: { upnpUuid: instanceUuid(settings), publicHost: null, publicPort: null, pathPrefix: null } },
    };
    fillFields(document, (key) => settings.valueAt(key));
    return document;
  }
}
