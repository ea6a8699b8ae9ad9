import type { HubSpotSource, SalesforceSource } from '../../core/settings';
import { CrmError, type LoopFieldStatus, type MetadataField, type MetadataObject, type PreviewResult, type TicketPipeline } from '../../integrations/crm';
import type { Settings } from '../../core/settings';
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

/** The follow-up's loop fields in one CRM: which exist (read afresh), for the options page. */
export async function loopFieldStatus(crm: Crm, settings: Settings): Promise<LoopFieldStatus[]> {
  const admin = (await connectorForCrm(crm)).loopFields;
  if (!admin) throw new CrmError('config', 'This CRM has no loop fields.');
  return admin.status(settings);
}

/** The Salesforce org's Case Reason values, for mapping root causes to them on the options page. */
export async function caseReasonValues(): Promise<string[] | null> {
  const admin = (await connectorForCrm('salesforce')).loopFields;
  if (!admin?.caseReasons) throw new CrmError('config', 'This CRM has no Case Reason.');
  return admin.caseReasons();
}

/** Creates one missing loop field where the token may; the CRM's refusal comes back in words. */
export async function createLoopField(crm: Crm, name: string, settings: Settings): Promise<LoopFieldStatus[]> {
  const admin = (await connectorForCrm(crm)).loopFields;
  if (!admin) throw new CrmError('config', 'This CRM has no loop fields.');
  return admin.create(name, settings);
}
