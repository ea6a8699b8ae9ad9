import { defineContentScript } from 'wxt/utils/define-content-script';
import { SALESFORCE_APP_MATCHES } from '../../integrations/hosts';
import { parseSalesforceUrl } from '../../integrations/salesforce/page';
import { hostPanel } from '../../content/panel-host';

export default defineContentScript({
  matches: SALESFORCE_APP_MATCHES,
  runAt: 'document_start',
  main(ctx) {
    hostPanel(ctx, parseSalesforceUrl);
  },
});
