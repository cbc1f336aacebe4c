/**
 * Local accounts and groups as /etc/passwd and /etc/group list them: Node can only ask about the
 * current user, and the service is installed for another one.
 */
import { readFileSync } from 'node:fs';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** The lines of a colon-separated database, split into fields; none when it cannot be read. */
function records(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.split(':'));
  } catch {
    return [];
  }
}

export function groupExists(name: string, groupFile = '/etc/group'): boolean {
  return records(groupFile).some(([group]) => group === name);
}

export function findAccount(name: string, passwdFile = '/etc/passwd'): Account | undefined {
  for (const [user, , uid, gid, , home] of records(passwdFile)) {
    if (user === name && uid !== undefined && gid !== undefined && home !== undefined) return { name, uid: Number(uid), gid: Number(gid), home };
  }
  return undefined;
}
