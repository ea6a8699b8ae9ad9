// One HubSpot portal's data: records per object type, their property history, associations (both
// directions) and unique-value indexes. Everything is in memory and rebuilt from the seed on reset.
import { OBJECT_TYPES, PROPERTIES, TYPE_INFO, associationTypes, type ObjectTypeName } from './model';

export interface HistoryEntry {
  value: string;
  timestamp: string;
  sourceType: string;
  sourceId?: string;
  sourceLabel?: string;
  updatedByUserId?: number;
}

export interface StoredRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  /** Older values, newest first, for properties whose history is more than the current value. */
  history?: Record<string, HistoryEntry[]>;
}

export interface Edge {
  toType: ObjectTypeName;
  toId: string;
  typeIds: number[];
}

export interface PortalInfo {
  portalId: string;
  uiDomain: string;
  timeZone: string;
  currency: string;
  utcOffset: string;
  utcOffsetMilliseconds: number;
  dataHostingLocation: string;
}

export interface Owner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  teams: { id: string; name: string; primary: boolean }[];
  createdAt: string;
  updatedAt: string;
}

const UNIQUE_PROPS = new Map<ObjectTypeName, string[]>(
  OBJECT_TYPES.map((type) => [type, PROPERTIES[type].filter((p) => p.hasUniqueValue).map((p) => p.name)]),
);

export class PortalStore {
  readonly records = new Map<ObjectTypeName, Map<string, StoredRecord>>();
  /** Ids per type in creation (= ascending) order, for cursor paging. */
  readonly order = new Map<ObjectTypeName, number[]>();
  private readonly edges = new Map<string, Edge[]>();
  private readonly unique = new Map<string, Map<string, string>>();
  private nextId: number;
  owners: Owner[] = [];

  constructor(
    readonly info: PortalInfo,
    idBase: number,
  ) {
    this.nextId = idBase;
    for (const type of OBJECT_TYPES) {
      this.records.set(type, new Map());
      this.order.set(type, []);
    }
  }

  allocateId(): string {
    return String(this.nextId++);
  }

  table(type: ObjectTypeName): Map<string, StoredRecord> {
    return this.records.get(type)!;
  }

  get(type: ObjectTypeName, id: string): StoredRecord | undefined {
    return this.table(type).get(id);
  }

  /** Inserts a record; the caller has validated properties and uniqueness. */
  insert(type: ObjectTypeName, properties: Record<string, string | null>, at: string, id = this.allocateId()): StoredRecord {
    const info = TYPE_INFO[type];
    const record: StoredRecord = {
      id,
      properties: { ...properties, hs_object_id: id, [info.createdProperty]: at, [info.modifiedProperty]: at },
      createdAt: at,
      updatedAt: at,
    };
    this.table(type).set(id, record);
    this.order.get(type)!.push(Number(id));
    this.indexUnique(type, record);
    return record;
  }

  update(type: ObjectTypeName, record: StoredRecord, properties: Record<string, string | null>, at: string, source: HistoryEntry['sourceType']): void {
    for (const [name, value] of Object.entries(properties)) {
      const previous = record.properties[name];
      if (previous === value) continue;
      const history = (record.history ??= {});
      const entries = (history[name] ??= previous == null ? [] : [{ value: previous, timestamp: record.updatedAt, sourceType: 'API' }]);
      if (value != null) entries.unshift({ value, timestamp: at, sourceType: source });
      this.unindexUnique(type, name, previous);
      record.properties[name] = value;
    }
    record.updatedAt = at;
    record.properties[TYPE_INFO[type].modifiedProperty] = at;
    this.indexUnique(type, record);
  }

  findUnique(type: ObjectTypeName, property: string, value: string): StoredRecord | undefined {
    const id = this.unique.get(`${type}.${property}`)?.get(value);
    return id === undefined ? undefined : this.get(type, id);
  }

  isUnique(type: ObjectTypeName, property: string): boolean {
    return UNIQUE_PROPS.get(type)?.includes(property) ?? false;
  }

  private indexUnique(type: ObjectTypeName, record: StoredRecord): void {
    for (const name of UNIQUE_PROPS.get(type) ?? []) {
      const value = record.properties[name];
      if (value == null || value === '') continue;
      let index = this.unique.get(`${type}.${name}`);
      if (!index) this.unique.set(`${type}.${name}`, (index = new Map()));
      index.set(value, record.id);
    }
  }

  private unindexUnique(type: ObjectTypeName, name: string, value: string | null | undefined): void {
    if (value == null) return;
    this.unique.get(`${type}.${name}`)?.delete(value);
  }

  /**
   * Links two records in both directions with the pair's unlabeled type, plus the primary type when asked.
   * Returns false when HubSpot has no association between the two object types.
   */
  associate(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string, primary = false): boolean {
    const forward = associationTypes(fromType, toType);
    const backward = associationTypes(toType, fromType);
    if (!forward || !backward) return false;
    const fwdIds = [forward.unlabeled.typeId, ...(primary && forward.primary ? [forward.primary.typeId] : [])];
    const backIds = [backward.unlabeled.typeId, ...(primary && backward.primary ? [backward.primary.typeId] : [])];
    this.addEdge(`${fromType}:${fromId}`, toType, toId, fwdIds);
    this.addEdge(`${toType}:${toId}`, fromType, fromId, backIds);
    return true;
  }

  /** Seed-time link: no duplicate check (the seed never links a pair twice). */
  associateFresh(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string, primary = false): void {
    const forward = associationTypes(fromType, toType)!;
    const backward = associationTypes(toType, fromType)!;
    this.pushEdge(`${fromType}:${fromId}`, { toType, toId, typeIds: primary && forward.primary ? [forward.primary.typeId, forward.unlabeled.typeId] : [forward.unlabeled.typeId] });
    this.pushEdge(`${toType}:${toId}`, { toType: fromType, toId: fromId, typeIds: primary && backward.primary ? [backward.primary.typeId, backward.unlabeled.typeId] : [backward.unlabeled.typeId] });
  }

  private pushEdge(key: string, edge: Edge): void {
    const list = this.edges.get(key);
    if (list) list.push(edge);
    else this.edges.set(key, [edge]);
  }

  private addEdge(key: string, toType: ObjectTypeName, toId: string, typeIds: number[]): void {
    const list = this.edges.get(key) ?? [];
    if (!this.edges.has(key)) this.edges.set(key, list);
    const existing = list.find((edge) => edge.toType === toType && edge.toId === toId);
    if (!existing) {
      list.push({ toType, toId, typeIds: [...typeIds] });
      return;
    }
    for (const id of typeIds) if (!existing.typeIds.includes(id)) existing.typeIds.push(id);
  }

  associations(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName): Edge[] {
    return (this.edges.get(`${fromType}:${fromId}`) ?? []).filter((edge) => edge.toType === toType);
  }

  associatedIds(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName): string[] {
    return this.associations(fromType, fromId, toType).map((edge) => edge.toId);
  }
}
