package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.URI;
import java.util.function.Supplier;

/** The portal's only way to data: the platform's HTTP API, called with the viewer's token. */
public final class ApiClient {
  /** A page waits this long for the API before it shows an error instead. */
  private static final long REQUEST_TIMEOUT_MS = 15_000;

  private final WebClient client;
  private final Supplier<URI> apiBase;

  /**
   * @param apiBase e.g. {@code http://127.0.0.1:8080/api/v1}, asked at each call because the platform
   *     may learn its port only once it listens
   */
  public ApiClient(Vertx vertx, Supplier<URI> apiBase) {
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("peerwatt-portal"));
    this.apiBase = apiBase;
  }

  private HttpRequest<Buffer> request(HttpMethod method, String path, Viewer viewer) {
    URI base = apiBase.get();
    HttpRequest<Buffer> req = client.request(method, base.getPort(), base.getHost(), base.getPath().replaceAll("/$", "") + path)
        .timeout(REQUEST_TIMEOUT_MS);
    if (viewer != null) {
      req.bearerTokenAuthentication(viewer.token());
    }
    return req;
  }

  /** An API answer: status and body (JSON object or array, or null when empty or not JSON). */
  public record Answer(int status, Object body, String raw) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    public JsonObject object() {
      return body instanceof JsonObject o ? o : new JsonObject();
    }

    public JsonArray array() {
      if (body instanceof JsonArray a) {
        return a;
      }
      // list endpoints may wrap their items: {"items": [...]}
      JsonObject o = object();
      for (String key : new String[] {"items", "results", "data"}) {
        if (o.getValue(key) instanceof JsonArray a) {
          return a;
        }
      }
      return new JsonArray();
    }

    /** The API's error message, for showing next to a form or field. */
    public String message() {
      JsonObject o = object();
      return o.getString("message", o.getString("error", "HTTP " + status));
    }

    /** The field the API's validation error names, or null. */
    public String field() {
      return object().getString("field");
    }
  }

  public Future<Answer> get(String path, Viewer viewer) {
    return send(HttpMethod.GET, path, viewer, null);
  }

  public Future<Answer> post(String path, Viewer viewer, JsonObject body) {
    return send(HttpMethod.POST, path, viewer, body);
  }

  public Future<Answer> send(HttpMethod method, String path, Viewer viewer, JsonObject body) {
    HttpRequest<Buffer> req = request(method, path, viewer);
    Future<HttpResponse<Buffer>> sent = body == null ? req.send() : req.sendJsonObject(body);
    return sent.map(ApiClient::answer);
  }

  /** The platform's health document ({@code /health}, beside the API), for the operator console. */
  public Future<Answer> health() {
    URI base = apiBase.get();
    return client.request(HttpMethod.GET, base.getPort(), base.getHost(), "/health").timeout(REQUEST_TIMEOUT_MS)
        .send().map(ApiClient::answer);
  }

  /** Raw bytes of an API resource (downloads: reports, proof bundles). */
  public Future<HttpResponse<Buffer>> download(String path, Viewer viewer) {
    return request(HttpMethod.GET, path, viewer).send();
  }

  /** Relays an API event stream (SSE) into {@code sink} until either side closes. */
  public Future<Void> relay(String path, Viewer viewer, WriteStream<Buffer> sink) {
    return request(HttpMethod.GET, path, viewer).timeout(0).putHeader("accept", "text/event-stream")
        .as(BodyCodec.pipe(sink, true)).send().mapEmpty();
  }

  private static Answer answer(HttpResponse<Buffer> r) {
    String raw = r.bodyAsString();
    Object body = null;
    if (raw != null && !raw.isBlank()) {
      String t = raw.strip();
      try {
        body = t.startsWith("[") ? new JsonArray(t) : t.startsWith("{") ? new JsonObject(t) : null;
      } catch (RuntimeException notJson) {
        body = null;
      }
    }
    return new Answer(r.statusCode(), body, raw);
  }
}
