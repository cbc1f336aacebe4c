/**
 * `GET /api/printer` (state flags, temperatures, SD), `POST /api/printer/command` (G-code lines),
 * `GET|POST /api/printer/tool`, `/api/printer/bed` and `/api/printer/chamber` (targets, offsets, tool
 * select, extrude).
 * Like OctoPrint, everything but the command endpoints answers 409 while the printer is not operational.
 */
import { inject, injectable, optional } from 'inversify';
import type Koa from 'koa';
import { HttpError } from '../http/http-error.js';
import { operationalPrinter } from './request-printer.js';
import { stateFlags, temperatureJson } from './octoprint-views.js';
import { readJsonObject } from '../http/request-body.js';
import { commandLines } from './protocol/gcode.js';
import { commandOf, numberField, percentFactor } from '../http/request-fields.js';
import { RouteContribution, type Routes } from '../http/routes.js';

const TOOL = /^tool\d{1,2}$/;
const MAX_TEMPERATURE = 400;

@injectable()
export class PrinterRoutes implements RouteContribution {
  readonly owner = 'rest-printer';

  constructor(
  ) {}

  registerRoutes(routes: Routes): void {
    routes.get('/api/printer', 'STATUS', (ctx) => {
      const printer = operationalPrinter(ctx);
      const snapshot = printer.snapshot();
      const exclude = String(ctx.query.exclude ?? '').split(',');
      const sdReady = printer.sd.ready;
      const body: Record<string, unknown> = {};
      if (!exclude.includes('temperature')) body.temperature = this.temperatures(ctx, () => true);
      if (!exclude.includes('sd')) body.sd = { ready: sdReady };
      if (!exclude.includes('state')) body.state = { text: snapshot.state.text, error: snapshot.state.error, flags: stateFlags(snapshot.state.id, sdReady) };
      ctx.body = body;
    });
    routes.get('/api/printer/tool', 'STATUS', (ctx) => {
      operationalPrinter(ctx);
      ctx.body = this.temperatures(ctx, (heater) => TOOL.test(heater));
    });
    for (const heater of ['bed', 'chamber']) {
      routes.get(`/api/printer/${heater}`, 'STATUS', (ctx) => {
        operationalPrinter(ctx);
        ctx.body = this.temperatures(ctx, (h) => h === heater);
      });
      routes.post(`/api/printer/${heater}`, 'CONTROL', async (ctx) => {
        const body = await readJsonObject(ctx);
        const printer = operationalPrinter(ctx);
        switch (commandOf(body)) {
          case 'target':
            printer.setTemperature(heater, checkedTemperature(numberField(body, 'target')));
            break;
          case 'offset':
            checkedOffset(numberField(body, 'offset'));
            break;
          default:
            throw new HttpError(400, `unknown command "${String(body.command)}"`);
        }
        ctx.status = 204;
      });
    }
    routes.post('/api/printer/command', 'CONTROL', async (ctx) => {
      const body = await readJsonObject(ctx);
      const printer = operationalPrinter(ctx);
      const lines = body.commands ?? (body.command !== undefined ? [body.command] : undefined);
      if (!Array.isArray(lines) || lines.length === 0 || !lines.every((l) => typeof l === 'string')) {
        throw new HttpError(400, '"command" (a string) or "commands" (a list of strings) is required');
      }
      const { lines: clean, refused } = commandLines((lines as string[]).join('\n'));
      if (refused) throw new HttpError(400, refused);
      printer.commands(clean);
      ctx.status = 204;
    });
    routes.post('/api/printer/tool', 'CONTROL', async (ctx) => {
      const body = await readJsonObject(ctx);
      const printer = operationalPrinter(ctx);
      switch (commandOf(body)) {
        case 'target':
          for (const [heater, target] of this.perTool(body, 'targets', checkedTemperature)) printer.setTemperature(heater, target);
          break;
        case 'offset':
          // offsets are accepted and validated; the printer applies none yet
          this.perTool(body, 'offsets', checkedOffset);
          break;
        case 'select': {
          const tool = typeof body.tool === 'string' ? body.tool : '';
          if (!TOOL.test(tool)) throw new HttpError(400, '"tool" must be tool0, tool1, …');
          printer.commands(`T${tool.slice(4)}`);
          break;
        }
        case 'extrude': {
          const amount = numberField(body, 'amount');
          const speed = body.speed === undefined ? 300 : numberField(body, 'speed');
          printer.commands(['G91', `G1 E${amount} F${speed}`, 'G90']);
          break;
        }
        case 'flowrate':
          printer.commands(`M221 S${percentFactor(body, 'flow rate', 75, 125)}`);
          break;
        default:
          throw new HttpError(400, `unknown command "${String(body.command)}"`);
      }
      ctx.status = 204;
    });
  }

  private temperatures(ctx: Koa.Context, keep: (heater: string) => boolean): Record<string, unknown> {
    const printer = operationalPrinter(ctx);
    const current = Object.fromEntries(Object.entries(printer.snapshot().temperatures).filter(([heater]) => keep(heater)));
    const body: Record<string, unknown> = temperatureJson(current);
    if (ctx.query.history === 'true') {
      const limit = Number(ctx.query.limit ?? 300);
      body.history = printer
        .temperatureHistory()
        .slice(-Math.max(1, limit))
        .map((s) => ({ time: Math.round(s.time), ...temperatureJson(Object.fromEntries(Object.entries(s.heaters).filter(([h]) => keep(h)))) }));
    }
    return body;
  }

  private perTool(body: Record<string, unknown>, key: 'targets' | 'offsets', check: (v: number) => number): [string, number][] {
    const targets = body[key];
    if (!targets || typeof targets !== 'object' || Array.isArray(targets)) throw new HttpError(400, `"${key}" must be an object like {"tool0": 200}`);
    return Object.entries(targets as Record<string, unknown>).map(([heater, value]) => {
      if (!TOOL.test(heater)) throw new HttpError(400, `unknown tool "${heater}"`);
      if (typeof value !== 'number') throw new HttpError(400, `the value for ${heater} must be a number`);
      return [heater, check(value)];
    });
  }
}

function checkedTemperature(value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > MAX_TEMPERATURE) throw new HttpError(400, `temperatures must be between 0 and ${MAX_TEMPERATURE}`);
  return value;
}

function checkedOffset(value: number): number {
  if (value < -50 || value > 50) throw new HttpError(400, 'offsets must be between -50 and 50');
  return value;
}
