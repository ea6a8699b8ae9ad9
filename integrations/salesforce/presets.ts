import type { SalesforceSource } from '../../core/settings';
import type { CustomSource, SurveysSource } from './soql';

// Ready-made score sources the admin can pick and then adjust.

/** Salesforce Surveys (Feedback Management): NPS questions are found by type; CSAT/CES questions are picked. */
export const SALESFORCE_SURVEYS_PRESET: SurveysSource = {
  id: 'salesforce-surveys',
  kind: 'salesforce-surveys',
  label: 'Salesforce Surveys',
  csatQuestionIds: [],
  cesQuestionIds: [],
};

/** Simple Survey (AppExchange managed package, namespace simplesurvey). */
export const SIMPLE_SURVEY_PRESET: CustomSource = {
  id: 'simple-survey',
  kind: 'salesforce-custom-object',
  label: 'Simple Survey',
  object: 'simplesurvey__Survey__c',
  scoreField: 'simplesurvey__Survey_Score__c',
  dateField: 'CreatedDate',
  commentField: 'simplesurvey__Comment__c',
  contactField: 'simplesurvey__Contact__c',
  accountField: 'simplesurvey__Account__c',
  surveyKindField: null,
  fixedSurveyKind: 'nps',
  surveyNameField: 'simplesurvey__Survey_Name__c',
};

export const SALESFORCE_PRESETS: readonly SalesforceSource[] = [SALESFORCE_SURVEYS_PRESET, SIMPLE_SURVEY_PRESET];
