/** A SQL WHERE clause from optional filters: each `[clause, value]` counts only when its value is set. */
export type SqlValue = string | number;

export function whereClause(filters: readonly (readonly [clause: string, value: SqlValue | undefined])[]): { sql: string; params: SqlValue[] } {
  const set = filters.filter((f): f is readonly [string, SqlValue] => f[1] !== undefined);
  return { sql: set.length > 0 ? `WHERE ${set.map(([clause]) => clause).join(' AND ')}` : '', params: set.map(([, value]) => value) };
}
