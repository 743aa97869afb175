package io.peerwatt.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.peerwatt.gateway.DeviceIdentity;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.DeviceCertificate;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrollmentTest {
  @TempDir Path dataDir;
  private HttpServer server;
  private final PrivateKey platformKey =
      PrivateKey.fromBytes(
          Hashes.sha256("PeerWatt test platform key".getBytes(StandardCharsets.US_ASCII)));
  private final AtomicReference<String> requestBody = new AtomicReference<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private URI platform(boolean accept) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/v1/devices/enroll",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requestBody.set(body);
          Map<String, Object> req = Json.parseObject(body);
          PublicKey device = PublicKey.fromHex(Json.string(req, "deviceKey"));
          @SuppressWarnings("unchecked")
          List<String> serials = (List<String>) (List<?>) Json.array(req, "meterSerials");
          byte[] digest =
              BatchAndEnrolmentSigning.enrolmentDigest(
                  Json.string(req, "code"),
                  device.compressedBytes(),
                  HexFormat.of().parseHex(Json.string(req, "nonce")),
                  serials);
          boolean ok =
              accept
                  && device.verify(digest, HexFormat.of().parseHex(Json.string(req, "signature")));
          String answer;
          int status;
          if (ok) {
            DeviceCertificate cert =
                new DeviceCertificate(
                    1,
                    42,
                    device,
                    "DE0001234567890000000000000000001",
                    "acct-7f3a9c",
                    "DE-TEST-1",
                    Instant.parse("2026-11-01T00:00:00Z"),
                    Instant.parse("2027-11-01T00:00:00Z"),
                    platformKey.publicKey());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("deviceId", 17L);
            m.put("certificate", SignedDeviceCertificate.sign(cert, platformKey).toJson());
            answer = Json.write(m);
            status = 201;
          } else {
            answer = "{\"error\":\"UNKNOWN_CODE\"}";
            status = 403;
          }
          byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Test
  void enrolsWithASignedRequestAndStoresTheCertificate() throws Exception {
    PrivateKey key = DeviceIdentity.loadOrCreate(dataDir);
    Enrollment.Result result =
        Enrollment.enroll(
            platform(true),
            "ABCD-1234",
            List.of("12345678", "PV-99"),
            key,
            dataDir,
            new PlatformHttp(Duration.ofSeconds(5)),
            Duration.ofSeconds(5));
    assertThat(result.deviceId()).isEqualTo(17);
    assertThat(result.certificate().certificate().deviceKey()).isEqualTo(key.publicKey());
    Map<String, Object> sent = Json.parseObject(requestBody.get());
    assertThat(sent.keySet())
        .containsExactly("code", "deviceKey", "meterSerials", "nonce", "signature");
    assertThat(Json.string(sent, "nonce")).hasSize(32);
    Map<String, Object> stored =
        Json.parseObject(Files.readString(dataDir.resolve("enrollment.json")));
    assertThat(Json.integer(stored, "deviceId")).isEqualTo(17);
    assertThat(Enrollment.stored(dataDir)).isPresent();
  }

  @Test
  void refusalIsReportedWithTheStatus() throws Exception {
    PrivateKey key = DeviceIdentity.loadOrCreate(dataDir);
    URI platform = platform(false);
    assertThatThrownBy(
            () ->
                Enrollment.enroll(
                    platform,
                    "WRONG",
                    List.of(),
                    key,
                    dataDir,
                    new PlatformHttp(Duration.ofSeconds(5)),
                    Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(
            Enrollment.EnrollmentException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThat(Enrollment.stored(dataDir)).isEmpty();
  }
}
