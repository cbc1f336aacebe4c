/** Generated documentation is up to date with the catalogue. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadSettings } from '../../core/container.js';
import { renderDefaultConfig } from '../../scripts/config-defaults.js';
import { renderEventDocs } from '../../scripts/docs-events.js';

describe('generated docs', () => {
  it('docs/events.md matches the catalogue (run npm run docs:events)', () => {
    const file = readFileSync(path.join(__dirname, '../../../docs/events.md'), 'utf8');
    expect(file).to.equal(renderEventDocs());
  });

  it('config/default.yaml matches the schema (run npm run docs:config)', () => {
    const file = readFileSync(path.join(__dirname, '../../../config/default.yaml'), 'utf8');
    expect(file).to.equal(renderDefaultConfig());
  });

  for (const name of ['default.yaml', 'config.example.yaml', 'event-hooks.example.yaml']) {
    it(`config/${name} is a valid configuration`, () => {
      const configFile = path.join(__dirname, '../../../config', name);
      expect(() => loadSettings({ basedir: path.dirname(configFile), configFile, env: {} })).to.not.throw();
    });
  }
});
