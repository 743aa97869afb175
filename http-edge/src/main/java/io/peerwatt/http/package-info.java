/**
 * The platform's HTTP edge, shared by trading-core and settlement: {@link
 * io.peerwatt.http.ApiError} and its JSON body, {@link io.peerwatt.http.Caller} and {@link
 * io.peerwatt.http.Role}, bearer tokens, device-signed requests, the OpenAPI gate with its
 * validator cache, the {@code /api/v1} router that mounts each {@link
 * io.peerwatt.http.ApiResource}, the worker pool for blocking work, and {@link
 * io.peerwatt.http.Handlers}, which answers a request with work run on a pool.
 */
package io.peerwatt.http;
