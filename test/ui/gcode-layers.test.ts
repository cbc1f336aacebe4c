/** The layer preview's parser (ui/src/lib/gcode-layers.ts): extrusion moves by layer, with the byte offset of each move's line. */
import { expect } from 'chai';
import { layerAt, parseLayers } from '../../ui/src/lib/gcode-layers.js';

describe('web app: G-code layers for the preview', () => {
  const text = ['G21', 'G90', 'M82', 'G1 Z0.2 F600', 'G1 X10 Y0 E1 F1200', 'G1 X10 Y10 E2 ; a comment', 'G0 X0 Y0', 'G1 Z0.4', 'G92 E0', 'G1 X5 Y5 E0.5', 'M83', 'G1 X6 Y5 E0.1', 'G1 X7 Y5 E-0.5', 'G91', 'G1 X1 E0.2', ''].join('\n');
  const { layers, bounds } = parseLayers(text);

  it('groups extruding moves by Z, travels and retractions left out', () => {
    expect(layers.map((l) => l.z)).to.deep.equal([0.2, 0.4]);
    expect(Array.from(layers[0]!.segments)).to.deep.equal([0, 0, 10, 0, 10, 0, 10, 10]);
    // G92 E0 then absolute E, then relative E (M83), a retraction, then relative XY (G91)
    expect(Array.from(layers[1]!.segments)).to.deep.equal([0, 0, 5, 5, 5, 5, 6, 5, 7, 5, 8, 5]);
    expect(bounds).to.deep.equal({ minX: 0, minY: 0, maxX: 10, maxY: 10 });
  });

  it("records where each move's line starts in the file, to compare with the printer's filepos", () => {
    expect(Array.from(layers[0]!.offsets)).to.deep.equal([text.indexOf('G1 X10 Y0'), text.indexOf('G1 X10 Y10')]);
    expect(layers[1]!.offsets[0]).to.equal(text.indexOf('G1 X5 Y5'));
  });

  it('finds the layer at a height', () => {
    expect(layerAt(layers, 0.1)).to.equal(-1);
    expect(layerAt(layers, 0.2)).to.equal(0);
    expect(layerAt(layers, 0.3)).to.equal(0);
    expect(layerAt(layers, 5)).to.equal(1);
  });
});
