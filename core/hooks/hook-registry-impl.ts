/** The registry behind `@Hook`: keeps handlers per point, sorted by order then registration. */
import { Disposable } from '../common/disposable.js';
import type { HookHandler, HookPointName, HookRegistration, HookRegistry } from './hook-points.js';

export class DefaultHookRegistry implements HookRegistry {
  private readonly byPoint = new Map<string, HookRegistration<HookPointName>[]>();
  private readonly points = new Map<string, string>();

  register<P extends HookPointName>(point: P, handler: HookHandler<P>, options: { owner: string; order?: number; printer?: string }): Disposable {
    const registration = { point, handler, owner: options.owner, order: options.order ?? 1000, printer: options.printer } as HookRegistration<HookPointName>;
    const list = [...(this.byPoint.get(point) ?? []), registration].sort((a, b) => a.order - b.order);
    this.byPoint.set(point, list);
    return Disposable.create(() => {
      this.byPoint.set(point, (this.byPoint.get(point) ?? []).filter((r) => r !== registration));
    });
  }

  handlers<P extends HookPointName>(point: P, printer?: string): readonly HookRegistration<P>[] {
    const all = (this.byPoint.get(point) ?? []) as unknown as HookRegistration<P>[];
    // the common case (no per-printer handler) allocates nothing on the serial path
    return all.some((r) => r.printer !== undefined) ? all.filter((r) => r.printer === undefined || r.printer === printer) : all;
  }

  knownPoints(): string[] {
    return [...this.points.keys()];
  }

  declarePoint(point: string, doc: string): void {
    this.points.set(point, doc);
  }
}
