package io.peerwatt.trading.api;

import io.peerwatt.db.schema.tables.records.MeteringPointRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.reading.ChainRestart;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.trading.AnchorStates;
import io.peerwatt.trading.device.MeteringPointStore;
import io.peerwatt.trading.ingest.ChainRestarts;
import io.peerwatt.trading.ingest.IngestRefusal;
import io.peerwatt.trading.ingest.ReadingIngest;
import io.peerwatt.trading.ingest.ReadingIntake;
import io.peerwatt.trading.ingest.ReadingStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /readings}: device-signed upload batches (no token: the device key authenticates
 * them); {@code POST /readings/restarts}: device-signed chain restarts; and {@code GET /readings}:
 * stored readings of one metering point, with the gaps chain restarts left, for its owner, the
 * utility of its zone or an operator.
 */
public final class ReadingRoutes implements ApiResource {
  static final int DEFAULT_LIMIT = 1000;

  private final ReadingIntake ingest;
  private final ChainRestarts restarts;
  private final ReadingStore readings;
  private final MeteringPointStore points;
  private final Blocking blocking;

  private final AnchorStates anchors;

  /**
   * @param ingest where uploads go: stored in this process, or appended to the cluster's log
   * @param anchors whether each listed reading is anchored yet
   */
  public ReadingRoutes(
      ReadingIntake ingest,
      ChainRestarts restarts,
      ReadingStore readings,
      MeteringPointStore points,
      AnchorStates anchors,
      Blocking blocking) {
    this.anchors = anchors;
    this.ingest = ingest;
    this.restarts = restarts;
    this.readings = readings;
    this.points = points;
    this.blocking = blocking;
  }

  @Override
  public void addTo(Router router) {
    router.post("/readings").handler(this::upload);
    router.post("/readings/restarts").handler(this::restart);
    router.get("/readings").handler(this::list);
  }

  private void upload(RoutingContext ctx) {
    String body = ctx.body().asString();
    // parsing runs on ingestion's checking threads with the signatures, off the event loop
    Future<List<ReadingIngest.Result>> stored =
        Future.fromCompletionStage(
            ingest.submit(() -> parse(body)), ctx.vertx().getOrCreateContext());
    ApiResponses.respond(
        ctx,
        200,
        stored
            .recover(
                e -> Future.failedFuture(e instanceof IngestRefusal refusal ? refused(refusal) : e))
            .map(ReadingRoutes::answer));
  }

  private static JsonObject answer(List<ReadingIngest.Result> results) {
    JsonArray items = new JsonArray();
    int[] counts = new int[ReadingIngest.Status.values().length];
    for (ReadingIngest.Result r : results) {
      counts[r.status().ordinal()]++;
      JsonObject item =
          new JsonObject()
              .put("channel", r.channel())
              .put("sequence", r.sequence())
              .put("status", r.status().name().toLowerCase(Locale.ROOT))
              .put("reason", r.reason() == null ? null : r.reason().name());
      if (r.status() == ReadingIngest.Status.REJECTED) {
        // what a gateway's chain restart must name, should the refusal be permanent
        item.put(
            "chainHead",
            r.head() == null
                ? null
                : new JsonObject()
                    .put("sequence", r.head().sequence())
                    .put("hash", HexFormat.of().formatHex(r.head().hash())));
      }
      items.add(item);
    }
    return new JsonObject()
        .put("results", items)
        .put("accepted", counts[ReadingIngest.Status.ACCEPTED.ordinal()])
        .put("duplicates", counts[ReadingIngest.Status.DUPLICATE.ordinal()])
        .put("rejected", counts[ReadingIngest.Status.REJECTED.ordinal()]);
  }

  /** A chain restart: 201 when recorded, 200 when it was recorded before. */
  private void restart(RoutingContext ctx) {
    ChainRestart.Signed signed;
    try {
      signed = ChainRestart.Signed.fromJson(Json.parseObject(ctx.body().asString()));
    } catch (FormatException e) {
      ctx.fail(ApiError.badRequest("MALFORMED_RESTART", e.getMessage(), null));
      return;
    }
    blocking
        .run(
            () -> {
              try {
                return restarts.record(signed);
              } catch (IngestRefusal e) {
                throw refused(e);
              }
            })
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
              }
              ChainRestarts.Recorded recorded = ar.result();
              ctx.response()
                  .setStatusCode(recorded.duplicate() ? 200 : 201)
                  .putHeader("content-type", "application/json")
                  .end(
                      new JsonObject()
                          .put("restartId", recorded.restartId())
                          .put("deviceId", recorded.deviceId())
                          .put("channel", signed.restart().channel())
                          .put("resumeSequence", signed.restart().resumeSequence())
                          .put("duplicate", recorded.duplicate())
                          .encode());
            });
  }

  /**
   * A refused batch or restart as the API answers it: the reason is the code; status and field
   * follow from it.
   */
  static ApiError refused(IngestRefusal e) {
    return switch (e.reason()) {
      case STALE_BATCH -> ApiError.badRequest(e.reason().name(), e.getMessage(), "sentAt");
      case BAD_BATCH_SIGNATURE, BAD_RESTART_SIGNATURE ->
          new ApiError(401, e.reason().name(), e.getMessage(), "signature");
      case UNKNOWN_DEVICE, DEVICE_NOT_ACTIVE ->
          new ApiError(401, e.reason().name(), e.getMessage(), "deviceKey");
      case REPLAYED_BATCH -> ApiError.conflict(e.reason().name(), e.getMessage(), "batchNonce");
      case STALE_RESTART -> ApiError.badRequest(e.reason().name(), e.getMessage(), "restartedAt");
      case CHAIN_MOVED -> ApiError.conflict(e.reason().name(), e.getMessage(), "lastSequence");
    };
  }

  /**
   * The batch in protocol terms; 400 naming the field for anything malformed, 413 beyond 500
   * readings.
   */
  static ReadingIngest.Batch parse(String text) {
    Map<String, Object> body;
    try {
      body = Json.parseObject(text);
    } catch (FormatException e) {
      throw ApiError.badRequest("MALFORMED_BATCH", e.getMessage(), null);
    }
    field(
        "batch",
        () -> {
          Json.requireOnly(
              body, "the batch", "deviceKey", "batchNonce", "sentAt", "readings", "signature");
          return null;
        });
    List<Object> items = field("readings", () -> Json.array(body, "readings"));
    if (items.size() > ReadingIngest.MAX_READINGS) {
      throw new ApiError(
          413,
          "TOO_MANY_READINGS",
          "at most " + ReadingIngest.MAX_READINGS + " readings per batch, got " + items.size(),
          "readings");
    }
    PublicKey deviceKey =
        field("deviceKey", () -> PublicKey.fromHex(Json.string(body, "deviceKey")));
    byte[] nonce = field("batchNonce", () -> hex(Json.string(body, "batchNonce"), 16));
    Instant sentAt =
        field("sentAt", () -> ReadingCodec.parseInstant(Json.string(body, "sentAt"), "sentAt"));
    byte[] signature = field("signature", () -> hex(Json.string(body, "signature"), -1));
    List<SignedReading> readings = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      readings.add(
          field(
              "readings[" + i + "]",
              () -> {
                if (!(item instanceof Map<?, ?>)) {
                  throw new FormatException("a reading must be a JSON object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) item;
                return ReadingCodec.signedFromJson(m, deviceKey);
              }));
    }
    return new ReadingIngest.Batch(deviceKey, nonce, sentAt, readings, signature);
  }

  /** Hex of exactly {@code length} bytes (any length when negative). */
  private static byte[] hex(String text, int length) {
    byte[] bytes = java.util.HexFormat.of().parseHex(text);
    if (length >= 0 && bytes.length != length) {
      throw new IllegalArgumentException("expected " + length + " bytes, got " + bytes.length);
    }
    return bytes;
  }

  private static <T> T field(String name, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (FormatException
        | IllegalArgumentException
        | DateTimeException
        | ArithmeticException e) {
      throw ApiError.badRequest("MALFORMED_BATCH", name + ": " + e.getMessage(), name);
    }
  }

  private void list(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long mpId = ((Number) ApiRequests.query(ctx, "meteringPoint")).longValue();
    Instant from = ApiRequests.instant(ApiRequests.query(ctx, "from"), "from");
    Instant to = ApiRequests.instant(ApiRequests.query(ctx, "to"), "to");
    Object limitParam = ApiRequests.query(ctx, "limit");
    int limit = limitParam == null ? DEFAULT_LIMIT : ((Number) limitParam).intValue();
    if (!to.isAfter(from)) {
      ctx.fail(ApiError.badRequest("INVALID_RANGE", "to must be after from", "to"));
      return;
    }
    if ("csv".equals(ApiRequests.query(ctx, "format"))) {
      csv(ctx, caller, mpId, from, to);
      return;
    }
    blocking.respond(
        ctx,
        200,
        () -> {
          MeteringPointRecord mp = MeteringPointRoutes.visible(points, caller, mpId);
          JsonArray items = new JsonArray();
          List<ReadingStore.StoredReading> found = readings.readings(mp.getId(), from, to, limit);
          Map<String, JsonObject> anchored =
              anchors.of(AnchorStates.READING, found.stream().map(ReadingRoutes::ref).toList());
          for (ReadingStore.StoredReading r : found) {
            items.add(
                new JsonObject()
                    .put("deviceId", r.deviceId())
                    .put("receivedAt", r.receivedAt().toString())
                    .put("reading", new JsonObject(Json.write(r.reading().toJson())))
                    .put("anchor", anchored.get(ref(r))));
          }
          JsonArray gaps = new JsonArray();
          for (ReadingStore.StoredRestart g : readings.restarts(mp.getId(), from, to)) {
            gaps.add(
                new JsonObject()
                    .put("deviceId", g.deviceId())
                    .put("channel", g.channel())
                    .put("lastSequence", g.lastSequence())
                    .put("resumeSequence", g.resumeSequence())
                    .put("reason", g.reason())
                    .put("restartedAt", g.restartedAt().toString())
                    .put("gapFrom", g.gapFrom() == null ? null : g.gapFrom().toString())
                    .put("gapTo", g.gapTo() == null ? null : g.gapTo().toString()));
          }
          return new JsonObject()
              .put("meteringPointId", mp.getId())
              .put("readings", items)
              .put("chainRestarts", gaps);
        });
  }

  /**
   * Every reading of the period as CSV, a day at a time so a year of readings streams through
   * without being held in memory.
   */
  private void csv(RoutingContext ctx, Caller caller, long mpId, Instant from, Instant to) {
    HttpServerResponse response = ctx.response();
    blocking
        .run(() -> MeteringPointRoutes.visible(points, caller, mpId).getId())
        .compose(
            id -> {
              response
                  .setChunked(true)
                  .putHeader("content-type", "text/csv; charset=utf-8")
                  .write(
                      "meteringPointId,deviceId,meterChannel,sequence,takenAt,importWh,exportWh,"
                          + "powerW,flags,readingHash,signature\r\n");
              return csvDays(response, id, from, to);
            })
        .onSuccess(v -> response.end())
        .onFailure(
            e -> {
              if (response.headWritten()) {
                response.reset();
              } else {
                ctx.fail(e);
              }
            });
  }

  private Future<Void> csvDays(HttpServerResponse response, long mpId, Instant from, Instant to) {
    if (!from.isBefore(to) || response.closed()) {
      return Future.succeededFuture();
    }
    Instant end = from.plus(Duration.ofDays(1)).isBefore(to) ? from.plus(Duration.ofDays(1)) : to;
    return blocking
        .run(
            () -> {
              StringBuilder sb = new StringBuilder();
              HexFormat hex = HexFormat.of();
              for (ReadingStore.StoredReading r :
                  readings.readings(mpId, from, end, Integer.MAX_VALUE)) {
                MeterReading m = r.reading().reading();
                sb.append(mpId)
                    .append(',')
                    .append(r.deviceId())
                    .append(',')
                    .append(m.channel())
                    .append(',')
                    .append(m.sequence())
                    .append(',')
                    .append(m.takenAt())
                    .append(',')
                    .append(m.importWh())
                    .append(',')
                    .append(m.exportWh())
                    .append(',')
                    .append(m.powerW())
                    .append(',')
                    .append(ReadingFlag.toBits(m.flags()))
                    .append(',')
                    .append(hex.formatHex(r.reading().hash()))
                    .append(',')
                    .append(hex.formatHex(r.reading().signature()))
                    .append("\r\n");
              }
              return sb.toString();
            })
        .compose(text -> text.isEmpty() ? Future.succeededFuture() : response.write(text))
        .compose(v -> csvDays(response, mpId, end, to));
  }

  /** A reading as anchors name it: device/channel/sequence. */
  private static String ref(ReadingStore.StoredReading r) {
    return r.deviceId()
        + "/"
        + r.reading().reading().channel()
        + "/"
        + r.reading().reading().sequence();
  }
}
