// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PreviewTable } from '../../components/options/PreviewTable';
import { fieldsFor, MappingBuilder, sourceIdFor } from '../../components/options/ScoreMapping';
import { OPTIONS_STRINGS, StringsProvider } from '../../components/options/strings';
import type * as Messaging from '../../core/messaging';
import { sendRequest } from '../../core/messaging';
import type { SurveyResponse } from '../../core/schema';
import type { PreviewResult } from '../../integrations/crm';

vi.mock('../../core/messaging', async (importOriginal) => ({
  ...(await importOriginal<typeof Messaging>()),
  sendRequest: vi.fn(),
}));
const send = vi.mocked(sendRequest);
const en = OPTIONS_STRINGS.en;
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const renderEn = (ui: ReactElement) => render(<StringsProvider value={en}>{ui}</StringsProvider>);

const response = (id: string, score: number, submittedAt: number, comment: string | null = null): SurveyResponse => ({
  key: `salesforce|acme|${id}`,
  crm: 'salesforce',
  instance: 'acme',
  id,
  contactKey: 'salesforce|acme|003A',
  accountKey: null,
  kind: 'nps',
  score,
  scaleMax: 10,
  submittedAt,
  comment,
  surveyName: null,
  channel: null,
  source: 'nps-responses',
  subjectId: null,
});

const preview: PreviewResult = {
  parsed: [response('a0X1', 9, Date.UTC(2026, 9, 1), 'Great support'), response('a0X2', 3, Date.UTC(2026, 10, 1))],
  rejected: [
    { source: 'nps-responses', rowId: 'a0X3', field: 'Score__c', value: 'N/A', reason: 'not a whole number' },
    { source: 'nps-responses', rowId: 'a0X4', field: 'Score__c', value: '11', reason: 'outside the NPS scale 0–10' },
  ],
  contactNames: { 'salesforce|acme|003A': 'Dana Whitfield' },
};

beforeEach(() => {
  send.mockReset();
});
afterEach(cleanup);

describe('preview table', () => {
  it('shows parsed rows newest first and each rejected row with its field, value and reason', () => {
    renderEn(<PreviewTable preview={preview} date={date} />);
    expect(screen.getByText(en.previewSummary(2, 2))).toBeTruthy();
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((row) => row.querySelector('code')?.textContent)).toEqual(['a0X2', 'a0X1', 'a0X3', 'a0X4']);
    expect(within(rows[1]!).getByText('9 / 10')).toBeTruthy();
    expect(within(rows[1]!).getByText('Great support')).toBeTruthy();
    expect(within(rows[0]!).getByText('Dana Whitfield')).toBeTruthy();
    expect(within(rows[1]!).getByText('Dana Whitfield')).toBeTruthy();
    expect(within(rows[2]!).getByText(en.rejectedRow)).toBeTruthy();
    expect(within(rows[2]!).getByText('Score__c = “N/A”: not a whole number')).toBeTruthy();
    expect(within(rows[3]!).getByText('Score__c = “11”: outside the NPS scale 0–10')).toBeTruthy();
  });

  it('says so when the mapping finds no rows', () => {
    renderEn(<PreviewTable preview={{ parsed: [], rejected: [] }} date={date} />);
    expect(screen.getByText(en.previewEmpty)).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });
});

describe('building a mapping from metadata', () => {
  function mockCrm(previewed: PreviewResult = preview) {
    send.mockImplementation(async (request) => {
      switch (request.type) {
        case 'metadata.objects':
          return { ok: true, value: [{ name: 'NPS_Response__c', label: 'NPS Response' }] };
        case 'metadata.fields':
          return {
            ok: true,
            value: [
              { name: 'Score__c', label: 'Score', type: 'double' },
              { name: 'CreatedDate', label: 'Created Date', type: 'datetime' },
              { name: 'Contact__c', label: 'Contact', type: 'reference' },
              { name: 'Comment__c', label: 'Comment', type: 'textarea' },
              { name: 'Score_Text__c', label: 'Score as text', type: 'string' },
            ],
          };
        case 'source.preview':
          return { ok: true, value: previewed };
        default:
          throw new Error(`unexpected ${request.type}`);
      }
    });
  }

  it('chooses object and fields from the CRM, previews, and only then adds', async () => {
    mockCrm();
    const onAdd = vi.fn();
    renderEn(<MappingBuilder existing={{ hubspot: [], salesforce: [] }} onAdd={onAdd} date={date} />);
    fireEvent.change(screen.getByLabelText(en.crm), { target: { value: 'salesforce' } });
    fireEvent.change(screen.getByLabelText(en.label), { target: { value: 'NPS responses' } });
    fireEvent.click(screen.getByRole('button', { name: en.loadObjects }));
    await screen.findByRole('option', { name: 'NPS Response (NPS_Response__c)' });
    fireEvent.change(screen.getByLabelText(en.object), { target: { value: 'NPS_Response__c' } });
    expect(send).toHaveBeenCalledWith({ type: 'metadata.fields', crm: 'salesforce', object: 'NPS_Response__c' });
    await screen.findAllByRole('option', { name: 'Score (Score__c, double)' });
    fireEvent.change(screen.getByLabelText(en.scoreField), { target: { value: 'Score__c' } });
    fireEvent.change(screen.getByLabelText(en.contactField), { target: { value: 'Contact__c' } });

    const add = screen.getByRole<HTMLButtonElement>('button', { name: en.addMapping });
    expect(add.disabled).toBe(true);
    expect(screen.getByText(en.previewFirst)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: en.preview }));
    expect(await screen.findByText('Score__c = “N/A”: not a whole number')).toBeTruthy();
    const previewed = send.mock.calls.find(([request]) => request.type === 'source.preview')?.[0];
    expect(previewed).toMatchObject({
      source: { id: 'nps-responses', kind: 'salesforce-custom-object', object: 'NPS_Response__c', scoreField: 'Score__c', contactField: 'Contact__c', dateField: 'CreatedDate' },
    });
    expect(add.disabled).toBe(false);

    fireEvent.change(screen.getByLabelText(en.commentField), { target: { value: 'Comment__c' } });
    expect(add.disabled).toBe(true);
    expect(screen.getByText(en.previewStale)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: en.preview }));
    await screen.findByText('Score__c = “N/A”: not a whole number');
    fireEvent.click(add);
    expect(onAdd).toHaveBeenCalledWith('salesforce', expect.objectContaining({ id: 'nps-responses', commentField: 'Comment__c' }));
  });

  it('offers a number field for the score and a date field for the date, never a text field', async () => {
    mockCrm();
    renderEn(<MappingBuilder existing={{ hubspot: [], salesforce: [] }} onAdd={vi.fn()} date={date} />);
    fireEvent.change(screen.getByLabelText(en.crm), { target: { value: 'salesforce' } });
    fireEvent.click(screen.getByRole('button', { name: en.loadObjects }));
    await screen.findByRole('option', { name: 'NPS Response (NPS_Response__c)' });
    fireEvent.change(screen.getByLabelText(en.object), { target: { value: 'NPS_Response__c' } });
    await screen.findAllByRole('option', { name: 'Score (Score__c, double)' });
    const offered = (label: string) => within(screen.getByLabelText(label)).getAllByRole('option').map((option) => option.getAttribute('value'));
    expect(offered(en.scoreField)).toEqual(['', 'Score__c']);
    expect(offered(en.dateField)).toEqual(['', 'CreatedDate']);
    expect(offered(en.contactField)).toEqual(['', 'Contact__c']);
    expect(offered(en.commentField)).toEqual(['', 'Comment__c', 'Score_Text__c']);
    expect(screen.getByText(en.fieldsOfRole.score)).toBeTruthy();
  });

  it('refuses to add a mapping whose preview reads no row, saying why', async () => {
    mockCrm({ parsed: [], rejected: preview.rejected });
    const onAdd = vi.fn();
    renderEn(<MappingBuilder existing={{ hubspot: [], salesforce: [] }} onAdd={onAdd} date={date} />);
    fireEvent.change(screen.getByLabelText(en.crm), { target: { value: 'salesforce' } });
    fireEvent.change(screen.getByLabelText(en.label), { target: { value: 'NPS responses' } });
    fireEvent.change(screen.getByLabelText(en.object), { target: { value: 'NPS_Response__c' } });
    fireEvent.change(screen.getByLabelText(en.scoreField), { target: { value: 'Score__c' } });
    fireEvent.change(screen.getByLabelText(en.contactField), { target: { value: 'Contact__c' } });
    fireEvent.click(screen.getByRole('button', { name: en.preview }));
    expect(await screen.findByText(en.previewReadsNothing)).toBeTruthy();
    expect(screen.getByText(en.previewAllRejected(2))).toBeTruthy();
    const add = screen.getByRole<HTMLButtonElement>('button', { name: en.addMapping });
    expect(add.disabled).toBe(true);
    fireEvent.click(add);
    expect(onAdd).not.toHaveBeenCalled();
  });

  it.each([
    ['score', ['number', 'enumeration', 'double', 'int', 'percent', 'currency', 'picklist'], ['string', 'textarea', 'datetime', 'date', 'reference', 'bool']],
    ['date', ['date', 'datetime'], ['string', 'number', 'double', 'reference']],
    ['text', ['string', 'textarea'], ['number', 'date', 'enumeration']],
    ['lookup', ['reference'], ['string', 'id', 'double']],
  ] as const)('a %s field is one of the fitting types', (role, fit, unfit) => {
    const fields = [...fit, ...unfit].map((type) => ({ name: `f_${type}`, label: type, type }));
    expect(fieldsFor(role, fields).map((field) => field.type)).toEqual([...fit]);
  });

  it('explains why a mapping cannot be previewed yet', () => {
    renderEn(<MappingBuilder existing={{ hubspot: [], salesforce: [] }} onAdd={vi.fn()} date={date} />);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: en.preview }).disabled).toBe(true);
    expect(screen.getByText(en.invalidMapping(`${en.object}, ${en.scoreField}, ${en.dateField}`))).toBeTruthy();
  });

  it('shows the CRM’s reason when metadata cannot be read', async () => {
    send.mockResolvedValue({ ok: false, error: { kind: 'not-connected', message: 'Connect HubSpot first.' } });
    renderEn(<MappingBuilder existing={{ hubspot: [], salesforce: [] }} onAdd={vi.fn()} date={date} />);
    fireEvent.click(screen.getByRole('button', { name: en.loadObjects }));
    expect(await screen.findByText('Connect HubSpot first.')).toBeTruthy();
  });

  it.each([
    ['NPS responses', [], 'nps-responses'],
    ['NPS responses', ['nps-responses'], 'nps-responses-2'],
    ['Опрос', [], 'mapping'],
  ])('names “%s” as a unique source id', (label, taken, expected) => {
    expect(sourceIdFor(label, taken)).toBe(expected);
  });
});
