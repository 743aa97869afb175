package io.peerwatt.http;

import io.vertx.ext.web.Router;

/**
 * One resource of the API (accounts, devices, orders, proofs, ...): its routes, added to the {@code
 * /api/v1} router behind the {@link ApiGate}, so its handlers see a validated request and, unless
 * the operation is public, a {@link Caller}. A resource gets the services it uses by constructor.
 * Every route must be described in the OpenAPI document; requests to paths it lacks are answered
 * 404.
 */
public interface ApiResource {

  /** Adds the routes, with paths relative to {@code /api/v1}. */
  void addTo(Router api);
}
