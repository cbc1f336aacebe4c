/**
 * `POST /api/printer/printhead` (jog, home, feedrate), as OctoPrint's: public clients (octorest,
 * OctoPrint apps) drive the head through it. Commands go to the printer's queue like /command's.
 */
import { inject, injectable, optional } from 'inversify';
import { HttpError } from '../http/http-error.js';
import { operationalPrinter } from './request-printer.js';
import { readJsonObject } from '../http/request-body.js';
import { commandOf, percentFactor } from '../http/request-fields.js';
import { RouteContribution, type Routes } from '../http/routes.js';

/** mm/min of OctoPrint's default printer profile */
const AXIS_SPEED = { x: 6000, y: 6000, z: 200 } as const;
const AXES = ['x', 'y', 'z'] as const;
const LIMIT_MM = 1000;

@injectable()
export class PrintheadRoutes implements RouteContribution {
  readonly owner = 'rest-printhead';

  constructor(
  ) {}

  registerRoutes(routes: Routes): void {
    routes.post('/api/printer/printhead', 'CONTROL', async (ctx) => {
      const body = await readJsonObject(ctx);
      const printer = operationalPrinter(ctx);
      switch (commandOf(body)) {
        case 'jog':
          printer.commands(jogCommands(body));
          break;
        case 'home': {
          const axes = body.axes;
          if (!Array.isArray(axes) || axes.length === 0 || !axes.every((a) => typeof a === 'string' && (AXES as readonly string[]).includes(a.toLowerCase()))) {
            throw new HttpError(400, '"axes" must be a list of "x", "y", "z"');
          }
          printer.commands(['G91', `G28 ${(axes as string[]).map((a) => `${a.toUpperCase()}0`).join(' ')}`, 'G90']);
          break;
        }
        case 'feedrate':
          printer.commands(`M220 S${percentFactor(body, 'feed rate', 50, 200)}`);
          break;
        default:
          throw new HttpError(400, `unknown command "${String(body.command)}"`);
      }
      ctx.status = 204;
    });
  }
}

function jogCommands(body: Record<string, unknown>): string[] {
  const parts: string[] = [];
  let speed = Infinity;
  for (const axis of AXES) {
    const value = body[axis];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > LIMIT_MM) throw new HttpError(400, `"${axis}" must be a number of mm within ±${LIMIT_MM}`);
    parts.push(`${axis.toUpperCase()}${value}`);
    speed = Math.min(speed, AXIS_SPEED[axis]);
  }
  if (parts.length === 0) throw new HttpError(400, 'jog needs at least one of "x", "y", "z"');
  if (body.speed !== undefined) {
    if (typeof body.speed !== 'number' || !(body.speed > 0)) throw new HttpError(400, '"speed" must be a positive number (mm/min)');
    speed = body.speed;
  }
  const absolute = body.absolute === true;
  return [absolute ? 'G90' : 'G91', `G1 ${parts.join(' ')} F${speed}`, 'G90'];
}
