package io.peerwatt.benchmarks.trading;

import io.peerwatt.db.Database;
import io.peerwatt.db.DatabaseConfig;
import io.peerwatt.http.ApiRouter;
import io.peerwatt.http.Blocking;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.trading.AccountAdmin;
import io.peerwatt.trading.PlatformKeys;
import io.peerwatt.trading.TradingApi;
import io.peerwatt.trading.TradingSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Load driver: signed readings over HTTP into PostgreSQL per second, next to the raw ECDSA verify
 * rate measured in the same run on the same machine. Starts the trading API on embedded PostgreSQL
 * in a temporary data directory, enrols {@code devices} gateways, pre-signs every reading and batch
 * (so the timed phase spends client CPU only on HTTP), then uploads each device's batches in chain
 * order, the devices in parallel.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.peerwatt.benchmarks.trading.IngestLoad [devices] [batches per device] [readings per batch]}
 * (defaults 4 50 100).
 */
public final class IngestLoad {
  private static final SecureRandom RANDOM = new SecureRandom();

  private IngestLoad() {}

  public static void main(String[] args) throws Exception {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int batchesPerDevice = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int perBatch = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    Path dataDir = Files.createTempDirectory("peerwatt-ingest-load-");
    Vertx vertx = Vertx.vertx();
    try (Database db = Database.start(new DatabaseConfig(null, null, null, dataDir, 16))) {
      TradingSettings settings = TradingSettings.defaults(dataDir);
      Blocking blocking = Blocking.create(vertx, "peerwatt-api-db", settings.workerPoolSize());
      PlatformKeys platformKeys = PlatformKeys.loadOrCreate(settings, RANDOM);
      TradingApi trading =
          vertx
              .executeBlocking(() -> null)
              .compose(
                  v ->
                      TradingApi.start(
                          vertx, db.dsl(), settings, platformKeys, Clock.systemUTC(), blocking))
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      Router api =
          trading
              .router(List.of())
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      Router root = Router.router(vertx);
      root.route(ApiRouter.BASE_PATH + "/*").subRouter(api);
      HttpServer server =
          vertx
              .createHttpServer()
              .requestHandler(root)
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      String base = "http://127.0.0.1:" + server.actualPort() + ApiRouter.BASE_PATH;
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

      // accounts, zone, metering points and enrolled devices through the API
      AccountAdmin.createOperator(db.dsl(), "bench-ops", "bench-operator-password");
      String ops = login(http, base, "bench-ops", "bench-operator-password");
      call(
          http,
          base,
          "PUT",
          "/zones/BENCH",
          ops,
          new JsonObject()
              .put("name", "Bench")
              .put("currency", "EUR")
              .put("priceUnit", "MILLI_CT_PER_KWH")
              .put("clearingMode", "CALL_AUCTION")
              .put("gateClosureLeadSeconds", 900)
              .put("gridFeePerKwh", 0)
              .put("imbalancePricePerKwh", 0)
              .put("negativePricesAllowed", false)
              .put("localTimeZone", "UTC")
              .put("minQuantityWh", 1)
              .put("maxQuantityWh", 1_000_000)
              .put("minPricePerKwh", 0)
              .put("maxPricePerKwh", 1_000_000),
          200);
      call(
          http,
          base,
          "POST",
          "/accounts",
          ops,
          new JsonObject()
              .put("username", "bench-home")
              .put("password", "bench-home-password")
              .put("role", "prosumer")
              .put("zone", "BENCH"),
          201);
      String home = login(http, base, "bench-home", "bench-home-password");
      List<PrivateKey> keys = new ArrayList<>();
      for (int d = 0; d < devices; d++) {
        long mp =
            call(
                    http,
                    base,
                    "POST",
                    "/metering-points",
                    home,
                    new JsonObject().put("label", "home " + d).put("maxPowerW", 50_000),
                    201)
                .getLong("id");
        String code =
            call(
                    http,
                    base,
                    "POST",
                    "/metering-points/" + mp + "/enrolment-codes",
                    home,
                    new JsonObject(),
                    201)
                .getString("code");
        PrivateKey key = PrivateKey.generate(RANDOM);
        call(http, base, "POST", "/devices/enroll", null, enrolBody(key, code), 201);
        keys.add(key);
      }

      // pre-sign everything: readings 5 s apart ending now, batches signed with fresh nonces
      Instant start =
          Instant.now()
              .truncatedTo(ChronoUnit.MILLIS)
              .minusSeconds(5L * batchesPerDevice * perBatch + 60);
      List<List<String>> bodies = new ArrayList<>();
      List<SignedReading> sample = new ArrayList<>();
      long signStart = System.nanoTime();
      for (PrivateKey key : keys) {
        List<String> deviceBodies = new ArrayList<>();
        MeterReading last = null;
        for (int b = 0; b < batchesPerDevice; b++) {
          List<SignedReading> batch = new ArrayList<>(perBatch);
          for (int i = 0; i < perBatch; i++) {
            long seq = last == null ? 1 : last.sequence() + 1;
            MeterReading r =
                new MeterReading(
                    MeterReading.VERSION_1,
                    key.publicKey(),
                    0,
                    seq,
                    start.plusSeconds(5 * seq),
                    1_000 + seq,
                    10,
                    1500,
                    230_000,
                    EnumSet.noneOf(ReadingFlag.class),
                    last == null ? MeterReading.noPrevious() : last.hash());
            SignedReading s = SignedReading.sign(r, key);
            batch.add(s);
            last = r;
          }
          if (sample.size() < 5_000) {
            sample.addAll(batch);
          }
          deviceBodies.add(batchBody(key, batch));
        }
        bodies.add(deviceBodies);
      }
      double signSeconds = (System.nanoTime() - signStart) / 1e9;

      // raw ECDSA verify rate, one thread and all cores
      double verifyOne = verifyRate(sample, 1);
      int cores = Runtime.getRuntime().availableProcessors();
      double verifyAll = verifyRate(sample, cores);

      // timed phase: each device's batches in order, devices in parallel
      List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(devices);
      long t0 = System.nanoTime();
      List<Future<Long>> done = new ArrayList<>();
      for (List<String> deviceBodies : bodies) {
        done.add(
            pool.submit(
                () -> {
                  long accepted = 0;
                  for (String body : deviceBodies) {
                    long b0 = System.nanoTime();
                    HttpResponse<String> r =
                        http.send(
                            HttpRequest.newBuilder(URI.create(base + "/readings"))
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    latenciesMicros.add((System.nanoTime() - b0) / 1_000);
                    if (r.statusCode() != 200) {
                      throw new IllegalStateException(
                          "upload answered " + r.statusCode() + ": " + r.body());
                    }
                    accepted += new JsonObject(r.body()).getLong("accepted");
                  }
                  return accepted;
                }));
      }
      long accepted = 0;
      for (Future<Long> f : done) {
        accepted += f.get();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      pool.shutdown();
      long total = (long) devices * batchesPerDevice * perBatch;
      long storedRows = db.dsl().fetchCount(io.peerwatt.db.schema.Tables.READING);
      List<Long> sorted = new ArrayList<>(latenciesMicros);
      Collections.sort(sorted);
      double ingestRate = accepted / seconds;
      System.out.printf(
          "IngestLoad: %d devices x %d batches x %d readings = %d signed readings (signing took %.1f s)%n",
          devices, batchesPerDevice, perBatch, total, signSeconds);
      System.out.printf(
          "  accepted %d, stored rows %d, in %.2f s: %.0f readings/s over HTTP into PostgreSQL%n",
          accepted, storedRows, seconds, ingestRate);
      System.out.printf(
          "  batch latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          pct(sorted, 0.50) / 1000.0,
          pct(sorted, 0.99) / 1000.0,
          sorted.get(sorted.size() - 1) / 1000.0);
      System.out.printf(
          "  raw ECDSA verify (SignedReading.verify): %.0f/s on 1 thread, %.0f/s on %d threads%n",
          verifyOne, verifyAll, cores);
      System.out.printf(
          "  ingest / raw verify on all cores: %.2f (each reading also costs 1/%d of a batch verify)%n",
          ingestRate / verifyAll, perBatch);
      trading.close();
      blocking.close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static double verifyRate(List<SignedReading> sample, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      // warm-up, then the timed pass
      for (SignedReading s : sample.subList(0, Math.min(500, sample.size()))) {
        s.verify();
      }
      long t0 = System.nanoTime();
      List<Future<?>> parts = new ArrayList<>();
      int chunk = (sample.size() + threads - 1) / threads;
      for (int t = 0; t < threads; t++) {
        List<SignedReading> part =
            sample.subList(
                Math.min(sample.size(), t * chunk), Math.min(sample.size(), (t + 1) * chunk));
        parts.add(
            pool.submit(
                () ->
                    part.forEach(
                        s -> {
                          if (s.verify() != io.peerwatt.protocol.keys.SignatureCheck.VALID) {
                            throw new IllegalStateException("bad signature in the sample");
                          }
                        })));
      }
      for (Future<?> f : parts) {
        f.get();
      }
      return sample.size() / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdown();
    }
  }

  private static long pct(List<Long> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
  }

  private static String batchBody(PrivateKey key, List<SignedReading> readings) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    Instant sentAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    JsonArray items = new JsonArray();
    for (SignedReading s : readings) {
      items.add(new JsonObject(Json.write(s.toJson())));
    }
    byte[] digest =
        BatchAndEnrolmentSigning.batchDigest(
            nonce, sentAt, readings.stream().map(SignedReading::hash).toList());
    return new JsonObject()
        .put("deviceKey", key.publicKey().hex())
        .put("batchNonce", HexFormat.of().formatHex(nonce))
        .put("sentAt", sentAt.toString())
        .put("readings", items)
        .put("signature", HexFormat.of().formatHex(key.signDer(digest)))
        .encode();
  }

  private static JsonObject enrolBody(PrivateKey key, String code) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    byte[] digest =
        BatchAndEnrolmentSigning.enrolmentDigest(
            code, key.publicKey().compressedBytes(), nonce, List.of());
    return new JsonObject()
        .put("code", code)
        .put("deviceKey", key.publicKey().hex())
        .put("meterSerials", new JsonArray())
        .put("nonce", HexFormat.of().formatHex(nonce))
        .put("signature", HexFormat.of().formatHex(key.signDer(digest)));
  }

  private static String login(HttpClient http, String base, String user, String password)
      throws Exception {
    return call(
            http,
            base,
            "POST",
            "/auth/login",
            null,
            new JsonObject().put("username", user).put("password", password),
            200)
        .getString("token");
  }

  private static JsonObject call(
      HttpClient http,
      String base,
      String method,
      String path,
      String token,
      JsonObject body,
      int expected)
      throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("content-type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(
          method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }
}
