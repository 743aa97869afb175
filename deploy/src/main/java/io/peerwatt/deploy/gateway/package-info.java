/**
 * {@code peerwatt gateway}: the subcommands of a home installation and the reading of {@code
 * gateway.yaml}.
 */
package io.peerwatt.deploy.gateway;
