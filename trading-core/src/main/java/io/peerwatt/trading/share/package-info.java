/**
 * Consumer data sharing (issue 22): third parties' applications (approved by an operator), their
 * offers for household metering data, and households' grants, which they revoke at once. The OAuth
 * 2 flow binds its tokens to a grant; delivery reads exactly what a grant covers.
 */
package io.peerwatt.trading.share;
