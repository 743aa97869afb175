package io.peerwatt.trading;

import io.vertx.ext.web.Router;

/**
 * A group of API routes contributed by another part of trading-core. Implementations are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.peerwatt.trading.ApiRoutes}) and added to
 * the {@code /api/v1} router after authentication and OpenAPI validation, so their handlers see a
 * {@link ApiContext#caller} and a validated request. Every route must be described in
 * {@code openapi/peerwatt-api.yaml}; requests to paths the document lacks are answered 404.
 */
public interface ApiRoutes {

  /** Adds the routes (paths relative to {@code /api/v1}) to {@code api}. */
  void addTo(Router api, ApiContext context);

  /** Releases what {@link #addTo} started (timers, streams); the default has nothing to release. */
  default void close() {}
}
