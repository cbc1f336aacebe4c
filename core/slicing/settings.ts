/** Slicing's settings (`slicing.*`), contributed by slicingModule. */
import { defineSettings } from '../settings/settings-section.js';

export const slicingSettings = defineSettings('slicing', {
  enabled: { doc: 'Offer slicing.', format: Boolean, default: true },
  defaultSlicer: { doc: 'Slicer used when a slice command names none.', format: String, default: 'prusaslicer' },
  timeoutSec: { doc: 'Seconds a slicing job may run before it fails.', format: 'nat', default: 600 },
});
