/**
 * The home gateway's entry: {@link io.peerwatt.gateway.Gateway} (the reading loop, upload and wallet threads,
 * {@code status.json}), its configuration and the device's keys; the work lives in the packages below.
 */
package io.peerwatt.gateway;
