// Cache keys, kept free of zod (and of any import) so the panel can build them without loading schema code.

/** Key of any cached CRM row: `crm|instance|id`. */
export function rowKey(crm: string, instance: string, id: string): string {
  return `${crm}|${instance}|${id}`;
}

/** Key of a record view: `crm|instance|objectType|id`. */
export function refKey(ref: { crm: string; instance: string; objectType: string; id: string }): string {
  return `${ref.crm}|${ref.instance}|${ref.objectType}|${ref.id}`;
}
