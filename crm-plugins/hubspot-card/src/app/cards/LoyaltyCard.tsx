import React from 'react';
import { hubspot } from '@hubspot/ui-extensions';
import { LoyaltyLensCard, type Serverless } from './LoyaltyLens';

// The card's entry point (loyalty-card-hsmeta.json): HubSpot renders it on each record with its context.
hubspot.extend<'crm.record.sidebar'>(({ context }) => <LoyaltyLensCard context={context} serverless={hubspot.serverless as Serverless} />);
