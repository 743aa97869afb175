/**
 * The home gateway's entry: {@link io.peerwatt.gateway.Gateway} (the reading loop, upload and
 * wallet threads), its configuration, the device's keys and {@code status.json}; the work lives in
 * the packages below.
 */
package io.peerwatt.gateway;
