/**
 * The settings' own navigation (`#/settings/<page>`): printers and users first, then the editors of
 * the host's shared lists, then a page per core section and per plugin with settings, each a form
 * rendered from its schema (schema-form.tsx). Pages to change settings are for SETTINGS holders.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, reasonOf } from '../../api/http.js';
import { can } from '../../api/session.js';
import type { SettingsPage } from '../../api/types.js';
import { Notice } from '../../components/notice.js';
import { subsection } from '../../lib/route.js';
import { SchemaForm } from './schema-form.js';

/** The settings pages of their own, beside the schema pages: id, title and what renders them. */
export interface FixedPage {
  id: string;
  title: string;
  render(): ComponentChildren;
}

export function SettingsPages({ fixed }: { fixed: readonly FixedPage[] }) {
  const [pages, setPages] = useState<SettingsPage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const settings = can('SETTINGS');
  useEffect(() => {
    if (settings) void api<{ pages: SettingsPage[] }>('GET', 'api/settings/pages').then((r) => setPages(r.pages), (err) => setError(reasonOf(err)));
  }, [settings]);
  const current = subsection.value;
  const links = [...fixed.map((p) => ({ id: p.id, title: p.title })), ...(pages ?? []).map((p) => ({ id: p.id, title: p.owner === 'plugin' ? `${p.title} (plugin)` : p.title }))];
  const page = pages?.find((p) => p.id === current);
  const own = fixed.find((p) => p.id === current) ?? (page ? undefined : fixed[0]);
  return (
    <>
      {links.length > 1 && (
        <nav class="subnav panel" aria-label="Settings pages">
          <ul>
            {links.map((l) => (
              <li>
                <a href={`#/settings/${encodeURIComponent(l.id)}`} aria-current={(own ? own.id : page?.id) === l.id ? 'page' : undefined}>
                  {l.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <Notice error={error} onDismiss={() => setError(null)} />
      {page ? (
        <section class="panel" aria-labelledby="settings-page-h" data-settings-page={page.id}>
          <header>
            <h1 id="settings-page-h">{page.title}</h1>
          </header>
          <p class="muted">{page.description}</p>
          <SchemaForm key={page.id} page={page} onSaved={(saved) => setPages(pages!.map((p) => (p.id === saved.id ? saved : p)))} />
        </section>
      ) : (
        own?.render()
      )}
    </>
  );
}
