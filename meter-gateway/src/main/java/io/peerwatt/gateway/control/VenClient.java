package io.peerwatt.gateway.control;

import io.peerwatt.gateway.platform.PlatformClient;
import io.peerwatt.gateway.platform.PlatformHttp;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's OpenADR 3.1.0 VEN client: asks the platform for its VEN credentials with a
 * device-signed {@code POST /api/v1/gateway/openadr/credentials}, gets a bearer token from {@code
 * {vtnUrl}/auth/token} (client credentials, form body), reads the events targeted at its venName
 * and posts reports. A token the VTN no longer accepts (401) is replaced once, then the credentials
 * are asked for again (the platform may have rotated the secret).
 */
public final class VenClient {
  private static final Logger log = LoggerFactory.getLogger(VenClient.class);

  /** What the platform hands the gateway for OpenADR. */
  public record Credentials(String clientId, String clientSecret, String venName, URI vtnUrl) {}

  private final PlatformClient platform;
  private final PlatformHttp http;
  private final Clock clock;
  private final Duration timeout;
  private Credentials credentials;
  private String token;
  private Instant tokenExpires = Instant.MIN;

  public VenClient(PlatformClient platform, PlatformHttp http, Clock clock, Duration timeout) {
    this.platform = platform;
    this.http = http;
    this.clock = clock;
    this.timeout = timeout;
  }

  /** The venName the platform gave, or null before the first successful request. */
  public synchronized String venName() {
    return credentials == null ? null : credentials.venName();
  }

  /** The events targeted at this VEN ({@code GET {vtnUrl}/events?targets=<venName>}). */
  public synchronized List<Map<String, Object>> events() throws IOException {
    String body = authorized("GET", "/events?targets=" + encode(venName0()), null, 200);
    Object parsed;
    try {
      parsed = Json.parse(body);
    } catch (FormatException e) {
      throw new IOException("the VTN's events are not JSON: " + e.getMessage(), e);
    }
    if (!(parsed instanceof List<?> list)) {
      throw new IOException("the VTN's events are not a JSON array");
    }
    List<Map<String, Object>> events = new ArrayList<>();
    for (Object o : list) {
      if (o instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> event = (Map<String, Object>) m;
        events.add(event);
      }
    }
    return events;
  }

  /** Posts a {@code reportRequest} ({@code POST {vtnUrl}/reports}, 201). */
  public synchronized void postReport(Map<String, Object> reportRequest) throws IOException {
    authorized("POST", "/reports", Json.write(reportRequest).getBytes(StandardCharsets.UTF_8), 201);
  }

  private String venName0() throws IOException {
    if (credentials == null) {
      fetchCredentials();
    }
    return credentials.venName();
  }

  private String authorized(String method, String path, byte[] body, int expected)
      throws IOException {
    for (int attempt = 0; attempt < 3; attempt++) {
      if (credentials == null) {
        fetchCredentials();
      }
      if (token == null || !clock.instant().isBefore(tokenExpires)) {
        fetchToken();
      }
      PlatformHttp.Response answer =
          http.send(
              method,
              URI.create(credentials.vtnUrl() + path),
              Map.of("Authorization", "Bearer " + token, "Accept", "application/json"),
              body,
              timeout);
      if (answer.status() == expected) {
        return answer.body();
      }
      if (answer.status() != 401) {
        throw new IOException(
            method + " " + path + " answered " + answer.status() + ": " + answer.body());
      }
      log.info("the VTN refused the token ({}): {}", method + " " + path, answer.body());
      token = null;
      if (attempt == 1) {
        credentials = null;
      }
    }
    throw new IOException(method + " " + path + ": the VTN refuses this VEN's credentials");
  }

  private void fetchCredentials() throws IOException {
    Map<String, Object> answer = platform.post("/gateway/openadr/credentials", Map.of());
    try {
      URI vtn = URI.create(Json.string(answer, "vtnUrl"));
      if (!"http".equals(vtn.getScheme()) && !"https".equals(vtn.getScheme())) {
        throw new IOException("the platform's vtnUrl is not http(s): " + vtn);
      }
      credentials =
          new Credentials(
              Json.string(answer, "clientId"),
              Json.string(answer, "clientSecret"),
              Json.string(answer, "venName"),
              URI.create(vtn.toString().replaceAll("/+$", "")));
    } catch (FormatException | IllegalArgumentException e) {
      throw new IOException("the platform's OpenADR credentials are malformed: " + e.getMessage());
    }
    token = null;
    log.info(
        "OpenADR VEN credentials: venName {} clientId {} at {}",
        credentials.venName(),
        credentials.clientId(),
        credentials.vtnUrl());
  }

  private void fetchToken() throws IOException {
    String form =
        "grant_type=client_credentials&client_id="
            + encode(credentials.clientId())
            + "&client_secret="
            + encode(credentials.clientSecret());
    PlatformHttp.Response answer =
        http.send(
            "POST",
            URI.create(credentials.vtnUrl() + "/auth/token"),
            Map.of(
                "Content-Type",
                "application/x-www-form-urlencoded; charset=UTF-8",
                "Accept",
                "application/json"),
            form.getBytes(StandardCharsets.UTF_8),
            timeout);
    if (answer.status() == 401 || answer.status() == 400) {
      // a rotated or revoked secret: ask the platform again next time
      credentials = null;
      throw new IOException("the VTN refused the VEN credentials: " + answer.body());
    }
    if (answer.status() != 200) {
      throw new IOException("token request answered " + answer.status() + ": " + answer.body());
    }
    try {
      Map<String, Object> m = Json.parseObject(answer.body());
      token = Json.string(m, "access_token");
      long expiresIn = m.get("expires_in") instanceof Long l ? l : 3_600;
      // renew a little before the VTN would refuse it
      tokenExpires = clock.instant().plusSeconds(Math.max(1, expiresIn - 30));
    } catch (FormatException e) {
      throw new IOException("the VTN's token answer is malformed: " + e.getMessage(), e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
