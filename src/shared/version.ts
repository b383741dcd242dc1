// The Lossbook version, kept in one place (package.json is the source; a test checks they agree).
export const LOSSBOOK_VERSION = '0.1.0';
