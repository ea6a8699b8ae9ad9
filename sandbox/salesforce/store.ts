import { toId18 } from '../../integrations/salesforce/ids';
import { OBJECTS, type ObjectDef } from './schema';

export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(n: number, width: number): string {
  let out = '';
  let rest = n;
  while (rest > 0) {
    out = BASE62.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/** Salesforce datetime as the REST API writes it: 2026-10-20T14:03:00.000+0000. */
export function sfDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function sfDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** In-memory tables, one per object, rows keyed by 18-character id in insertion order. */
export class Store {
  readonly tables = new Map<string, Map<string, Row>>();
  private counter = 0;
  /** Undo steps recorded while a transaction (allOrNone) is open. */
  private undo: (() => void)[] | null = null;

  constructor() {
    for (const object of OBJECTS.values()) this.tables.set(object.name, new Map());
  }

  newId(object: ObjectDef): string {
    this.counter += 1;
    // Prefix, a pod-like pair, a reserved 0, then a counter shared by all objects: the shape of real ids.
    return toId18(`${object.keyPrefix}Hn0${base62(this.counter * 7919, 9)}`)!;
  }

  table(object: ObjectDef): Map<string, Row> {
    return this.tables.get(object.name)!;
  }

  rows(object: ObjectDef): Iterable<Row> {
    return this.table(object).values();
  }

  get(object: ObjectDef, id: string): Row | undefined {
    return this.table(object).get(id);
  }

  insert(object: ObjectDef, row: Row): Row {
    const table = this.table(object);
    const id = row.Id as string;
    table.set(id, row);
    this.undo?.push(() => table.delete(id));
    return row;
  }

  update(row: Row, changes: Row): void {
    const before: Row = {};
    for (const key of Object.keys(changes)) before[key] = row[key] ?? null;
    Object.assign(row, changes);
    this.undo?.push(() => Object.assign(row, before));
  }

  remove(object: ObjectDef, id: string): void {
    const table = this.table(object);
    const row = table.get(id);
    if (!row) return;
    table.delete(id);
    this.undo?.push(() => table.set(id, row));
  }

  /** Runs `work`; when it returns false every change it made is rolled back (allOrNone). */
  transaction<T>(work: () => { commit: boolean; result: T }): T {
    const outer = this.undo;
    const steps: (() => void)[] = [];
    this.undo = steps;
    try {
      const { commit, result } = work();
      if (!commit) for (const step of steps.reverse()) step();
      else outer?.push(...steps);
      return result;
    } finally {
      this.undo = outer;
    }
  }
}
