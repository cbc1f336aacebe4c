/**
 * The bundled PrusaSlicer plugin (slicer id `prusaslicer`): Debian's `prusa-slicer` as a slicer,
 * contributed with `@Slicer()`. Setting `plugins.prusaslicer.binary` names the binary; when it is
 * missing the slicer stays listed as unavailable with the reason, and slice requests are refused with it.
 */
import { inject, OnStartup, definePlugin, Plugin, PluginContext, Slicer } from 'cuttle';
import { PrusaSlicer } from './prusa-slicer.js';

const info = definePlugin({
  id: 'prusaslicer',
  name: 'PrusaSlicer',
  version: '1.0.0',
  description: "Slices STL models with PrusaSlicer's command line (prusa-slicer --export-gcode).",
  settings: {
    binary: {
      doc: 'the prusa-slicer binary to run',
      format: (value: unknown) => {
        if (typeof value !== 'string' || value.trim() === '') throw new Error('must name the prusa-slicer binary');
      },
      default: '/usr/bin/prusa-slicer',
    },
  },
});

@Slicer()
@Plugin(info)
export class PrusaSlicerPlugin extends PrusaSlicer {
  constructor(@inject(PluginContext) private readonly ctx: PluginContext<typeof info>) {
    // the binary is read per job, so a saved change applies at once (the schema has checked it)
    super(() => ctx.settings.get().binary, ctx.logger);
  }

  @OnStartup()
  async reportAvailability(): Promise<void> {
    const reason = await this.unavailableReason();
    if (reason) this.ctx.logger.warn({ reason }, 'PrusaSlicer is unavailable');
  }
}

export { PrusaSlicer } from './prusa-slicer.js';
