/**
 * Tokens the build leaves in email.html and email.txt for the send step to
 * fill per recipient. They are plain strings (no Handlebars or MJML syntax)
 * so the sender can substitute them with a string replace instead of
 * re-running MJML for each of 10,000 recipients.
 */
export const UNSUBSCRIBE_URL_PLACEHOLDER = '%%BRIEFWIRE_UNSUBSCRIBE_URL%%';
