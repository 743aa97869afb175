/**
 * The composition root: the {@code peerwatt} command and its platform, admin, chain, report, tx and
 * verify subcommands with their shared options, the configuration, and the platform's start-up:
 * {@code Platform}, {@code HttpVerticle} and {@code SettlementRuntime} turn the configuration into
 * constructors (the database, the platform keys loaded once and handed to trading and settlement,
 * the HTTP server with trading-core's and settlement's API resources and the portal, settlement's
 * pass on its timer).
 */
package io.peerwatt.deploy;
