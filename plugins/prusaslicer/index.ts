/**
 * The bundled PrusaSlicer plugin (slicer id `prusaslicer`): registers Debian's `prusa-slicer` with the
 * slicing service. Setting `plugins.prusaslicer.binary` names the binary; when it is missing the
 * slicer stays listed as unavailable with the reason, and slice requests are refused with it.
 */
import { inject, OnStartup, Plugin, PluginContext, SlicingService } from 'cuttle';
import { PrusaSlicer } from './prusa-slicer.js';

export interface PrusaSlicerSettings {
  binary: string;
}

const DEFAULTS: PrusaSlicerSettings = { binary: '/usr/bin/prusa-slicer' };

@Plugin({
  id: 'prusaslicer',
  name: 'PrusaSlicer',
  version: '1.0.0',
  description: "Slices STL models with PrusaSlicer's command line (prusa-slicer --export-gcode).",
  settings: { ...DEFAULTS },
})
export class PrusaSlicerPlugin {
  constructor(
    @inject(PluginContext) private readonly ctx: PluginContext,
    @inject(SlicingService) private readonly slicing: SlicingService,
  ) {}

  @OnStartup()
  register(): void {
    const slicer = new PrusaSlicer(() => this.binary(), this.ctx.logger);
    this.ctx.subscriptions.add(this.slicing.registerSlicer(slicer));
    void slicer.unavailableReason().then((reason) => {
      if (reason) this.ctx.logger.warn({ reason }, 'PrusaSlicer is unavailable');
    });
  }

  private binary(): string {
    const configured = this.ctx.settings.get<Partial<PrusaSlicerSettings>>().binary;
    return typeof configured === 'string' && configured.trim() ? configured : DEFAULTS.binary;
  }
}

export { PrusaSlicer } from './prusa-slicer.js';
