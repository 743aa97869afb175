package io.peerwatt.deploy.demo;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The demo's client of the platform's HTTP API ({@code /api/v1}), calling as the operator and the
 * homes' owners do. It keeps each user's login token, so the demo's calls do not pay a password
 * hash each.
 */
final class PlatformApi {
  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Each user's login token; renewed on 401. */
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  PlatformApi(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Logs {@code user} in; returns the login token. */
  String login(String user, String password) {
    return call(
            "POST", "/auth/login", null, JsonObject.of("username", user, "password", password), 200)
        .getString("token");
  }

  /** {@code user}'s kept login token, logging in on first use. */
  String token(String user, String password) {
    return tokens.computeIfAbsent(user, u -> login(u, password));
  }

  /** Calls the API with {@code user}'s login token, logging in again when it expired. */
  JsonObject as(String user, String password, Function<String, JsonObject> call) {
    try {
      return call.apply(token(user, password));
    } catch (ExpiredToken e) {
      tokens.put(user, login(user, password));
      return call.apply(tokens.get(user));
    }
  }

  /** One request; an answer other than {@code expected} is an {@link IllegalStateException}. */
  JsonObject call(String method, String path, String token, JsonObject body, int expected) {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1" + path))
            .timeout(Duration.ofSeconds(30))
            .header("content-type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) {
      req.header("authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r =
          http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() == 401 && token != null) {
        throw new ExpiredToken(method + " " + path + " answered 401: " + r.body());
      }
      if (r.statusCode() != expected) {
        throw new IllegalStateException(
            method + " " + path + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The API refused the caller's token (expired): log in again. */
  private static final class ExpiredToken extends RuntimeException {
    ExpiredToken(String message) {
      super(message);
    }
  }
}
