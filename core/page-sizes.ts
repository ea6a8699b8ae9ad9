/** Contacts an account lists before "Show more"; the background starts every watch with this page. */
export const CONTACT_PAGE = 25;
