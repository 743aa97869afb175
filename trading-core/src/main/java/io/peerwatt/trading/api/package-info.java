/**
 * trading-core's HTTP resources under {@code /api/v1}, each an {@link io.peerwatt.http.ApiResource}
 * built with the services it serves: accounts and login, zones, metering points, devices and
 * enrolment, readings, orders and trades, market data and the live stream, standing rules; and
 * their JSON forms. Domain refusals become {@link io.peerwatt.http.ApiError}s here.
 */
package io.peerwatt.trading.api;
