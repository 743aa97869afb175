package io.peerwatt.deploy.demo;

import io.peerwatt.trading.flex.FlexDirection;
import io.peerwatt.trading.flex.GridFlexEvents;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;

/**
 * The demo's grid operator as any outside OpenADR client: it has the platform's operator issue it a
 * business-logic client credential and, over the platform's OpenADR 3 VTN, creates a program and an
 * event capping a zone's import at the price of {@link FlexibilityEvent}.
 */
final class GridOperator {
  private final PlatformApi api;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  GridOperator(PlatformApi api) {
    this.api = api;
  }

  /**
   * Credential, token, program, event: caps {@code zone}'s import at {@code limitW} from {@code
   * start} for {@code lengthSlots} slots.
   *
   * @return the event's id
   */
  String createEvent(String zone, Instant start, int lengthSlots, long limitW) {
    String ops = api.token(Neighbourhood.OPERATOR, Neighbourhood.OPERATOR_PASSWORD);
    JsonObject client =
        api.call(
            "POST",
            "/openadr/clients",
            ops,
            new JsonObject().put("label", "demo DSO " + zone),
            201);
    String vtn = client.getString("vtnUrl");
    String bearer = vtnToken(vtn, client.getString("clientId"), client.getString("clientSecret"));
    String programId =
        vtn(
                bearer,
                vtn + "/programs",
                new JsonObject()
                    .put("programName", "demo-dso-" + zone)
                    .put("programLongName", "Demo grid operator: feeder relief in " + zone))
            .getString("id");
    return vtn(bearer, vtn + "/events", importLimit(programId, zone, start, lengthSlots, limitW))
        .getString("id");
  }

  /** The zone import limit per slot, with the operator's price, as an OpenADR event. */
  private static JsonObject importLimit(
      String programId, String zone, Instant start, int lengthSlots, long limitW) {
    return GridFlexEvents.capacityLimitEvent(
        programId,
        "feeder relief " + zone,
        zone,
        FlexDirection.REDUCE_IMPORT,
        start,
        Collections.nCopies(lengthSlots, FlexibilityEvent.kw(limitW)),
        FlexibilityEvent.PRICE_EUR_PER_KWH);
  }

  /** The VTN's client-credentials token for the business-logic client. */
  private String vtnToken(String vtn, String clientId, String secret) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(vtn + "/auth/token"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "grant_type=client_credentials&client_id="
                        + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                        + "&client_secret="
                        + URLEncoder.encode(secret, StandardCharsets.UTF_8)))
            .build();
    return "Bearer " + new JsonObject(send(request, 200)).getString("access_token");
  }

  /** A POST to the VTN as the business-logic client; answers the created object. */
  private JsonObject vtn(String bearer, String url, JsonObject body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", bearer)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build();
    return new JsonObject(send(request, 201));
  }

  private String send(HttpRequest request, int expected) {
    try {
      HttpResponse<String> r =
          http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() != expected) {
        throw new IllegalStateException(
            request.method()
                + " "
                + request.uri()
                + " answered "
                + r.statusCode()
                + ": "
                + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException(
          request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
