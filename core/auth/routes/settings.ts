/**
 * `GET /api/settings`: the subset of OctoPrint's settings document that apps read (api, appearance
 * with the instance name, feature, folder, serial with ports and baudrates, server, temperature
 * presets, webcam), built from cuttle's configuration. The API key is shown only to SETTINGS holders.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import type { PrinterService } from '../../printer/printer-service.js';
import type { SettingsService } from '../../settings/settings-service.js';
import { hasPermissions, principalOf } from '../require-permission.js';

/** The baud rates OctoPrint offers. */
export const BAUDRATES = [250000, 230400, 115200, 57600, 38400, 19200, 9600];

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

export function installSettingsRoutes(router: Router, settings: SettingsService, printer: () => PrinterService | undefined): void {
  router.get('/api/settings', async (ctx) => {
    const sensitive = hasPermissions(principalOf(ctx), ['SETTINGS']);
    const ports = (await printer()?.listPorts().catch(() => [] as string[])) ?? [];
    const webcam = settings.get('webcam');
    const snapshotUrl = webcam.snapshotUrl || (webcam.testPattern ? '/webcam/test-pattern.jpg' : '');
    ctx.body = {
      api: { allowCrossOrigin: settings.get('server.cors.enabled'), key: sensitive ? settings.get('api.key') : null },
      appearance: { name: settings.get('appearance.name'), color: settings.get('appearance.color'), colorTransparent: false, colorIcon: true, defaultLanguage: '_default', showFahrenheitAlso: false, fuzzyTimes: true },
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
      serial: {
        port: settings.get('serial.port'),
        baudrate: settings.get('serial.baudrate'),
        portOptions: [...new Set([...ports, 'VIRTUAL'])],
        baudrateOptions: BAUDRATES,
        autoconnect: settings.get('serial.autoconnect'),
        timeoutConnection: settings.get('serial.timeout.connection') / 1000,
        timeoutCommunication: settings.get('serial.timeout.communication') / 1000,
        log: false,
      },
      server: {
        allowFraming: false,
        commands: {
          serverRestartCommand: settings.get('system.commands.serverRestart'),
          systemRestartCommand: settings.get('system.commands.systemRestart'),
          systemShutdownCommand: settings.get('system.commands.systemShutdown'),
        },
        onlineCheck: {
          enabled: settings.get('onlineCheck.enabled'),
          host: settings.get('onlineCheck.host'),
          port: settings.get('onlineCheck.port'),
          interval: settings.get('onlineCheck.interval'),
        },
      },
      temperature: { profiles: settings.get('temperature.profiles'), cutoff: settings.get('temperature.cutoff'), sendAutomatically: false, sendAutomaticallyAfter: 1 },
      webcam: {
        webcamEnabled: !!snapshotUrl,
        timelapseEnabled: settings.get('timelapse.type') !== 'off',
        streamUrl: '',
        snapshotUrl,
        snapshotTimeout: webcam.snapshotTimeoutMs / 1000,
        ffmpegPath: settings.get('timelapse.ffmpeg'),
        bitrate: settings.get('timelapse.bitrate'),
        ffmpegThreads: settings.get('timelapse.threads'),
        watermark: !!settings.get('timelapse.watermark'),
        flipH: false,
        flipV: false,
        rotate90: false,
      },
      plugins: { discovery: { upnpUuid: instanceUuid(settings), publicHost: null, publicPort: null, pathPrefix: null } },
    };
  });
}
