import type { HubSpotSource, SalesforceSource } from '../../core/settings';
import type { MetadataField, MetadataObject, PreviewResult, TicketPipeline } from '../../integrations/crm';
import type { Crm } from '../../core/schema';
import { connectorForCrm, hubspotConnector } from './connections';

// Metadata and previews for the options page's score mapping.

export async function listObjects(crm: Crm): Promise<MetadataObject[]> {
  return (await connectorForCrm(crm)).listObjects();
}

export async function listFields(crm: Crm, objectName: string): Promise<MetadataField[]> {
  return (await connectorForCrm(crm)).listFields(objectName);
}

/** Reads the latest 20 rows through a mapping the admin has not saved yet. */
export async function describeSource(source: HubSpotSource | SalesforceSource): Promise<PreviewResult> {
  const crm: Crm = source.kind.startsWith('hubspot-') ? 'hubspot' : 'salesforce';
  return (await connectorForCrm(crm)).previewSource(source, 20);
}

/** HubSpot's ticket pipelines and stages, for choosing where follow-ups live. */
export async function listTicketPipelines(): Promise<TicketPipeline[]> {
  return (await hubspotConnector()).ticketPipelines();
}
