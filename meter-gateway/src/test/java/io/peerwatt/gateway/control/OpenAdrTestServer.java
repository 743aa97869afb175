package io.peerwatt.gateway.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.reading.DeviceRequestSigning;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small OpenADR 3.1.0 VTN for the gateway's tests, serving the document's JSON shapes over real
 * HTTP: the platform's device-signed credentials endpoint, {@code /auth/token} (client credentials,
 * form body), {@code GET /events?targets=} and {@code POST /reports}. It checks what the client
 * sends against the document's required properties (reportRequest, interval, valuesMap,
 * reportPayloadDescriptor) and records every violation, so a test can assert there were none.
 */
final class OpenAdrTestServer implements AutoCloseable {
  static final String BASE = "/openadr3/3.1.0";

  private final PublicKey deviceKey;
  private final String venName;
  private final HttpServer server;

  // guarded by this
  private final List<Map<String, Object>> events = new ArrayList<>();
  private final List<Map<String, Object>> reports = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private String secret = "secret-1";
  private String token;
  private int tokenNumber;
  private boolean down;
  private int credentialRequests;
  private int eventPolls;

  OpenAdrTestServer(PublicKey deviceKey, String venName) throws IOException {
    this.deviceKey = deviceKey;
    this.venName = venName;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  synchronized void addEvent(Map<String, Object> event) {
    events.add(event);
  }

  synchronized List<Map<String, Object>> reports() {
    return List.copyOf(reports);
  }

  synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  /** Answer nothing but 503 (the platform is unreachable), or serve again. */
  synchronized void down(boolean on) {
    this.down = on;
  }

  /** The platform rotates the VEN's secret: the old one no longer gets a token. */
  synchronized void rotateSecret() {
    secret = "secret-" + (Integer.parseInt(secret.substring("secret-".length())) + 1);
    token = null;
  }

  /** The VTN forgets the token it issued (as after a restart). */
  synchronized void revokeToken() {
    token = null;
  }

  synchronized int credentialRequests() {
    return credentialRequests;
  }

  synchronized int eventPolls() {
    return eventPolls;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** An event as the platform creates it for an accepting device (the contract's shape). */
  static Map<String, Object> event(
      String id, String venName, Instant start, Instant end, double kw, String signedJson) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("id", id);
    e.put("createdDateTime", "2026-12-06T12:00:00Z");
    e.put("modificationDateTime", "2026-12-06T12:00:00Z");
    e.put("objectType", "EVENT");
    e.put("programID", "flexibility");
    e.put("eventName", "flex-" + id);
    e.put("targets", List.of(venName));
    e.put(
        "payloadDescriptors",
        List.of(
            Map.of(
                "objectType",
                "EVENT_PAYLOAD_DESCRIPTOR",
                "payloadType",
                "DISPATCH_SETPOINT_RELATIVE",
                "units",
                "KW")));
    e.put(
        "intervalPeriod",
        Map.of(
            "start",
            start.toString(),
            "duration",
            java.time.Duration.between(start, end).toString()));
    List<Object> payloads = new ArrayList<>();
    payloads.add(
        Map.of(
            "type",
            "DISPATCH_SETPOINT_RELATIVE",
            "values",
            List.of(new java.math.BigDecimal(Double.toString(kw)))));
    if (signedJson != null) {
      payloads.add(Map.of("type", "X_PEERWATT_SIGNED_COMMAND", "values", List.of(signedJson)));
    }
    e.put("intervals", List.of(Map.of("id", 0L, "payloads", payloads)));
    return e;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      synchronized (this) {
        if (down) {
          send(exchange, 503, problem(503, "down"));
          return;
        }
        if (method.equals("POST") && path.equals("/api/v1/gateway/openadr/credentials")) {
          credentials(exchange, body);
        } else if (method.equals("POST") && path.equals(BASE + "/auth/token")) {
          token(exchange, body);
        } else if (method.equals("GET") && path.equals(BASE + "/events")) {
          if (authorized(exchange)) {
            events(exchange);
          }
        } else if (method.equals("POST") && path.equals(BASE + "/reports")) {
          if (authorized(exchange)) {
            report(exchange, body);
          }
        } else {
          send(exchange, 404, problem(404, "Unrecognized URL"));
        }
      }
    }
  }

  private void credentials(HttpExchange exchange, byte[] body) throws IOException {
    var h = exchange.getRequestHeaders();
    try {
      PublicKey key = PublicKey.fromHex(h.getFirst(DeviceRequestSigning.DEVICE_KEY_HEADER));
      byte[] digest =
          DeviceRequestSigning.digest(
              "POST",
              exchange.getRequestURI().toString(),
              HexFormat.of().parseHex(h.getFirst(DeviceRequestSigning.NONCE_HEADER)),
              Instant.parse(h.getFirst(DeviceRequestSigning.SENT_AT_HEADER)),
              body);
      if (!key.equals(deviceKey)
          || !key.verify(
              digest, HexFormat.of().parseHex(h.getFirst(DeviceRequestSigning.SIGNATURE_HEADER)))) {
        send(exchange, 401, Json.write(Map.of("error", "BAD_SIGNATURE")));
        return;
      }
    } catch (RuntimeException e) {
      send(exchange, 401, Json.write(Map.of("error", "BAD_SIGNATURE")));
      return;
    }
    credentialRequests++;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clientId", "ven-" + venName);
    m.put("clientSecret", secret);
    m.put("venName", venName);
    m.put("vtnUrl", uri() + BASE);
    send(exchange, 200, Json.write(m));
  }

  private void token(HttpExchange exchange, byte[] body) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
      violations.add("token request Content-Type " + type);
    }
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    if (!"client_credentials".equals(form.get("grant_type"))) {
      send(exchange, 400, problem(400, "unsupported_grant_type"));
      return;
    }
    if (!("ven-" + venName).equals(form.get("client_id"))
        || !secret.equals(form.get("client_secret"))) {
      send(exchange, 401, problem(401, "invalid_client"));
      return;
    }
    token = "token-" + (++tokenNumber);
    send(
        exchange,
        200,
        Json.write(Map.of("access_token", token, "token_type", "Bearer", "expires_in", 3600L)));
  }

  private boolean authorized(HttpExchange exchange) throws IOException {
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (token == null || !("Bearer " + token).equals(auth)) {
      send(exchange, 401, problem(401, "Unauthorized"));
      return false;
    }
    return true;
  }

  private void events(HttpExchange exchange) throws IOException {
    eventPolls++;
    String query = exchange.getRequestURI().getRawQuery();
    String target =
        query != null && query.startsWith("targets=")
            ? URLDecoder.decode(query.substring("targets=".length()), StandardCharsets.UTF_8)
            : null;
    if (target == null) {
      violations.add("events polled without targets: " + query);
    }
    List<Object> out = new ArrayList<>();
    for (Map<String, Object> e : events) {
      if (((List<?>) e.get("targets")).contains(target)) {
        out.add(e);
      }
    }
    send(exchange, 200, Json.write(out));
  }

  private void report(HttpExchange exchange, byte[] body) throws IOException {
    Map<String, Object> r;
    try {
      r = Json.parseObject(new String(body, StandardCharsets.UTF_8));
    } catch (FormatException e) {
      send(exchange, 400, problem(400, e.getMessage()));
      return;
    }
    List<String> problems = validateReportRequest(r);
    if (!problems.isEmpty()) {
      violations.addAll(problems);
      send(exchange, 400, problem(400, String.join("; ", problems)));
      return;
    }
    reports.add(r);
    Map<String, Object> created = new LinkedHashMap<>();
    created.put("id", "report-" + reports.size());
    created.put("createdDateTime", "2026-12-06T12:00:00Z");
    created.put("modificationDateTime", "2026-12-06T12:00:00Z");
    created.put("objectType", "REPORT");
    created.put("clientID", "ven-" + venName);
    created.putAll(r);
    send(exchange, 201, Json.write(created));
  }

  /** The document's required properties and types of a reportRequest and what it contains. */
  static List<String> validateReportRequest(Map<String, Object> r) {
    List<String> out = new ArrayList<>();
    for (String k : List.of("eventID", "clientName")) {
      if (!(r.get(k) instanceof String s) || s.isEmpty() || s.length() > 128) {
        out.add("reportRequest." + k + " must be a string of 1..128");
      }
    }
    if (r.get("payloadDescriptors") instanceof List<?> descriptors) {
      for (Object d : descriptors) {
        if (!(d instanceof Map<?, ?> m)
            || !"REPORT_PAYLOAD_DESCRIPTOR".equals(m.get("objectType"))
            || !(m.get("payloadType") instanceof String)) {
          out.add(
              "reportPayloadDescriptor needs objectType REPORT_PAYLOAD_DESCRIPTOR and payloadType");
        }
      }
    }
    if (!(r.get("resources") instanceof List<?> resources) || resources.isEmpty()) {
      out.add("reportRequest.resources is required");
      return out;
    }
    for (Object o : resources) {
      if (!(o instanceof Map<?, ?> res) || !(res.get("resourceName") instanceof String)) {
        out.add("resource.resourceName is required");
        continue;
      }
      if (!(res.get("intervals") instanceof List<?> intervals)) {
        out.add("resource.intervals is required");
        continue;
      }
      if (res.get("intervalPeriod") instanceof Map<?, ?> period) {
        if (!(period.get("duration") instanceof String d)
            || !d.matches(
                "^(-?)P(?=\\d|T\\d)(?:(\\d+)Y)?(?:(\\d+)M)?(?:(\\d+)([DW]))?(?:T(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+(?:\\.\\d+)?)S)?)?$")) {
          out.add("intervalPeriod.duration is not an ISO 8601 duration: " + period.get("duration"));
        }
        if (!(period.get("start") instanceof String s)) {
          out.add("intervalPeriod.start must be a date-time");
        } else {
          try {
            Instant.parse(s);
          } catch (RuntimeException e) {
            out.add("intervalPeriod.start is not a date-time: " + s);
          }
        }
      }
      for (Object i : intervals) {
        if (!(i instanceof Map<?, ?> interval)
            || !(interval.get("id") instanceof Long)
            || !(interval.get("payloads") instanceof List<?> payloads)) {
          out.add("interval needs an integer id and payloads");
          continue;
        }
        for (Object p : payloads) {
          if (!(p instanceof Map<?, ?> v)
              || !(v.get("type") instanceof String)
              || !(v.get("values") instanceof List<?>)) {
            out.add("valuesMap needs type and values");
          }
        }
      }
    }
    return out;
  }

  private static String problem(int status, String detail) {
    return Json.write(Map.of("title", "problem", "status", (long) status, "detail", detail));
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
