/** Contacts an account lists before "Show more"; the background starts every watch with this page. */
export const CONTACT_PAGE = 25;

/** Contacts per page a CRM lists of a large account (core/account-contacts.ts). */
export const CRM_CONTACT_PAGE = 25;
