package io.peerwatt.gateway.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The gateway's HTTP client: {@link HttpURLConnection}, whose connections the JDK keeps alive
 * between requests. Chosen over {@code java.net.http.HttpClient} for a small board: that client's
 * classes, selector thread and eager TLS set-up cost about 18 MB of resident memory against 3 MB
 * here (measured in benchmarks/RESULTS.md, "Gateway footprint"). Thread-safe (a connection per
 * request).
 */
public final class PlatformHttp {
  private final int connectTimeoutMs;

  /** An answer: the status code and the body as text (the error body for 4xx and 5xx). */
  public record Response(int status, String body) {}

  public PlatformHttp(Duration connectTimeout) {
    this.connectTimeoutMs = Math.toIntExact(connectTimeout.toMillis());
  }

  /**
   * Sends {@code method} to {@code uri} with {@code headers}, and {@code body} when not null (as
   * JSON unless the headers name another Content-Type); waits at most {@code timeout} for the
   * answer.
   *
   * @throws IOException when there is no answer (no connection, timeout, broken stream)
   */
  public Response send(
      String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    try {
      c.setConnectTimeout(connectTimeoutMs);
      c.setReadTimeout(Math.toIntExact(timeout.toMillis()));
      c.setRequestMethod(method);
      c.setUseCaches(false);
      headers.forEach(c::setRequestProperty);
      if (body != null) {
        if (!headers.containsKey("Content-Type")) {
          c.setRequestProperty("Content-Type", "application/json");
        }
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String text = "";
      if (in != null) {
        try (in) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      return new Response(status, text);
    } catch (IOException e) {
      c.disconnect();
      throw e;
    }
  }
}
