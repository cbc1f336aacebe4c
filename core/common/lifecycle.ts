/**
 * Start/stop participation for core services (a Theia-style contribution point): a service binds
 * itself to `LifecycleContribution` in its ContainerModule and the host starts them in binding
 * order after plugins are loaded, and stops them in reverse order after the plugins.
 */
export interface LifecycleContribution {
  readonly lifecycleName: string;
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}
export const LifecycleContribution = Symbol.for('cuttle.LifecycleContribution');

/**
 * The same participation for services that exist once per printer (bound in a printer's child
 * container, core/printers): started when the printer is created, stopped when it is removed or the
 * host stops.
 */
export const PrinterScopeLifecycle = Symbol.for('cuttle.PrinterScopeLifecycle');
