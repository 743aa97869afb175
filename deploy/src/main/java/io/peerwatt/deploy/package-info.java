/**
 * The composition root: the {@code peerwatt} command and the runnable jar. {@code Platform},
 * {@code HttpVerticle} and {@code SettlementRuntime} turn the configuration into constructors: the
 * database, the platform keys (loaded once, handed to trading and settlement), the HTTP server with
 * trading-core's and settlement's API resources and the portal, and settlement's pass on its timer.
 */
package io.peerwatt.deploy;
