import type { HubSpotSource } from '../../core/settings';

// Ready-made score sources the admin can pick in the options page and then adjust.

export const HUBSPOT_FEEDBACK_PRESET: HubSpotSource = {
  id: 'hubspot-feedback',
  kind: 'hubspot-feedback',
  label: 'HubSpot feedback surveys',
  surveyTypes: ['NPS', 'CSAT', 'CES'],
};

/** AskNicely (and tools like it) keep the latest answer in contact properties; history is rebuilt from HubSpot. */
export const ASKNICELY_PRESET: HubSpotSource = {
  id: 'asknicely',
  kind: 'hubspot-contact-properties',
  label: 'AskNicely (contact properties)',
  surveyKind: 'nps',
  scoreProperty: 'asknicely_nps_score',
  commentProperty: 'asknicely_comment',
  dateProperty: 'asknicely_last_survey_date',
  surveyName: 'AskNicely NPS',
};

/** A custom "Survey response" object associated with contacts; the object type and field names are examples. */
export const CUSTOM_OBJECT_PRESET: HubSpotSource = {
  id: 'survey-responses',
  kind: 'hubspot-custom-object',
  label: 'Survey responses (custom object)',
  objectType: 'p_survey_responses',
  scoreProperty: 'score',
  dateProperty: 'submitted_at',
  commentProperty: 'comment',
  surveyKindProperty: 'survey_type',
  fixedSurveyKind: 'nps',
  surveyNameProperty: 'survey_name',
};

export const HUBSPOT_PRESETS: readonly HubSpotSource[] = [HUBSPOT_FEEDBACK_PRESET, ASKNICELY_PRESET, CUSTOM_OBJECT_PRESET];
