/**
 * Local accounts as /etc/passwd lists them: Node can only ask about the current user, and the
 * service is installed for another one.
 */
import { readFileSync } from 'node:fs';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export function findAccount(name: string, passwdFile = '/etc/passwd'): Account | undefined {
  let text: string;
  try {
    text = readFileSync(passwdFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [user, , uid, gid, , home] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined && home !== undefined) return { name, uid: Number(uid), gid: Number(gid), home };
  }
  return undefined;
}
