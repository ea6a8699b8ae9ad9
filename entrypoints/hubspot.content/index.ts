import { defineContentScript } from 'wxt/utils/define-content-script';
import { HUBSPOT_APP_MATCHES } from '../../integrations/hosts';
import { parseHubSpotUrl } from '../../integrations/hubspot/page';
import { hostPanel } from '../../content/panel-host';

export default defineContentScript({
  matches: HUBSPOT_APP_MATCHES,
  runAt: 'document_start',
  main(ctx) {
    hostPanel(ctx, parseHubSpotUrl);
  },
});
