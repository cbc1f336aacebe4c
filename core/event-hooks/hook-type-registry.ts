/** The registry of hook types (`gcode`, `system`, third-party ones): one type per name. */
import { injectable } from 'inversify';
import { Disposable } from '../common/disposable.js';
import { Emitter } from '../common/event.js';
import type { HookType, HookTypeRegistry } from './api.js';

const NAME_PATTERN = /^[a-z][a-z0-9_-]*$/;

@injectable()
export class DefaultHookTypeRegistry implements HookTypeRegistry {
  private readonly types = new Map<string, { type: HookType; owner: string }>();
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;

  register(type: HookType, options: { owner: string }): Disposable {
    if (!NAME_PATTERN.test(type.name)) throw new Error(`hook type name "${type.name}" must match ${NAME_PATTERN}`);
    const taken = this.types.get(type.name);
    if (taken) throw new Error(`hook type "${type.name}" is already registered by ${taken.owner}`);
    const entry = { type, owner: options.owner };
    this.types.set(type.name, entry);
    this.changed.fire();
    return Disposable.create(() => {
      if (this.types.get(type.name) !== entry) return;
      this.types.delete(type.name);
      this.changed.fire();
    });
  }

  get(name: string): HookType | undefined {
    return this.types.get(name)?.type;
  }

  names(): string[] {
    return [...this.types.keys()].sort();
  }
}
