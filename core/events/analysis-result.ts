/**
 * The shape of a G-code analysis result: OctoPrint's `gcodeAnalysis` keys, plus what cuttle adds.
 * Lives beside the file manager; the event catalogue refers to it for MetadataAnalysisFinished.
 */
export interface Area {
  minX: number;
  minY: number;
  minZ: number;
  maxX: number;
  maxY: number;
  maxZ: number;
}

export interface Dimensions {
  width: number;
  depth: number;
  height: number;
}

export interface ToolFilament {
  /** mm of filament pushed by this tool */
  length: number;
  /** cm³, from the profile's filament diameter */
  volume: number;
}

export interface GcodeAnalysisResult {
  /** seconds, with the acceleration-aware model named in `estimator` */
  estimatedPrintTime: number;
  filament: Record<string, ToolFilament>;
  printingArea: Area;
  dimensions: Dimensions;
  travelArea: Area;
  travelDimensions: Dimensions;
  /** number of distinct Z heights at which material was extruded */
  layerCount: number;
  /** which time model produced estimatedPrintTime */
  estimator: string;
}
