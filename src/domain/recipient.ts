/** A credential's recipient as people write it: an e-mail address or a DID. Pure; the server and the console share it. */

/**
 * An e-mail address as people type it. No part may hold white space, a control, format or other
 * invisible character (\p{C}: NUL, zero-width space and joiners, bidi controls, soft hyphen, BOM;
 * also the Hangul fillers and the combining grapheme joiner, which draw nothing): an address that
 * looks the same as another must not be a second one. Compare addresses through normaliseEmail.
 */
export const EMAIL = /^[^\s@\p{C}\u034F\u115F\u1160\u3164\uFFA0]{1,64}@[^\s@\p{C}\u034F\u115F\u1160\u3164\uFFA0]{1,255}\.[^\s@\p{C}\u034F\u115F\u1160\u3164\uFFA0]{2,}$/u;
/** DID syntax (DID Core §3.1), without path, query or fragment: a subject is a DID, not a DID URL. */
export const DID = /^did:[a-z0-9]+:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*(?::(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*)*[A-Za-z0-9._-]$/;
