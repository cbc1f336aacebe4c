/**
 * A plugin's own Inversify container: it holds the plugin's class, its PluginContext, and the tokens
 * the host grants it (PLUGIN_INJECTABLES in core/container.ts), each resolved from the host's
 * container or, for a per-printer plugin, from its printer. Nothing else: the host's container is not
 * its parent, so a plugin cannot inject a host internal by knowing its token. The class's tokens are
 * checked before anything is built, so a plugin asking for more fails at load with an error that says
 * what it may inject.
 */
import { getClassMetadata } from '@inversifyjs/core';
import { Container } from 'inversify';
import type { PrinterScope } from '../printers/printer-registry.js';
import type { PluginOrigin } from './discovery.js';
import { PluginContext } from './plugin-context.js';

/** One token a plugin may inject, and which plugins may. */
export interface PluginInjectable {
  readonly token: symbol;
  /** one printer's service: only a `@Plugin({ scope: 'printer' })` plugin gets it, from its printer */
  readonly ofPrinter?: (printer: PrinterScope) => unknown;
  /** for the bundled plugins only: core-owned code that dispatches the core's events */
  readonly coreOwned?: boolean;
}
export const PluginInjectables = Symbol.for('cuttle.PluginInjectables');

type PluginClass = new (...args: never[]) => unknown;

function granted(injectables: readonly PluginInjectable[], origin: PluginOrigin, scope: 'host' | 'printer'): PluginInjectable[] {
  return injectables.filter((i) => (!i.ofPrinter || scope === 'printer') && (!i.coreOwned || origin === 'bundled'));
}

/** The tokens a plugin from `origin` with `scope` may inject. */
export function grantedTokens(injectables: readonly PluginInjectable[], origin: PluginOrigin, scope: 'host' | 'printer'): symbol[] {
  return [PluginContext, ...granted(injectables, origin, scope).map((i) => i.token)];
}

/** `Symbol.for('cuttle.PrinterService')` → `PrinterService`. */
export function tokenName(token: unknown): string {
  if (typeof token === 'symbol') return (token.description ?? String(token)).replace(/^cuttle\./, '');
  if (typeof token === 'function') return token.name;
  return String(token);
}

/** Why a token a plugin may not inject would be granted with another scope ('' when it would not). */
export function scopeHint(injectables: readonly PluginInjectable[], token: unknown): string {
  return injectables.some((i) => i.token === token && i.ofPrinter) ? ` (a plugin with scope: 'printer' gets its printer's ${tokenName(token)})` : '';
}

/** Throws when the class injects (in its constructor or a property) a token it is not granted. */
export function checkInjections(cls: PluginClass, pluginId: string, allowed: readonly symbol[], hint: (token: unknown) => string = () => ''): void {
  const metadata = getClassMetadata(cls);
  const asked = [
    ...metadata.constructorArguments.map((arg, index) => ({ where: `constructor parameter ${index + 1}`, arg })),
    ...[...metadata.properties].map(([key, arg]) => ({ where: `property ${String(key)}`, arg })),
  ];
  const may = `it may inject ${allowed.map(tokenName).join(', ')}`;
  for (const { where, arg } of asked) {
    const token: unknown = 'value' in arg ? arg.value : undefined;
    if (token === undefined) throw new Error(`plugin ${pluginId}: ${where} of ${cls.name} has no @inject(Token); ${may}`);
    if (typeof token !== 'symbol' || !allowed.includes(token)) {
      throw new Error(`plugin ${pluginId}: ${where} of ${cls.name} injects ${tokenName(token)}, which a plugin may not inject${hint(token)}; ${may}`);
    }
  }
}

/** The plugin's container: its class, its context, and each granted token, taken from its printer or from `host`. */
export function pluginContainer(
  cls: PluginClass,
  context: PluginContext,
  injectables: readonly PluginInjectable[],
  origin: PluginOrigin,
  printer: PrinterScope | undefined,
  host: Container,
): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(PluginContext).toConstantValue(context);
  for (const { token, ofPrinter } of granted(injectables, origin, printer ? 'printer' : 'host')) {
    if (ofPrinter) container.bind(token).toConstantValue(ofPrinter(printer!));
    else if (host.isBound(token)) container.bind(token).toDynamicValue(() => host.get(token));
  }
  container.bind(cls).toSelf();
  return container;
}
