/** Generated documentation is up to date with the catalogue. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { renderEventDocs } from '../../scripts/docs-events.js';

describe('generated docs', () => {
  it('docs/events.md matches the catalogue (run npm run docs:events)', () => {
    const file = readFileSync(path.join(__dirname, '../../../docs/events.md'), 'utf8');
    expect(file).to.equal(renderEventDocs());
  });
});
