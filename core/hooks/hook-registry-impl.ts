/** The registry behind `@Hook`: keeps handlers per point, sorted by order then registration. */
import { Disposable } from '../common/disposable.js';
import type { HookHandler, HookPointName, HookRegistration, HookRegistry } from './hook-points.js';

export class DefaultHookRegistry implements HookRegistry {
  private readonly byPoint = new Map<string, HookRegistration<HookPointName>[]>();
  private readonly points = new Map<string, string>();
  /** each point's handlers for one printer, worked out once per change (the four gcode points run on every printed line) */
  private readonly forPrinter = new Map<string, Map<string | undefined, readonly HookRegistration<HookPointName>[]>>();

  register<P extends HookPointName>(point: P, handler: HookHandler<P>, options: { owner: string; order?: number; printer?: string }): Disposable {
    const registration = { point, handler, owner: options.owner, order: options.order ?? 1000, printer: options.printer } as HookRegistration<HookPointName>;
    const list = [...(this.byPoint.get(point) ?? []), registration].sort((a, b) => a.order - b.order);
    this.byPoint.set(point, list);
    this.forPrinter.delete(point);
    return Disposable.create(() => {
      this.byPoint.set(point, (this.byPoint.get(point) ?? []).filter((r) => r !== registration));
      this.forPrinter.delete(point);
    });
  }

  handlers<P extends HookPointName>(point: P, printer?: string): readonly HookRegistration<P>[] {
    let lists = this.forPrinter.get(point);
    if (!lists) this.forPrinter.set(point, (lists = new Map()));
    let list = lists.get(printer);
    if (!list) {
      const all = this.byPoint.get(point) ?? [];
      list = all.some((r) => r.printer !== undefined) ? all.filter((r) => r.printer === undefined || r.printer === printer) : all;
      lists.set(printer, list);
    }
    return list as unknown as readonly HookRegistration<P>[];
  }

  knownPoints(): string[] {
    return [...this.points.keys()];
  }

  declarePoint(point: string, doc: string): void {
    this.points.set(point, doc);
  }
}
