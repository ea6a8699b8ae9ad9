import {
  parseQuery,
  type Condition,
  type FieldType as QueryField,
  type FunctionExp,
  type HavingClause,
  type OrderByClause,
  type Query,
  type Subquery,
  type WhereClause,
} from '@jetstreamapp/soql-parser-js';
import { toId18 } from '../../integrations/salesforce/ids';
import { childRelationship, fieldDef, isGroupable, objectByPrefix, objectDef, relationshipField, type FieldDef, type ObjectDef } from './schema';
import type { Row, Store, Value } from './store';

// SOQL evaluated against the in-memory org: the real parser builds the AST, this walks it.

export type SoqlErrorCode = 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE' | 'INVALID_QUERY_FILTER_OPERATOR' | 'NUMBER_OUTSIDE_VALID_RANGE';

export class SoqlError extends Error {
  constructor(
    readonly errorCode: SoqlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type OutRecord = Record<string, unknown>;

/** A parent-to-child subquery's rows for one parent, paged when the response is written. */
export class ChildRows {
  constructor(readonly records: OutRecord[]) {}
}

export interface QueryOutput {
  totalSize: number;
  records: OutRecord[];
}

interface Context {
  store: Store;
  now: number;
  version: string;
  /** Each semi-join's values, computed once per query (the index narrowing and the WHERE both use them). */
  semiJoins?: Map<Query, Value[]>;
}

const DAY = 86_400_000;

function noSuchColumn(field: string, object: ObjectDef): SoqlError {
  return new SoqlError(
    'INVALID_FIELD',
    `\n${field}\n^\nERROR at Row:1:Column:1\nNo such column '${field}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

function badRelationship(name: string): SoqlError {
  return new SoqlError(
    'INVALID_FIELD',
    `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

export function objectOrThrow(name: string): ObjectDef {
  const object = objectDef(name);
  if (!object) {
    throw new SoqlError(
      'INVALID_TYPE',
      `\nFROM ${name}\n     ^\nERROR at Row:1:Column:1\nsObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  return object;
}

/** A resolved field path: relationship hops from the root object, then the leaf field. */
interface Path {
  hops: FieldDef[];
  leaf: FieldDef;
  /** Output keys: relationship names then the leaf's canonical name. */
  keys: string[];
}

function resolvePath(root: ObjectDef, raw: string): Path {
  const parts = raw.split('.');
  // A leading object name or alias (`Contact.Name` in a query on Contact) is allowed and ignored.
  if (parts.length > 1 && parts[0]!.toLowerCase() === root.name.toLowerCase() && !relationshipField(root, parts[0]!)) parts.shift();
  let object = root;
  const hops: FieldDef[] = [];
  const keys: string[] = [];
  for (const part of parts.slice(0, -1)) {
    const hop = relationshipField(object, part);
    if (!hop) throw badRelationship(part);
    hops.push(hop);
    keys.push(hop.relationshipName!);
    object = objectDef(hop.referenceTo![0]!)!;
  }
  const leafName = parts[parts.length - 1]!;
  const leaf = fieldDef(object, leafName);
  if (!leaf) throw noSuchColumn(leafName, object);
  keys.push(leaf.name);
  return { hops, leaf, keys };
}

function parentRow(store: Store, id: Value): { row: Row; object: ObjectDef } | null {
  if (typeof id !== 'string') return null;
  const object = objectByPrefix(id);
  if (!object) return null;
  const row = store.get(object, id);
  return row ? { row, object } : null;
}

function readPath(store: Store, row: Row, path: Path): Value {
  let current: Row | null = row;
  for (const hop of path.hops) {
    const parent = parentRow(store, current[hop.name] ?? null);
    if (!parent) return null;
    current = parent.row;
  }
  return current[path.leaf.name] ?? null;
}

// ---------- literals and comparison ----------

/** A LIKE pattern from the raw literal: % and _ are wildcards unless escaped with a backslash. */
function likePattern(raw: string): RegExp {
  let source = '';
  const body = raw.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (ch === '\\' && i + 1 < body.length) {
      const next = body.charAt(++i);
      source += ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[next] ?? next.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

function unquote(raw: string): string {
  if (!raw.startsWith("'")) return raw;
  return raw.slice(1, -1).replace(/\\(.)/g, (_, ch: string) => ({ n: '\n', t: '\t', r: '\r' })[ch as 'n'] ?? ch);
}

type Range = { start: number; end: number };
type Literal = { kind: 'null' } | { kind: 'string'; value: string; like?: RegExp } | { kind: 'number'; value: number } | { kind: 'boolean'; value: boolean } | { kind: 'range'; range: Range };

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
}

function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function quarterStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1);
}

function yearStart(ms: number): number {
  return Date.UTC(new Date(ms).getUTCFullYear(), 0, 1);
}

function weekStart(ms: number): number {
  const day = startOfDay(ms);
  return day - new Date(day).getUTCDay() * DAY;
}

function dateLiteral(name: string, n: number, now: number): Range {
  const today = startOfDay(now);
  switch (name.replace('FISCAL_', '')) {
    case 'TODAY': return { start: today, end: today + DAY };
    case 'YESTERDAY': return { start: today - DAY, end: today };
    case 'TOMORROW': return { start: today + DAY, end: today + 2 * DAY };
    case 'THIS_WEEK': return { start: weekStart(now), end: weekStart(now) + 7 * DAY };
    case 'LAST_WEEK': return { start: weekStart(now) - 7 * DAY, end: weekStart(now) };
    case 'NEXT_WEEK': return { start: weekStart(now) + 7 * DAY, end: weekStart(now) + 14 * DAY };
    case 'THIS_MONTH': return { start: monthStart(now), end: addMonths(now, 1) };
    case 'LAST_MONTH': return { start: addMonths(now, -1), end: monthStart(now) };
    case 'NEXT_MONTH': return { start: addMonths(now, 1), end: addMonths(now, 2) };
    case 'LAST_90_DAYS': return { start: today - 90 * DAY, end: today + DAY };
    case 'NEXT_90_DAYS': return { start: today + DAY, end: today + 91 * DAY };
    case 'THIS_QUARTER': return { start: quarterStart(now), end: addMonths(quarterStart(now), 3) };
    case 'LAST_QUARTER': return { start: addMonths(quarterStart(now), -3), end: quarterStart(now) };
    case 'NEXT_QUARTER': return { start: addMonths(quarterStart(now), 3), end: addMonths(quarterStart(now), 6) };
    case 'THIS_YEAR': return { start: yearStart(now), end: addMonths(yearStart(now), 12) };
    case 'LAST_YEAR': return { start: addMonths(yearStart(now), -12), end: yearStart(now) };
    case 'NEXT_YEAR': return { start: addMonths(yearStart(now), 12), end: addMonths(yearStart(now), 24) };
    case 'LAST_N_DAYS': return { start: today - n * DAY, end: today + DAY };
    case 'NEXT_N_DAYS': return { start: today + DAY, end: today + (n + 1) * DAY };
    case 'N_DAYS_AGO': return { start: today - n * DAY, end: today - (n - 1) * DAY };
    case 'LAST_N_WEEKS': return { start: weekStart(now) - 7 * n * DAY, end: weekStart(now) };
    case 'NEXT_N_WEEKS': return { start: weekStart(now) + 7 * DAY, end: weekStart(now) + 7 * (n + 1) * DAY };
    case 'N_WEEKS_AGO': return { start: weekStart(now) - 7 * n * DAY, end: weekStart(now) - 7 * (n - 1) * DAY };
    case 'LAST_N_MONTHS': return { start: addMonths(now, -n), end: monthStart(now) };
    case 'NEXT_N_MONTHS': return { start: addMonths(now, 1), end: addMonths(now, n + 1) };
    case 'N_MONTHS_AGO': return { start: addMonths(now, -n), end: addMonths(now, -n + 1) };
    case 'LAST_N_QUARTERS': return { start: addMonths(quarterStart(now), -3 * n), end: quarterStart(now) };
    case 'NEXT_N_QUARTERS': return { start: addMonths(quarterStart(now), 3), end: addMonths(quarterStart(now), 3 * (n + 1)) };
    case 'N_QUARTERS_AGO': return { start: addMonths(quarterStart(now), -3 * n), end: addMonths(quarterStart(now), -3 * (n - 1)) };
    case 'LAST_N_YEARS': return { start: addMonths(yearStart(now), -12 * n), end: yearStart(now) };
    case 'NEXT_N_YEARS': return { start: addMonths(yearStart(now), 12), end: addMonths(yearStart(now), 12 * (n + 1)) };
    case 'N_YEARS_AGO': return { start: addMonths(yearStart(now), -12 * n), end: addMonths(yearStart(now), -12 * (n - 1)) };
    default: throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${name}'`);
  }
}

function parseDateTime(raw: string): number {
  const ms = Date.parse(raw.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  if (Number.isNaN(ms)) throw new SoqlError('MALFORMED_QUERY', `line 1:0 no viable alternative at character '${raw}'`);
  return ms;
}

function literalOf(raw: string, type: string | undefined, n: number, ctx: Context): Literal {
  switch (type) {
    case 'NULL': return { kind: 'null' };
    case 'STRING': return { kind: 'string', value: unquote(raw) };
    case 'INTEGER':
    case 'DECIMAL': return { kind: 'number', value: Number(raw) };
    case 'BOOLEAN': return { kind: 'boolean', value: raw.toUpperCase() === 'TRUE' };
    case 'DATE': {
      const start = parseDateTime(`${raw}T00:00:00Z`);
      return { kind: 'range', range: { start, end: start + DAY } };
    }
    case 'DATETIME': {
      const at = parseDateTime(raw);
      return { kind: 'range', range: { start: at, end: at + 1 } };
    }
    case 'DATE_LITERAL':
    case 'DATE_N_LITERAL': return { kind: 'range', range: dateLiteral(raw.split(':')[0]!.toUpperCase(), n, ctx.now) };
    default: throw new SoqlError('MALFORMED_QUERY', `unsupported literal ${raw}`);
  }
}

function filterTypeError(field: FieldDef, expected: string): SoqlError {
  return new SoqlError(
    'INVALID_FIELD',
    `value of filter criterion for field '${field.name}' must be of type ${expected} and should not be enclosed in quotes`,
  );
}

function checkLiteral(field: FieldDef, literal: Literal): Literal {
  const numeric = field.type === 'double' || field.type === 'currency' || field.type === 'int';
  const temporal = field.type === 'date' || field.type === 'datetime';
  if (literal.kind === 'null') return literal;
  if (numeric && literal.kind !== 'number') throw filterTypeError(field, 'double');
  if (temporal && literal.kind !== 'range') throw filterTypeError(field, field.type === 'date' ? 'date' : 'dateTime');
  if (field.type === 'boolean' && literal.kind !== 'boolean') throw filterTypeError(field, 'boolean');
  if (!numeric && !temporal && field.type !== 'boolean' && literal.kind !== 'string') {
    throw new SoqlError('INVALID_FIELD', `value of filter criterion for field '${field.name}' must be of type string and should be enclosed in quotes`);
  }
  if ((field.type === 'id' || field.type === 'reference') && literal.kind === 'string') {
    return { kind: 'string', value: toId18(literal.value) ?? literal.value };
  }
  return literal;
}

// Datetimes repeat across rows and queries (every row of a response shares its completion time): parse each once.
const parsedTimes = new Map<string, number>();

function temporalMs(value: Value, field: FieldDef): number | null {
  if (typeof value !== 'string') return null;
  let ms = parsedTimes.get(value);
  if (ms === undefined) {
    ms = parseDateTime(field.type === 'date' ? `${value}T00:00:00Z` : value);
    if (parsedTimes.size > 500_000) parsedTimes.clear();
    parsedTimes.set(value, ms);
  }
  return ms;
}

function compare(field: FieldDef, value: Value, operator: string, literal: Literal): boolean {
  if (literal.kind === 'null') {
    if (operator === '=') return value === null;
    if (operator === '!=') return value !== null;
    return false;
  }
  if (value === null) return operator === '!=';
  if (literal.kind === 'range') {
    const ms = temporalMs(value, field);
    if (ms === null) return false;
    const { start, end } = literal.range;
    switch (operator) {
      case '=': return ms >= start && ms < end;
      case '!=': return ms < start || ms >= end;
      case '<': return ms < start;
      case '<=': return ms < end;
      case '>': return ms >= end;
      case '>=': return ms >= start;
      default: throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid operator ${operator} on field '${field.name}'`);
    }
  }
  let left: string | number | boolean = value;
  let right: string | number | boolean = literal.value;
  if (literal.kind === 'string') {
    const caseSensitive = field.type === 'id' || field.type === 'reference';
    left = caseSensitive ? String(value) : String(value).toLowerCase();
    right = caseSensitive ? literal.value : literal.value.toLowerCase();
    if (operator === 'LIKE') return (literal.like ?? likePattern(`'${literal.value}'`)).test(String(value));
  }
  switch (operator) {
    case '=': return left === right;
    case '!=': return left !== right;
    case '<': return left < right;
    case '<=': return left <= right;
    case '>': return left > right;
    case '>=': return left >= right;
    default: throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid operator ${operator} on field '${field.name}'`);
  }
}

// ---------- WHERE / HAVING: the parser gives a flat chain with paren counts; rebuild the tree ----------

type Token = '(' | ')' | 'AND' | 'OR' | 'NOT' | { condition: Condition };
type Predicate<T> = (item: T) => boolean;

function tokenize(clause: WhereClause | HavingClause | undefined, tokens: Token[] = []): Token[] {
  if (!clause) return tokens;
  const left = clause.left as (Condition & { openParen?: number; closeParen?: number }) | null;
  if (left) {
    for (let i = 0; i < (left.openParen ?? 0); i++) tokens.push('(');
    if ('field' in left || 'fn' in left) tokens.push({ condition: left });
    for (let i = 0; i < (left.closeParen ?? 0); i++) tokens.push(')');
  }
  if ('operator' in clause && clause.operator) tokens.push(clause.operator);
  if ('right' in clause && clause.right) tokenize(clause.right, tokens);
  return tokens;
}

function buildPredicate<T>(tokens: Token[], leaf: (condition: Condition) => Predicate<T>): Predicate<T> {
  let i = 0;
  const or = (): Predicate<T> => {
    const parts = [and()];
    while (tokens[i] === 'OR') {
      i++;
      parts.push(and());
    }
    return parts.length === 1 ? parts[0]! : (item) => parts.some((p) => p(item));
  };
  const and = (): Predicate<T> => {
    const parts = [not()];
    while (tokens[i] === 'AND') {
      i++;
      parts.push(not());
    }
    return parts.length === 1 ? parts[0]! : (item) => parts.every((p) => p(item));
  };
  const not = (): Predicate<T> => {
    if (tokens[i] === 'NOT') {
      i++;
      const inner = not();
      return (item) => !inner(item);
    }
    return primary();
  };
  const primary = (): Predicate<T> => {
    const token = tokens[i++];
    if (token === '(') {
      const inner = or();
      if (tokens[i++] !== ')') throw new SoqlError('MALFORMED_QUERY', 'unbalanced parentheses');
      return inner;
    }
    if (token && typeof token === 'object') return leaf(token.condition);
    throw new SoqlError('MALFORMED_QUERY', 'unexpected token in WHERE');
  };
  const predicate = or();
  if (i !== tokens.length) throw new SoqlError('MALFORMED_QUERY', 'unexpected token in WHERE');
  return predicate;
}

// Date functions; the org's fiscal year starts in January, so fiscal and calendar periods agree.
const DATE_FUNCTIONS: Record<string, (ms: number) => number | string> = {
  CALENDAR_YEAR: (ms) => new Date(ms).getUTCFullYear(),
  CALENDAR_MONTH: (ms) => new Date(ms).getUTCMonth() + 1,
  CALENDAR_QUARTER: (ms) => Math.floor(new Date(ms).getUTCMonth() / 3) + 1,
  FISCAL_YEAR: (ms) => new Date(ms).getUTCFullYear(),
  FISCAL_MONTH: (ms) => new Date(ms).getUTCMonth() + 1,
  FISCAL_QUARTER: (ms) => Math.floor(new Date(ms).getUTCMonth() / 3) + 1,
  DAY_IN_WEEK: (ms) => new Date(ms).getUTCDay() + 1,
  DAY_IN_MONTH: (ms) => new Date(ms).getUTCDate(),
  DAY_ONLY: (ms) => new Date(ms).toISOString().slice(0, 10),
};

function rowCondition(object: ObjectDef, ctx: Context): (condition: Condition) => Predicate<Row> {
  return (condition) => {
    const c = condition as Condition & { field?: string; fn?: FunctionExp; operator: string; value?: string | string[]; literalType?: string | string[]; valueQuery?: Query; dateLiteralVariable?: number | number[] };
    if (c.fn) {
      const name = (c.fn.functionName ?? '').toUpperCase();
      const convert = DATE_FUNCTIONS[name];
      const param = c.fn.parameters?.[0];
      if (!convert || typeof param !== 'string') throw new SoqlError('MALFORMED_QUERY', `function ${name} is not supported in WHERE`);
      const path = resolvePath(object, param);
      const expected = Number(c.value);
      return (row) => {
        const ms = temporalMs(readPath(ctx.store, row, path), path.leaf);
        if (ms === null) return false;
        const got = convert(ms);
        return compare({ ...path.leaf, type: 'double' }, typeof got === 'number' ? got : Date.parse(got), c.operator, { kind: 'number', value: typeof got === 'number' ? expected : Date.parse(String(c.value)) });
      };
    }
    const path = resolvePath(object, c.field!);
    const operator = c.operator.toUpperCase();
    if (operator === 'IN' || operator === 'NOT IN') {
      let members: Set<Value>;
      let nullMember = false;
      if (c.valueQuery) {
        members = new Set(cachedSemiJoin(c.valueQuery, ctx));
      } else {
        const raws = Array.isArray(c.value) ? c.value : [c.value ?? ''];
        const types = Array.isArray(c.literalType) ? c.literalType : raws.map(() => c.literalType as string | undefined);
        const literals = raws.map((raw, index) => checkLiteral(path.leaf, literalOf(raw, types[index], 0, ctx)));
        nullMember = literals.some((l) => l.kind === 'null');
        const caseSensitive = path.leaf.type === 'id' || path.leaf.type === 'reference';
        members = new Set(
          literals.filter((l) => l.kind !== 'null' && l.kind !== 'range').map((l) => {
            const v = (l as { value: string | number | boolean }).value;
            return typeof v === 'string' && !caseSensitive ? v.toLowerCase() : v;
          }),
        );
      }
      const caseSensitive = path.leaf.type === 'id' || path.leaf.type === 'reference';
      const inSet = (value: Value) =>
        value === null ? nullMember : members.has(typeof value === 'string' && !caseSensitive ? value.toLowerCase() : value);
      return operator === 'IN' ? (row) => inSet(readPath(ctx.store, row, path)) : (row) => !inSet(readPath(ctx.store, row, path));
    }
    if (operator === 'INCLUDES' || operator === 'EXCLUDES') {
      if (path.leaf.type !== 'multipicklist') throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `${operator} only applies to multi-select picklists`);
      // INCLUDES ('a;b', 'c'): the row holds both a and b, or c (Salesforce compares without case).
      const raws = Array.isArray(c.value) ? c.value : [c.value ?? ''];
      const types = Array.isArray(c.literalType) ? c.literalType : raws.map(() => c.literalType as string | undefined);
      const wanted = raws.map((raw, index) => {
        const literal = literalOf(raw, types[index], 0, ctx);
        if (literal.kind !== 'string') throw new SoqlError('INVALID_FIELD', `value of filter criterion for field '${path.leaf.name}' must be of type string and should be enclosed in quotes`);
        return literal.value.split(';').map((v) => v.trim().toLowerCase()).filter(Boolean);
      });
      const includes = (value: Value) => {
        const held = new Set(typeof value === 'string' ? value.split(';').map((v) => v.trim().toLowerCase()) : []);
        return wanted.some((all) => all.every((v) => held.has(v)));
      };
      return operator === 'INCLUDES' ? (row) => includes(readPath(ctx.store, row, path)) : (row) => !includes(readPath(ctx.store, row, path));
    }
    if (path.leaf.type === 'multipicklist' && operator !== '=' && operator !== '!=') {
      throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid operator ${operator} on multi-select picklist field '${path.leaf.name}'`);
    }
    if (Array.isArray(c.value)) throw new SoqlError('MALFORMED_QUERY', `unexpected list for operator ${operator}`);
    const n = Array.isArray(c.dateLiteralVariable) ? c.dateLiteralVariable[0] ?? 0 : c.dateLiteralVariable ?? 0;
    let literal = checkLiteral(path.leaf, literalOf(c.value ?? '', c.literalType as string | undefined, n, ctx));
    if (operator === 'LIKE') {
      if (literal.kind !== 'string') throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid operator LIKE on field '${path.leaf.name}'`);
      literal = { ...literal, like: likePattern(c.value ?? "''") };
    }
    return (row) => compare(path.leaf, readPath(ctx.store, row, path), operator, literal);
  };
}

function cachedSemiJoin(query: Query, ctx: Context): Value[] {
  ctx.semiJoins ??= new Map();
  let values = ctx.semiJoins.get(query);
  if (!values) {
    values = semiJoin(query, ctx);
    ctx.semiJoins.set(query, values);
  }
  return values;
}

/**
 * The rows a WHERE can hold for, found through the lookup indexes (Store.rowsWhere) instead of a scan of the table, or
 * null when no condition narrows: a condition at the top level of an AND chain of the form `Lookup = id`,
 * `Lookup IN (ids)` or `Lookup IN (SELECT …)`, where Lookup is Id, a lookup field or a path of single-object lookups
 * (`Contact.AccountId`). The whole WHERE still tests every row found; this only spares reading the others.
 */
function indexedRows(object: ObjectDef, tokens: Token[], ctx: Context): Row[] | null {
  let depth = 0;
  const conditions: Condition[] = [];
  for (const token of tokens) {
    if (token === '(') depth += 1;
    else if (token === ')') depth -= 1;
    else if (depth === 0 && (token === 'OR' || token === 'NOT')) return null;
    else if (depth === 0 && typeof token === 'object') conditions.push(token.condition);
  }
  let best: Row[] | null = null;
  for (const condition of conditions) {
    const found = rowsByLookup(object, condition, ctx);
    if (found && (!best || found.length < best.length)) best = found;
  }
  return best;
}

function rowsByLookup(object: ObjectDef, condition: Condition, ctx: Context): Row[] | null {
  const c = condition as Condition & { field?: string; fn?: FunctionExp; operator: string; value?: string | string[]; literalType?: string | string[]; valueQuery?: Query };
  if (c.fn || !c.field) return null;
  const operator = c.operator.toUpperCase();
  if (operator !== '=' && operator !== 'IN') return null;
  const path = resolvePath(object, c.field);
  const isLookup = (field: FieldDef) => field.type === 'id' || field.type === 'reference';
  if (!isLookup(path.leaf) || path.hops.some((hop) => hop.referenceTo?.length !== 1)) return null;
  let values: Value[];
  if (c.valueQuery) values = cachedSemiJoin(c.valueQuery, ctx);
  else {
    const raws = Array.isArray(c.value) ? c.value : [c.value ?? ''];
    const types = Array.isArray(c.literalType) ? c.literalType : raws.map(() => c.literalType as string | undefined);
    const literals = raws.map((raw, index) => checkLiteral(path.leaf, literalOf(raw, types[index], 0, ctx)));
    if (literals.some((l) => l.kind !== 'string')) return null;
    values = literals.map((l) => (l as { value: string }).value);
  }
  // From the leaf back to the queried object: the rows of each object on the path whose lookup holds the values.
  const objects = [object, ...path.hops.map((hop) => objectDef(hop.referenceTo![0]!)!)];
  let rows = ctx.store.rowsWhere(objects[objects.length - 1]!, path.leaf.name, values.filter((v) => v !== null));
  for (let i = path.hops.length - 1; i >= 0; i -= 1) {
    rows = ctx.store.rowsWhere(objects[i]!, path.hops[i]!.name, rows.map((row) => row.Id as string));
  }
  return rows;
}

/** Values of the single field a semi-join (or anti-join) subquery selects. */
function semiJoin(query: Query, ctx: Context): Value[] {
  const object = objectOrThrow(query.sObject ?? '');
  const fields = query.fields ?? [];
  const only = fields[0];
  if (fields.length !== 1 || !only || (only.type !== 'Field' && only.type !== 'FieldRelationship')) {
    throw new SoqlError('MALFORMED_QUERY', 'a semi join sub-select can only select one Id field');
  }
  const path = resolvePath(object, only.type === 'Field' ? only.field : `${only.relationships.join('.')}.${only.field}`);
  if (path.leaf.type !== 'id' && path.leaf.type !== 'reference') {
    throw new SoqlError('INVALID_FIELD', `The selected field '${path.leaf.name}' in a semi join sub-select must be an Id or reference field`);
  }
  const tokens = tokenize(query.where);
  const where = query.where ? buildPredicate(tokens, rowCondition(object, ctx)) : () => true;
  const out: Value[] = [];
  for (const row of indexedRows(object, tokens, ctx) ?? ctx.store.rows(object)) if (where(row)) out.push(readPath(ctx.store, row, path));
  return out;
}

// ---------- SELECT ----------

interface Selected {
  kind: 'path';
  path: Path;
}
interface SelectedChild {
  kind: 'child';
  name: string;
  object: ObjectDef;
  field: FieldDef;
  query: Subquery;
}

function fieldText(field: QueryField): string {
  if (field.type === 'Field') return field.field;
  if (field.type === 'FieldRelationship') return [...field.relationships, field.field].join('.');
  return '';
}

function compileSelect(object: ObjectDef, fields: QueryField[]): (Selected | SelectedChild)[] {
  return fields.map((field) => {
    switch (field.type) {
      case 'Field':
      case 'FieldRelationship':
        return { kind: 'path', path: resolvePath(object, fieldText(field)) };
      case 'FieldSubquery': {
        const rel = childRelationship(object, field.subquery.relationshipName);
        if (!rel) throw badRelationship(field.subquery.relationshipName);
        const child = objectDef(rel.childSObject)!;
        return { kind: 'child', name: rel.relationshipName, object: child, field: fieldDef(child, rel.field)!, query: field.subquery };
      }
      default:
        throw new SoqlError('MALFORMED_QUERY', `${field.type === 'FieldFunctionExpression' ? field.functionName : 'TYPEOF'} is not supported here`);
    }
  });
}

function attributes(type: string, id: Value, ctx: Context): { type: string; url: string } {
  return { type, url: `/services/data/v${ctx.version}/sobjects/${type}/${String(id)}` };
}

function project(row: Row, object: ObjectDef, selected: (Selected | SelectedChild)[], ctx: Context, children: Map<SelectedChild, Map<string, Row[]>>): OutRecord {
  const out: OutRecord = { attributes: attributes(object.name, row.Id ?? null, ctx) };
  for (const item of selected) {
    if (item.kind === 'child') {
      const rows = children.get(item)!.get(row.Id as string) ?? [];
      const records = runRows(rows, item.object, item.query, ctx);
      out[item.name] = records.length === 0 ? null : new ChildRows(records);
      continue;
    }
    let target = out;
    let current: Row | null = row;
    item.path.hops.forEach((hop, index) => {
      const key = item.path.keys[index]!;
      if (current === null) return;
      const parent = parentRow(ctx.store, current[hop.name] ?? null);
      current = parent?.row ?? null;
      if (!parent) {
        if (!(key in target)) target[key] = null;
        return;
      }
      const existing = target[key];
      if (existing && typeof existing === 'object') {
        target = existing as OutRecord;
      } else {
        const nested: OutRecord = { attributes: attributes(parent.object.name, parent.row.Id ?? null, ctx) };
        target[key] = nested;
        target = nested;
      }
    });
    if (current !== null) {
      const leafRow: Row = current;
      target[item.path.leaf.name] = leafRow[item.path.leaf.name] ?? null;
    }
  }
  return out;
}

function orderRows<T>(
  items: T[],
  orderBy: OrderByClause[],
  key: (item: T, clause: OrderByClause, index: number) => Value,
  caseSensitive: (index: number) => boolean = () => false,
): T[] {
  if (orderBy.length === 0) return items;
  // Text sorts case-insensitively (lower-cased once instead of in every comparison); ids sort as `Id > '…'` compares
  // them, case-sensitively, so a query can page on after the last Id it read.
  const keyed = items.map((item) => ({
    item,
    keys: orderBy.map((clause, index) => {
      const value = key(item, clause, index);
      return typeof value === 'string' && !caseSensitive(index) ? value.toLowerCase() : value;
    }),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < orderBy.length; i++) {
      const clause = orderBy[i]!;
      const desc = clause.order === 'DESC';
      const nullsFirst = clause.nulls ? clause.nulls === 'FIRST' : !desc;
      const x = a.keys[i] ?? null;
      const y = b.keys[i] ?? null;
      if (x === y) continue;
      if (x === null) return nullsFirst ? -1 : 1;
      if (y === null) return nullsFirst ? 1 : -1;
      const cmp = x < y ? -1 : x > y ? 1 : 0;
      if (cmp !== 0) return desc ? -cmp : cmp;
    }
    return 0;
  });
  return keyed.map((k) => k.item);
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function isAggregate(query: Query | Subquery): boolean {
  return asArray(query.groupBy).length > 0 || (query.fields ?? []).some((f) => f.type === 'FieldFunctionExpression' && f.isAggregateFn);
}

/** Filter, sort, page and project rows of one object (also used for child subqueries). */
/** `source`: a parent's child rows, or 'table' for the whole table (read through an index where the WHERE allows). */
function runRows(source: Iterable<Row> | 'table', object: ObjectDef, query: Query | Subquery, ctx: Context): OutRecord[] {
  const selected = compileSelect(object, query.fields ?? []);
  const tokens = tokenize(query.where);
  const where = query.where ? buildPredicate(tokens, rowCondition(object, ctx)) : null;
  let rows: Row[] = [];
  const candidates = source === 'table' ? (indexedRows(object, tokens, ctx) ?? ctx.store.rows(object)) : source;
  for (const row of candidates) if (!where || where(row)) rows.push(row);
  const orderBy = asArray(query.orderBy);
  const orderPaths = orderBy.map((clause) => {
    if (!('field' in clause)) throw new SoqlError('MALFORMED_QUERY', 'ORDER BY an aggregate needs GROUP BY');
    return resolvePath(object, clause.field);
  });
  rows = orderRows(
    rows,
    orderBy,
    (row, _clause, index) => readPath(ctx.store, row, orderPaths[index]!),
    (index) => ['id', 'reference'].includes(orderPaths[index]!.leaf.type),
  );
  const offset = query.offset ?? 0;
  rows = rows.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
  const children = new Map<SelectedChild, Map<string, Row[]>>();
  for (const item of selected) {
    if (item.kind !== 'child') continue;
    const byParent = new Map<string, Row[]>();
    for (const child of ctx.store.rowsWhere(item.object, item.field.name, rows.map((r) => r.Id as string))) {
      const parentId = child[item.field.name];
      if (typeof parentId !== 'string') continue;
      const list = byParent.get(parentId) ?? [];
      list.push(child);
      byParent.set(parentId, list);
    }
    children.set(item, byParent);
  }
  return rows.map((row) => project(row, object, selected, ctx, children));
}

// ---------- aggregates ----------

function aggregateValue(fn: FunctionExp, rows: Row[], object: ObjectDef, ctx: Context): Value {
  const name = (fn.functionName ?? '').toUpperCase();
  const param = fn.parameters?.[0];
  if (name === 'COUNT' && param === undefined) return rows.length;
  if (typeof param !== 'string') throw new SoqlError('MALFORMED_QUERY', `unsupported aggregate ${fn.rawValue ?? name}`);
  const path = resolvePath(object, param);
  const toCorporate = corporateAmount(object, path, ctx);
  const values = rows.flatMap((row) => {
    const value = readPath(ctx.store, row, path);
    if (value === null) return [];
    return [toCorporate && typeof value === 'number' ? toCorporate(row, value) : value];
  });
  switch (name) {
    case 'COUNT': return values.length;
    case 'COUNT_DISTINCT': return new Set(values.map((v) => (typeof v === 'string' ? v.toLowerCase() : v))).size;
    case 'SUM':
    case 'AVG': {
      if (!['double', 'currency', 'int'].includes(path.leaf.type)) throw new SoqlError('MALFORMED_QUERY', `field ${path.leaf.name} does not support aggregate operator ${name}`);
      if (values.length === 0) return null;
      const sum = values.reduce<number>((acc, v) => acc + Number(v), 0);
      return name === 'SUM' ? sum : sum / values.length;
    }
    case 'MIN':
    case 'MAX': {
      if (values.length === 0) return null;
      return values.reduce((best, v) => ((name === 'MIN' ? v < best : v > best) ? v : best));
    }
    default: throw new SoqlError('MALFORMED_QUERY', `unsupported aggregate ${name}`);
  }
}

/**
 * With multiple currencies, aggregates of a currency field answer in the corporate currency: each row's amount divided
 * by its currency's rate (CurrencyType), rounded to cents. A row without CurrencyIsoCode counts as corporate.
 */
function corporateAmount(object: ObjectDef, path: Path, ctx: Context): ((row: Row, value: number) => number) | null {
  const currencyType = objectDef('CurrencyType');
  if (path.leaf.type !== 'currency' || !currencyType) return null;
  const last = path.hops.at(-1);
  const holder = last ? objectDef(last.referenceTo![0]!) : object;
  const isoField = holder ? fieldDef(holder, 'CurrencyIsoCode') : undefined;
  if (!isoField) return null;
  const rates = new Map([...ctx.store.rows(currencyType)].map((r) => [String(r.IsoCode), Number(r.ConversionRate)]));
  const isoPath: Path = { hops: path.hops, leaf: isoField, keys: [] };
  return (row, value) => {
    const iso = readPath(ctx.store, row, isoPath);
    const rate = typeof iso === 'string' ? rates.get(iso) : undefined;
    return rate ? Math.round((value / rate) * 100) / 100 : value;
  };
}

/** A date function (CALENDAR_YEAR(CreatedDate)…) of one row, as a grouping key. */
function dateFunctionValue(fn: FunctionExp, row: Row, object: ObjectDef, ctx: Context): Value {
  const convert = DATE_FUNCTIONS[(fn.functionName ?? '').toUpperCase()]!;
  const param = fn.parameters?.[0];
  if (typeof param !== 'string') throw new SoqlError('MALFORMED_QUERY', `unsupported function ${fn.rawValue ?? ''}`);
  const path = resolvePath(object, param);
  if (path.leaf.type !== 'date' && path.leaf.type !== 'datetime') throw new SoqlError('MALFORMED_QUERY', `${fn.functionName ?? ''} needs a date or dateTime field`);
  const ms = temporalMs(readPath(ctx.store, row, path), path.leaf);
  return ms === null ? null : convert(ms);
}

function isDateFunction(fn: FunctionExp): boolean {
  return (fn.functionName ?? '').toUpperCase() in DATE_FUNCTIONS;
}

function fnKey(fn: FunctionExp): string {
  return (fn.rawValue ?? '').replace(/\s+/g, '').toLowerCase();
}

function runAggregate(object: ObjectDef, query: Query, ctx: Context): QueryOutput {
  const fields = query.fields ?? [];
  const tokens = tokenize(query.where);
  const where = query.where ? buildPredicate(tokens, rowCondition(object, ctx)) : null;
  const rows: Row[] = [];
  for (const row of indexedRows(object, tokens, ctx) ?? ctx.store.rows(object)) if (!where || where(row)) rows.push(row);
  const groupBy = asArray(query.groupBy).map((g) => {
    if ('fn' in g) {
      if (!isDateFunction(g.fn)) throw new SoqlError('MALFORMED_QUERY', `GROUP BY ${g.fn.rawValue ?? ''} is not supported`);
      const fn = g.fn;
      return { key: fnKey(fn), value: (row: Row) => dateFunctionValue(fn, row, object, ctx) };
    }
    const path = resolvePath(object, g.field);
    if (!isGroupable(path.leaf)) throw new SoqlError('MALFORMED_QUERY', `field '${path.leaf.name}' can not be grouped in a query call`);
    return { key: path.keys.join('.').toLowerCase(), value: (row: Row) => readPath(ctx.store, row, path), path };
  });
  // COUNT() alone answers with the count and no records.
  const only = fields[0];
  if (fields.length === 1 && only?.type === 'FieldFunctionExpression' && only.functionName.toUpperCase() === 'COUNT' && only.parameters.length === 0 && groupBy.length === 0) {
    return { totalSize: rows.length, records: [] };
  }
  if (groupBy.length === 0 && (query.limit !== undefined || query.offset !== undefined)) {
    throw new SoqlError('MALFORMED_QUERY', 'An aggregate query with LIMIT needs a GROUP BY clause');
  }
  const groups = new Map<string, Row[]>();
  if (groupBy.length === 0) groups.set('', rows);
  for (const row of groupBy.length > 0 ? rows : []) {
    const key = JSON.stringify(groupBy.map((g) => {
      const v = g.value(row);
      return typeof v === 'string' && g.path?.leaf.type !== 'id' && g.path?.leaf.type !== 'reference' ? v.toLowerCase() : v;
    }));
    const list = groups.get(key) ?? [];
    list.push(row);
    groups.set(key, list);
  }
  const grouped = (key: string, label: string) => {
    if (!groupBy.some((g) => g.key === key)) throw new SoqlError('MALFORMED_QUERY', `Field must be grouped or aggregated: ${label}`);
  };
  const fnValue = (fn: FunctionExp, group: Row[]): Value =>
    isDateFunction(fn) ? (group[0] ? dateFunctionValue(fn, group[0], object, ctx) : null) : aggregateValue(fn, group, object, ctx);
  let expr = 0;
  const columns = fields.map((field) => {
    if (field.type === 'FieldFunctionExpression') {
      if (isDateFunction(field)) grouped(fnKey(field), field.rawValue ?? field.functionName);
      else if (!field.isAggregateFn) throw new SoqlError('MALFORMED_QUERY', `${field.functionName} is not supported in an aggregate query`);
      const key = field.alias ?? `expr${expr++}`;
      return { key, value: (group: Row[]) => fnValue(field, group) };
    }
    if (field.type !== 'Field' && field.type !== 'FieldRelationship') throw new SoqlError('MALFORMED_QUERY', 'subqueries are not allowed in aggregate queries');
    const path = resolvePath(object, fieldText(field));
    grouped(path.keys.join('.').toLowerCase(), path.leaf.name);
    const key = (field as { alias?: string }).alias ?? path.leaf.name;
    return { key, value: (group: Row[]) => readPath(ctx.store, group[0]!, path) };
  });
  let results = [...groups.values()];
  if (query.having) {
    const having = buildPredicate<Row[]>(tokenize(query.having), (condition) => {
      const c = condition as { fn?: FunctionExp; field?: string; operator: string; value?: string; literalType?: string };
      const literal = literalOf(String(c.value ?? ''), c.literalType, 0, ctx);
      if (c.fn) {
        const fn = c.fn;
        return (group) => compare({ name: fn.rawValue ?? '', label: '', type: 'double' }, fnValue(fn, group), c.operator, literal);
      }
      const path = resolvePath(object, c.field ?? '');
      return (group) => compare(path.leaf, readPath(ctx.store, group[0]!, path), c.operator, checkLiteral(path.leaf, literal));
    });
    results = results.filter(having);
  }
  results = orderRows(results, asArray(query.orderBy), (group, clause) =>
    'fn' in clause ? fnValue(clause.fn, group) : readPath(ctx.store, group[0]!, resolvePath(object, clause.field)),
  );
  const offset = query.offset ?? 0;
  results = results.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
  const records = results.map((group) => {
    const out: OutRecord = { attributes: { type: 'AggregateResult' } };
    for (const column of columns) out[column.key] = column.value(group);
    return out;
  });
  return { totalSize: records.length, records };
}

/** Salesforce pages no further than OFFSET 2,000 and answers a larger one with NUMBER_OUTSIDE_VALID_RANGE. */
const OFFSET_MAX = 2_000;

export function parseSoql(soql: string): Query {
  let query: Query;
  try {
    query = parseQuery(soql);
  } catch (error) {
    throw new SoqlError('MALFORMED_QUERY', `\n${soql}\nERROR at Row:1:Column:1\n${error instanceof Error ? error.message : 'unexpected token'}`);
  }
  if ((query.offset ?? 0) > OFFSET_MAX) throw new SoqlError('NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${OFFSET_MAX}`);
  return query;
}

/** Runs one SOQL statement against the store. */
export function runQuery(soql: string, store: Store, version: string, now = Date.now()): QueryOutput {
  const query = parseSoql(soql);
  const object = objectOrThrow(query.sObject ?? '');
  const ctx: Context = { store, now, version };
  if (isAggregate(query)) return runAggregate(object, query, ctx);
  const records = runRows('table', object, query, ctx);
  return { totalSize: records.length, records };
}
