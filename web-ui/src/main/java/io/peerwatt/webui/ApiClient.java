package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The portal's only way to data: the platform's HTTP API, called with the viewer's token. */
public final class ApiClient {
  /** A page waits this long for the API before it shows an error instead. */
  private static final long REQUEST_TIMEOUT_MS = 15_000;

  /**
   * Live streams one portal relays at once, by default; each holds an API connection while it is
   * open.
   */
  static final int MAX_LIVE_STREAMS = 200;

  /** The API's stream writes a heartbeat every 15 s: one silent this long is dead. */
  private static final long STREAM_IDLE_TIMEOUT_MS = 60_000;

  private static final String USER_AGENT = "peerwatt-portal";

  private final WebClient client;

  /** Live streams have a pool of their own: however many are open, pages still get a connection. */
  private final HttpClient streams;

  private final int maxStreams;
  private final AtomicInteger openStreams = new AtomicInteger();
  private final Supplier<URI> apiBase;

  /**
   * @param apiBase e.g. {@code http://127.0.0.1:8080/api/v1}, asked at each call because the
   *     platform may learn its port only once it listens
   */
  public ApiClient(Vertx vertx, Supplier<URI> apiBase) {
    this(vertx, apiBase, MAX_LIVE_STREAMS);
  }

  /**
   * @param maxStreams live streams relayed at once; {@link #relay} refuses more
   */
  ApiClient(Vertx vertx, Supplier<URI> apiBase, int maxStreams) {
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent(USER_AGENT));
    this.streams = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(maxStreams));
    this.maxStreams = maxStreams;
    this.apiBase = apiBase;
  }

  int maxStreams() {
    return maxStreams;
  }

  private static String uri(URI base, String path) {
    return base.getPath().replaceAll("/$", "") + path;
  }

  private HttpRequest<Buffer> request(HttpMethod method, String path, Viewer viewer) {
    URI base = apiBase.get();
    HttpRequest<Buffer> req =
        client
            .request(method, base.getPort(), base.getHost(), uri(base, path))
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

  /**
   * A POST with extra {@code headers}, such as the browser's forwarded address on a login, which
   * the API's login limiter counts.
   */
  public Future<Answer> post(
      String path, Viewer viewer, JsonObject body, Map<String, String> headers) {
    HttpRequest<Buffer> req = request(HttpMethod.POST, path, viewer);
    headers.forEach(req::putHeader);
    return req.sendJsonObject(body).map(ApiClient::answer);
  }

  public Future<Answer> send(HttpMethod method, String path, Viewer viewer, JsonObject body) {
    HttpRequest<Buffer> req = request(method, path, viewer);
    Future<HttpResponse<Buffer>> sent = body == null ? req.send() : req.sendJsonObject(body);
    return sent.map(ApiClient::answer);
  }

  /** The platform's health document ({@code /health}, beside the API), for the operator console. */
  public Future<Answer> health() {
    URI base = apiBase.get();
    return client
        .request(HttpMethod.GET, base.getPort(), base.getHost(), "/health")
        .timeout(REQUEST_TIMEOUT_MS)
        .send()
        .map(ApiClient::answer);
  }

  /** Raw bytes of an API resource (downloads: reports, proof bundles). */
  public Future<HttpResponse<Buffer>> download(String path, Viewer viewer) {
    return request(HttpMethod.GET, path, viewer).send();
  }

  /**
   * Relays an API event stream (SSE) to {@code browser}, status and content type included, until
   * either side ends: the browser leaving (or a write to it failing) resets the API request, which
   * closes its connection; the API ending or dropping its stream ends the browser's response.
   *
   * @return false, relaying nothing, when {@code maxStreams} streams are open already
   */
  public boolean relay(String path, Viewer viewer, HttpServerResponse browser) {
    if (openStreams.incrementAndGet() > maxStreams) {
      openStreams.decrementAndGet();
      return false;
    }
    URI base = apiBase.get();
    RequestOptions options =
        new RequestOptions()
            .setHost(base.getHost())
            .setPort(base.getPort())
            .setURI(uri(base, path))
            .setConnectTimeout(REQUEST_TIMEOUT_MS)
            .setIdleTimeout(STREAM_IDLE_TIMEOUT_MS)
            .putHeader(HttpHeaders.ACCEPT, "text/event-stream")
            .putHeader(HttpHeaders.USER_AGENT, USER_AGENT)
            .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + viewer.token());
    streams
        .request(options)
        .compose(
            upstream -> {
              browser.closeHandler(v -> upstream.reset());
              Future<HttpClientResponse> sent = upstream.send();
              if (browser.closed()) {
                upstream.reset(); // it left while the connection was being made
              }
              return sent.compose(
                      answer -> {
                        browser
                            .setStatusCode(answer.statusCode())
                            .setChunked(true)
                            .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
                        String type = answer.getHeader(HttpHeaders.CONTENT_TYPE);
                        if (type != null) {
                          browser.putHeader(HttpHeaders.CONTENT_TYPE, type);
                        }
                        return answer.pipeTo(browser);
                      })
                  .onFailure(e -> upstream.reset());
            })
        .onComplete(done -> openStreams.decrementAndGet())
        .onFailure(
            e -> {
              // no answer from the API at all: say so, unless the browser is gone or the pipe ended
              // it
              if (!browser.headWritten() && !browser.closed()) {
                browser.setStatusCode(502).end();
              }
            });
    return true;
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
