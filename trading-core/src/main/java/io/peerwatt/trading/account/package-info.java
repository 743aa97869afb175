/** Accounts: the account store, Argon2id password hashes and the limits on failed logins. */
package io.peerwatt.trading.account;
