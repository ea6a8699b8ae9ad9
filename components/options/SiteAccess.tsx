import { useCallback, useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { CRM_HOST_PERMISSIONS, isCrmHost } from '../../integrations/hosts';
import { TextField } from './fields';
import { useStrings } from './strings';

const BUILT_IN = new Set(CRM_HOST_PERMISSIONS);
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The host typed, without scheme or path. */
function hostOf(input: string): string {
  return input
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '');
}

/**
 * "acme.my.salesforce.com" → "https://acme.my.salesforce.com/*"; null unless it is a plain host name on a CRM's own
 * domains, the only ones the manifest lets the extension ask for.
 */
export function originPatternFor(input: string): string | null {
  const host = hostOf(input);
  return HOST.test(host) && isCrmHost(host) ? `https://${host}/*` : null;
}

export function SiteAccessSection() {
  const s = useStrings();
  const [granted, setGranted] = useState<string[]>([]);
  const [host, setHost] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const refresh = useCallback(() => {
    void browser.permissions.getAll().then((all) => setGranted([...(all.origins ?? [])].sort()));
  }, []);
  useEffect(() => {
    refresh();
    browser.permissions.onAdded.addListener(refresh);
    browser.permissions.onRemoved.addListener(refresh);
    return () => {
      browser.permissions.onAdded.removeListener(refresh);
      browser.permissions.onRemoved.removeListener(refresh);
    };
  }, [refresh]);

  const allow = () => {
    const pattern = originPatternFor(host);
    if (!pattern) {
      setMessage(s.badHost(hostOf(host)));
      return;
    }
    // Called straight from the click: the browser only shows its prompt during a user gesture.
    void browser.permissions.request({ origins: [pattern] }).then((ok) => {
      setMessage(ok ? null : s.permissionDenied);
      if (ok) setHost('');
      refresh();
    });
  };
  const revoke = (origin: string) => {
    void browser.permissions.remove({ origins: [origin] }).then(refresh);
  };

  return (
    <section id="site-access" className="section" aria-labelledby="site-access-heading">
      <h2 id="site-access-heading">{s.siteAccess}</h2>
      <p>{s.siteAccessIntro}</p>
      {granted.length === 0 ? (
        <p className="muted">{s.noGranted}</p>
      ) : (
        <ul className="origins">
          {granted.map((origin) => (
            <li key={origin}>
              <code>{origin}</code>
              {BUILT_IN.has(origin) ? (
                <span className="badge">{s.builtIn}</span>
              ) : (
                <>
                  <span className="badge badge-custom">{s.addedByYou}</span>
                  <button type="button" onClick={() => revoke(origin)} aria-label={`${s.revoke} ${origin}`}>
                    {s.revoke}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          allow();
        }}
      >
        <TextField label={s.customDomain} help={s.customDomainHelp} value={host} onChange={setHost} placeholder="acme.my.salesforce.com" />
        <button type="submit" disabled={!host.trim()}>
          {s.allow}
        </button>
      </form>
      {message ? <p role="alert">{message}</p> : null}
    </section>
  );
}
