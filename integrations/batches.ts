// CRM APIs take work in batches of a fixed size (HubSpot: 100 records, 1,000 links, 5 filter groups; Salesforce:
// 5 queries per composite request, 200 records per collection); both connectors cut their lists with this.

/** `items` cut into consecutive batches of at most `size`, in order. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
