/**
 * The composition root: the {@code peerwatt} command and its platform, admin, chain, report, tx and verify
 * subcommands with their shared options, the configuration, and the platform's start-up.
 */
package io.peerwatt.deploy;
