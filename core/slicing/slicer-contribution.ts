/**
 * `@Slicer()`: the decorator by which a plugin class that implements SlicerPlugin becomes a slicer,
 * registered with the SlicingService while the plugin runs (as `registerSlicer(this)` would).
 */
import { contributionDecorator, type ContributionPoint } from '../plugins/contributions.js';
import type { SlicerPlugin, SlicingService } from './slicing-service.js';

export const Slicer = contributionDecorator<SlicerPlugin>('slicer');

export function slicerContributionPoint(slicing: SlicingService): ContributionPoint {
  return { kind: 'slicer', contribute: (instance) => slicing.registerSlicer(instance as SlicerPlugin) };
}
