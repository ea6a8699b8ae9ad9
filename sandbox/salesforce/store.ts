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

/**
 * In-memory tables, one per object, rows keyed by 18-character id in insertion order. Once seeded, rows change only
 * through insert, update and remove: the lookup indexes (rowsWhere) are rebuilt after any change.
 */
export class Store {
  readonly tables = new Map<string, Map<string, Row>>();
  private counter = 0;
  /** Undo steps recorded while a transaction (allOrNone) is open. */
  private undo: (() => void)[] | null = null;
  /** Bumped by every change, so an index built before it is not used after. */
  private changes = 0;
  private readonly indexes = new Map<string, { changes: number; rows: Map<Value, Row[]>; position: Map<Row, number> }>();

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

  /**
   * The rows of `object` whose `field` holds one of `values`, in insertion order: an index on a lookup field, as
   * Salesforce keeps on Id and lookups, so a query by account or invitation reads its rows, not the whole table.
   */
  rowsWhere(object: ObjectDef, field: string, values: Iterable<Value>): Row[] {
    const table = this.table(object);
    if (field === 'Id') return [...new Set(values)].flatMap((id) => (typeof id === 'string' && table.has(id) ? [table.get(id)!] : []));
    const name = `${object.name}.${field}`;
    let index = this.indexes.get(name);
    if (!index || index.changes !== this.changes) {
      const rows = new Map<Value, Row[]>();
      const position = new Map<Row, number>();
      for (const row of table.values()) {
        position.set(row, position.size);
        const value = row[field] ?? null;
        const list = rows.get(value);
        if (list) list.push(row);
        else rows.set(value, [row]);
      }
      index = { changes: this.changes, rows, position };
      this.indexes.set(name, index);
    }
    const wanted = new Set(values);
    if (wanted.size === 1) return index.rows.get([...wanted][0]!) ?? [];
    const found = new Set<Row>();
    for (const value of wanted) for (const row of index.rows.get(value) ?? []) found.add(row);
    // Insertion order, as a scan of the table gives them.
    const { position } = index;
    return [...found].sort((a, b) => position.get(a)! - position.get(b)!);
  }

  insert(object: ObjectDef, row: Row): Row {
    this.changes += 1;
    const table = this.table(object);
    const id = row.Id as string;
    table.set(id, row);
    this.undo?.push(() => table.delete(id));
    return row;
  }

  update(row: Row, changes: Row): void {
    this.changes += 1;
    const before: Row = {};
    for (const key of Object.keys(changes)) before[key] = row[key] ?? null;
    Object.assign(row, changes);
    this.undo?.push(() => Object.assign(row, before));
  }

  remove(object: ObjectDef, id: string): void {
    this.changes += 1;
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
      if (!commit) {
        this.changes += 1;
        for (const step of steps.reverse()) step();
      }
      else outer?.push(...steps);
      return result;
    } finally {
      this.undo = outer;
    }
  }
}
