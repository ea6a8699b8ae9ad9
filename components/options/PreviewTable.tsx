import type { PreviewResult } from '../../integrations/crm';
import { useStrings } from './strings';

/** The latest rows read through a mapping: each parsed one with its values, each rejected one with why. */
export function PreviewTable(props: { preview: PreviewResult; date: (ms: number) => string }) {
  const s = useStrings();
  const { parsed, rejected, contactNames = {} } = props.preview;
  const newestFirst = [...parsed].sort((a, b) => b.submittedAt - a.submittedAt);
  return (
    <div className="preview">
      <p role="status">{parsed.length + rejected.length === 0 ? s.previewEmpty : s.previewSummary(parsed.length, rejected.length)}</p>
      {parsed.length + rejected.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption>{s.previewCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{s.colResult}</th>
                <th scope="col">{s.colRow}</th>
                <th scope="col">{s.colContact}</th>
                <th scope="col">{s.colType}</th>
                <th scope="col">{s.colScore}</th>
                <th scope="col">{s.colDate}</th>
                <th scope="col">{s.colComment}</th>
              </tr>
            </thead>
            <tbody>
              {newestFirst.map((row) => (
                <tr key={row.key} className="row-parsed">
                  <td>
                    <span className="badge badge-ok">{s.parsedRow}</span>
                  </td>
                  <td>
                    <code>{row.id}</code>
                  </td>
                  <td dir="auto">{row.contactKey ? (contactNames[row.contactKey] ?? s.contactUnnamed) : s.noContact}</td>
                  <td>{row.kind.toUpperCase()}</td>
                  <td>
                    {row.score} / {row.scaleMax}
                  </td>
                  <td>{props.date(row.submittedAt)}</td>
                  <td dir="auto">{row.comment ?? ''}</td>
                </tr>
              ))}
              {rejected.map((row, index) => (
                <tr key={`${row.rowId}-${row.field}-${index}`} className="row-rejected">
                  <td>
                    <span className="badge badge-error">{s.rejectedRow}</span>
                  </td>
                  <td>
                    <code>{row.rowId}</code>
                  </td>
                  <td colSpan={4}></td>
                  <td dir="auto">{s.rejectedBecause(row.field, row.value, row.reason)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
