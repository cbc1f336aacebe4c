/** The catalogue against the spec: every event, in its category, with every payload key. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { EVENT_CATALOGUE, EVENT_CATEGORIES, type CoreEventName } from '../../core/events/catalogue.js';

type SpecFixture = Record<string, Record<string, string[]>>;
const spec = JSON.parse(readFileSync(path.join(__dirname, '../../../test/fixtures/spec-events.json'), 'utf8')) as SpecFixture;
delete (spec as Record<string, unknown>)['_about'];

function catalogueKeys(name: CoreEventName): string[] {
  const keys: string[] = [];
  for (const [key, doc] of Object.entries(EVENT_CATALOGUE[name].keys)) {
    keys.push(key);
    for (const child of Object.keys(doc.children ?? {})) keys.push(`${key}.${child}`);
  }
  return keys;
}

describe('event catalogue', () => {
  const specEvents = Object.entries(EVENT_CATALOGUE).filter(([, entry]) => !entry.extension);

  it('has exactly the spec categories, then the categories of cuttle\'s own events', () => {
    const own = EVENT_CATEGORIES.filter((category) => !specEvents.some(([, entry]) => entry.category === category));
    expect([...EVENT_CATEGORIES]).to.deep.equal([...Object.keys(spec), ...own]);
    expect(own).to.deep.equal(['Printers', 'Backup']);
  });

  for (const [category, events] of Object.entries(spec)) {
    for (const [name, keys] of Object.entries(events)) {
      it(`${category} / ${name} with ${keys.join(', ') || 'no payload'}`, () => {
        expect(EVENT_CATALOGUE, `missing event ${name}`).to.have.property(name);
        const entry = EVENT_CATALOGUE[name as CoreEventName];
        expect(entry.category).to.equal(category);
        const actual = catalogueKeys(name as CoreEventName);
        for (const key of keys) expect(actual, `${name} lacks payload key ${key}`).to.include(key);
        const extra = actual.filter((k) => !keys.includes(k));
        for (const key of extra) {
          const top = key.split('.')[0]!;
          const doc = (entry.keys as Record<string, { extension?: boolean }>)[top];
          expect(doc?.extension, `${name}.${key} is not in the spec and not marked as an extension`).to.equal(true);
        }
      });
    }
  }

  it('has no event the spec does not list, except the ones marked as cuttle\'s own, whose keys are all extensions', () => {
    const specNames = Object.values(spec).flatMap((events) => Object.keys(events));
    expect(specEvents.map(([name]) => name).sort()).to.deep.equal(specNames.sort());
    const own = Object.entries(EVENT_CATALOGUE).filter(([, entry]) => entry.extension);
    expect(own.map(([name]) => name)).to.deep.equal([
      'PrinterAdded',
      'PrinterRemoved',
      'plugin_backup_backup_created',
      'plugin_backup_backup_deleted',
      'plugin_backup_restore_started',
      'plugin_backup_restore_failed',
      'plugin_backup_restore_done',
    ]);
    for (const [name, entry] of own) {
      for (const [key, doc] of Object.entries(entry.keys as Record<string, { extension?: boolean }>)) expect(doc.extension, `${name}.${key}`).to.equal(true);
    }
  });

  it('marks the deprecated keys as deprecated', () => {
    expect(EVENT_CATALOGUE.FileSelected.keys.file.deprecated).to.equal(true);
    expect(EVENT_CATALOGUE.PrintDone.keys.filename.deprecated).to.equal(true);
    expect(EVENT_CATALOGUE.Upload.keys.file.deprecated).to.equal(true);
  });
});
