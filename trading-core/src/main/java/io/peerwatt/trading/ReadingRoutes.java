package io.peerwatt.trading;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.READING;

import io.peerwatt.db.schema.tables.records.MeteringPointRecord;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.SignedReading;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /readings}: device-signed upload batches (no token: the device key authenticates them),
 * and {@code GET /readings}: stored readings of one metering point for its owner, the utility of its
 * zone or an operator.
 */
final class ReadingRoutes {
  static final int DEFAULT_LIMIT = 1000;

  private final ApiContext api;

  ReadingRoutes(ApiContext api) {
    this.api = api;
  }

  void addTo(Router router) {
    router.post("/readings").handler(this::upload);
    router.get("/readings").handler(this::list);
  }

  private void upload(RoutingContext ctx) {
    ReadingIngest.Batch batch;
    try {
      batch = parse(ctx.body().asString());
    } catch (ApiError e) {
      ctx.fail(e);
      return;
    }
    ApiContext.respond(ctx, 200, api.blocking(() -> {
      List<ReadingIngest.Result> results = ReadingIngest.ingest(api.dsl(), batch, api.clock().instant(),
          api.settings().maxClockSkew());
      JsonArray items = new JsonArray();
      int[] counts = new int[ReadingIngest.Status.values().length];
      for (ReadingIngest.Result r : results) {
        counts[r.status().ordinal()]++;
        items.add(new JsonObject()
            .put("channel", r.channel())
            .put("sequence", r.sequence())
            .put("status", r.status().name().toLowerCase(Locale.ROOT))
            .put("reason", r.reason() == null ? null : r.reason().name()));
      }
      return new JsonObject().put("results", items)
          .put("accepted", counts[ReadingIngest.Status.ACCEPTED.ordinal()])
          .put("duplicates", counts[ReadingIngest.Status.DUPLICATE.ordinal()])
          .put("rejected", counts[ReadingIngest.Status.REJECTED.ordinal()]);
    }));
  }

  /** The batch in protocol terms; 400 naming the field for anything malformed, 413 beyond 500 readings. */
  static ReadingIngest.Batch parse(String text) {
    Map<String, Object> body;
    try {
      body = Json.parseObject(text);
    } catch (FormatException e) {
      throw ApiError.badRequest("MALFORMED_BATCH", e.getMessage(), null);
    }
    List<Object> items = field("readings", () -> Json.array(body, "readings"));
    if (items.size() > ReadingIngest.MAX_READINGS) {
      throw new ApiError(413, "TOO_MANY_READINGS", "at most " + ReadingIngest.MAX_READINGS
          + " readings per batch, got " + items.size(), "readings");
    }
    PublicKey deviceKey = field("deviceKey", () -> PublicKey.fromHex(Json.string(body, "deviceKey")));
    byte[] nonce = field("batchNonce", () -> hex(Json.string(body, "batchNonce"), 16));
    Instant sentAt = field("sentAt", () -> ReadingCodec.parseInstant(Json.string(body, "sentAt"), "sentAt"));
    byte[] signature = field("signature", () -> hex(Json.string(body, "signature"), -1));
    List<SignedReading> readings = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      readings.add(field("readings[" + i + "]", () -> {
        if (!(item instanceof Map<?, ?>)) {
          throw new FormatException("a reading must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) item;
        return SignedReading.fromJson(m);
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
    } catch (FormatException | IllegalArgumentException | DateTimeException | ArithmeticException e) {
      throw ApiError.badRequest("MALFORMED_BATCH", name + ": " + e.getMessage(), name);
    }
  }

  private void list(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx);
    long mpId = ((Number) ApiContext.query(ctx, "meteringPoint")).longValue();
    Instant from = instant(ApiContext.query(ctx, "from"), "from");
    Instant to = instant(ApiContext.query(ctx, "to"), "to");
    Object limitParam = ApiContext.query(ctx, "limit");
    int limit = limitParam == null ? DEFAULT_LIMIT : ((Number) limitParam).intValue();
    if (!to.isAfter(from)) {
      ctx.fail(ApiError.badRequest("INVALID_RANGE", "to must be after from", "to"));
      return;
    }
    ApiContext.respond(ctx, 200, api.blocking(() -> {
      MeteringPointRecord mp = MeteringPointRoutes.visible(api.dsl(), caller, mpId);
      JsonArray items = new JsonArray();
      api.dsl().select(READING.DEVICE_ID, READING.ENCODED, READING.SIGNATURE, READING.RECEIVED_AT)
          .from(READING).join(DEVICE).on(DEVICE.ID.eq(READING.DEVICE_ID))
          .where(DEVICE.METERING_POINT_ID.eq(mp.getId()))
          .and(READING.TAKEN_AT.ge(DeviceRoutes.utc(from)))
          .and(READING.TAKEN_AT.lt(DeviceRoutes.utc(to)))
          .orderBy(READING.TAKEN_AT, READING.DEVICE_ID, READING.METER_CHANNEL, READING.SEQUENCE)
          .limit(limit)
          .fetch()
          .forEach(r -> {
            SignedReading s = new SignedReading(ReadingCodec.decode(r.value2()), r.value3());
            items.add(new JsonObject()
                .put("deviceId", r.value1())
                .put("receivedAt", r.value4().toInstant().toString())
                .put("reading", new JsonObject(Json.write(s.toJson()))));
          });
      return new JsonObject().put("meteringPointId", mp.getId()).put("readings", items);
    }));
  }

  private static Instant instant(Object value, String field) {
    try {
      return Instant.parse(String.valueOf(value));
    } catch (DateTimeException e) {
      throw ApiError.badRequest("INVALID_TIME", field + " must be an ISO-8601 UTC instant", field);
    }
  }
}
