/**
 * Named interception points (OctoPrint's hooks): places where a core service asks plugins to
 * look at or change what it is about to do. Each point has one handler signature; `@Hook(point)`
 * checks a plugin method against it at compile time.
 *
 * Services add points by augmenting `HookPoints` in their own folder, e.g. core/printer/hooks.ts.
 */
import type { Disposable } from '../common/disposable.js';

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface HookPoints {}

export type HookPointName = keyof HookPoints & string;
export type HookHandler<P extends HookPointName> = HookPoints[P];

export interface HookRegistration<P extends HookPointName> {
  point: P;
  handler: HookHandler<P>;
  /** plugin id, named in the log when the handler throws */
  owner: string;
  /** lower runs first; default 1000 */
  order: number;
  /** only this printer's commands (a per-printer plugin's handler); undefined: every printer's */
  printer?: string;
}

export interface HookRegistry {
  register<P extends HookPointName>(point: P, handler: HookHandler<P>, options: { owner: string; order?: number; printer?: string }): Disposable;
  /** Handlers for a point in run order (for `printer`: those of every printer and its own). The service that owns the point decides how to chain them. */
  handlers<P extends HookPointName>(point: P, printer?: string): readonly HookRegistration<P>[];
  /** Points declared by core services, for `cuttle plugins` and docs. */
  knownPoints(): string[];
  declarePoint(point: string, doc: string): void;
}
export const HookRegistry = Symbol.for('cuttle.HookRegistry');
