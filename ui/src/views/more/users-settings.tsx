/**
 * Users (SETTINGS permission, `/api/access/users`): who may sign in, in which group (admins, users,
 * read-only), active or not; add, change, remove. Anyone signed in with a password changes their own.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/http.js';
import { can, currentUser, signIn } from '../../api/session.js';
import { ActionsHeader } from '../../components/printer-filter.js';
import { Notice } from '../../components/notice.js';
import { isolate } from '../../lib/bidi.js';
import { useAction } from '../../components/use-action.js';

interface UserJson {
  name: string;
  active: boolean;
  groups: string[];
}

const GROUPS = [
  { value: 'admins', label: 'admin' },
  { value: 'users', label: 'user' },
  { value: 'readonly', label: 'read-only' },
];
const groupOf = (u: UserJson) => (u.groups.includes('admins') ? 'admins' : u.groups.includes('users') ? 'users' : 'readonly');

function OwnPassword() {
  const action = useAction();
  const [done, setDone] = useState(false);
  const name = currentUser.value?.name ?? '';
  return (
    <form
      id="own-password"
      class="row"
      aria-label="Change your password"
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget as HTMLFormElement;
        const data = new FormData(form);
        setDone(false);
        void action.run(async () => {
          await api('PUT', `api/access/users/${encodeURIComponent(name)}/password`, { current: data.get('current'), password: data.get('password') });
          form.reset();
          setDone(true);
        });
      }}
    >
      <strong>Your password</strong>
      <label class="stack">
        Current
        <input name="current" type="password" autocomplete="current-password" required />
      </label>
      <label class="stack">
        New
        <input name="password" type="password" autocomplete="new-password" minLength={8} required />
      </label>
      <button type="submit" disabled={action.busy}>
        Change
      </button>
      {done && <span role="status">changed</span>}
      <Notice error={action.error} onDismiss={action.clear} />
    </form>
  );
}

export function UsersSettings() {
  const [users, setUsers] = useState<UserJson[] | null>(null);
  const action = useAction();
  const manager = can('SETTINGS');
  useEffect(() => {
    if (manager) void action.run(() => api<{ users: UserJson[] }>('GET', 'api/access/users').then((r) => setUsers(r.users)));
  }, [manager]);
  const change = async (method: string, path: string, body?: object) => {
    const done = await action.run(() => api<{ users: UserJson[] }>(method, path, body).then((r) => setUsers(r.users)));
    // refused: drawn again as the host has it (a group's select kept showing the group it refused)
    if (!done) setUsers((shown) => shown && [...shown]);
    return done;
  };
  const byPassword = signIn.value.status === 'signed-in' && signIn.value.via === 'password';
  const me = currentUser.value?.name;
  return (
    <section class="panel" aria-labelledby="users-h">
      <header>
        <h1 id="users-h">Users</h1>
      </header>
      {manager && users && users.every((u) => u.name === me) && (
        <p class="muted" id="users-empty">
          {users.length ? 'Only you so far.' : 'No users yet: you are signed in with a key.'} Add a user below for each person who should sign in with a name and password.
        </p>
      )}
      {manager && users && users.length > 0 && (
        <table id="users">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Group</th>
              <th scope="col">Active</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.name} data-user={u.name}>
                <td class="name">{u.name}</td>
                <td>
                  <select aria-label={`Group of ${u.name}`} value={groupOf(u)} onChange={(e) => void change('PUT', `api/access/users/${encodeURIComponent(u.name)}`, { groups: [(e.currentTarget as HTMLSelectElement).value] })}>
                    {GROUPS.map((g) => (
                      <option value={g.value}>{g.label}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <input type="checkbox" aria-label={`${u.name} may sign in`} checked={u.active} onChange={(e) => void change('PUT', `api/access/users/${encodeURIComponent(u.name)}`, { active: (e.currentTarget as HTMLInputElement).checked })} />
                </td>
                <td>
                  <button type="button" class="danger" onClick={() => confirm(`Remove the user ${isolate(u.name)}?`) && void change('DELETE', `api/access/users/${encodeURIComponent(u.name)}`)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {manager && (
        <form
          id="add-user"
          class="row"
          aria-label="Add a user"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget as HTMLFormElement;
            const data = new FormData(form);
            void change('POST', 'api/access/users', { name: data.get('name'), password: data.get('password'), groups: [data.get('group')] }).then((done) => done && form.reset());
          }}
        >
          <label class="stack">
            Name
            <input name="name" required autocomplete="off" />
          </label>
          <label class="stack">
            Password
            <input name="password" type="password" autocomplete="new-password" minLength={8} required />
          </label>
          <label class="stack">
            Group
            <select name="group">
              {GROUPS.map((g) => (
                <option value={g.value} selected={g.value === 'users'}>
                  {g.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="primary">
            Add user
          </button>
        </form>
      )}
      <Notice error={action.error} onDismiss={action.clear} />
      {byPassword && <OwnPassword />}
      {!manager && !byPassword && <p class="muted">Signed in with an API key: nothing to change here.</p>}
    </section>
  );
}
