/** `GET /api/connection` (current connection and options) and `POST /api/connection` (connect, disconnect). */
import { inject, injectable, optional } from 'inversify';
import { SettingsService } from '../settings/settings-service.js';
import type { PrinterService } from './printer-service.js';
import { serialSettings } from './settings.js';
import { refuseConnectionRequest, type ConnectionRequest } from './transport/connection-request.js';
import { offeredBaudrates } from './transport/port-rules.js';
import { TransportProvider } from './transport/transport-factory.js';
import { HttpError } from '../http/http-error.js';
import { requestPrinter } from './request-printer.js';
import { readJsonObject } from '../http/request-body.js';
import { commandOf } from '../http/request-fields.js';
import { RouteContribution, type Routes, anyOf } from '../http/routes.js';

const PROFILE = { id: '_default', name: 'Default' };

@injectable()
export class ConnectionRoutes implements RouteContribution {
  readonly owner = 'rest-connection';

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(TransportProvider) private readonly transports: TransportProvider,
  ) {}

  registerRoutes(routes: Routes): void {
    routes.get('/api/connection', anyOf('STATUS', 'CONNECTION'), async (ctx) => {
      const printer = ctx.state.printer?.printer;
      const snapshot = printer?.snapshot();
      const connection = snapshot?.connection ?? null;
      const ports = printer ? await printer.listPorts().catch(() => [] as string[]) : [];
      const serial = this.settings.of(serialSettings).get();
      ctx.body = {
        current: {
          state: snapshot?.state.text ?? 'Offline',
          port: connection?.port ?? null,
          baudrate: connection?.baudrate ?? null,
          printerProfile: connection ? PROFILE.id : null,
        },
        options: {
          ports,
          baudrates: offeredBaudrates(this.settings),
          printerProfiles: [PROFILE],
          portPreference: serial.port || null,
          baudratePreference: serial.baudrate || null,
          printerProfilePreference: PROFILE.id,
          autoconnect: serial.autoconnect,
        },
      };
    });
    routes.post('/api/connection', 'CONNECTION', async (ctx) => {
      const body = await readJsonObject(ctx);
      const printer = requestPrinter(ctx);
      switch (commandOf(body)) {
        case 'connect': {
          const port = body.port;
          const baudrate = body.baudrate;
          if (port !== undefined && typeof port !== 'string') throw new HttpError(400, '"port" must be a string');
          if (baudrate !== undefined && (typeof baudrate !== 'number' || !Number.isInteger(baudrate) || baudrate <= 0)) {
            throw new HttpError(400, '"baudrate" must be a positive integer');
          }
          const request = { port: port && port !== 'AUTO' ? port : undefined, baudrate: baudrate || undefined };
          await this.refuseUnlessAllowed(printer, { command: 'connect', ...request, force: forceOf(body) });
          // an allowed port that cannot be reached (unplugged, a bridge away) is the printer's state, not a server fault
          await printer.connect(request).catch((err: unknown) => {
            throw new HttpError(409, err instanceof Error ? err.message : String(err));
          });
          break;
        }
        case 'disconnect':
          await this.refuseUnlessAllowed(printer, { command: 'disconnect', force: forceOf(body) });
          await printer.disconnect();
          break;
        case 'fake_ack':
          break;
        default:
          throw new HttpError(400, `unknown command "${String(body.command)}"`);
      }
      ctx.status = 204;
    });
  }

  private async refuseUnlessAllowed(printer: PrinterService, request: ConnectionRequest): Promise<void> {
    const refusal = await refuseConnectionRequest(this.transports, printer.state, request);
    if (refusal) throw new HttpError(refusal.status, refusal.reason);
  }
}

function forceOf(body: Record<string, unknown>): boolean {
  if (body.force !== undefined && typeof body.force !== 'boolean') throw new HttpError(400, '"force" must be true or false');
  return body.force === true;
}
