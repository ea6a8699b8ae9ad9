import type { Crm, RecordRef } from './schema';

// Cache keys, kept free of zod so the panel can build them without loading any schema code.

/** Key of any cached CRM row: `crm|instance|id`. */
export function rowKey(crm: Crm, instance: string, id: string): string {
  return `${crm}|${instance}|${id}`;
}

/** Key of a record view: `crm|instance|objectType|id`. */
export function refKey(ref: RecordRef): string {
  return `${ref.crm}|${ref.instance}|${ref.objectType}|${ref.id}`;
}
