package io.peerwatt.settlement.anchor;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.TRADE;

import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.trading.ApiContext;
import io.peerwatt.trading.ApiError;
import io.peerwatt.trading.ApiRoutes;
import io.peerwatt.trading.Caller;
import io.peerwatt.trading.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jooq.Record;

/**
 * The proof and chain API ({@code /api/v1}): proof bundles of readings, trades, statements, reports and
 * device enrolments for the item's owner, a utility of its zone or an operator; the header chain and the
 * platform key a verifier trusts. The chain backend is handed in by the platform with {@link #useChain}
 * (ApiRoutes are created by the ServiceLoader); until then the headers endpoint answers 503.
 */
public final class ProofRoutes implements ApiRoutes {
  private static final AtomicReference<ChainBackend> CHAIN = new AtomicReference<>();
  /** Most headers one request may ask for. */
  static final int MAX_HEADERS = 2_000;
  static final String SIGNING_KEY_FILE = "platform-signing.key";

  private ApiContext context;
  private ProofBundles proofs;
  private PrivateKey platformKey;

  /** The chain backend the headers endpoint reads (the platform's, whichever kind it is). */
  public static void useChain(ChainBackend chain) {
    CHAIN.set(chain);
  }

  @Override
  public void addTo(Router api, ApiContext ctx) {
    this.context = ctx;
    api.get("/proofs/readings/:deviceId/:channel/:sequence").handler(this::reading);
    api.get("/proofs/trades/:id").handler(this::trade);
    api.get("/proofs/statements/:accountId/:zone/:slot/:version").handler(this::statement);
    api.get("/proofs/reports/:hash").handler(this::report);
    api.get("/proofs/enrolments/:deviceId").handler(this::enrolment);
    api.get("/chain/headers").handler(this::headers);
    api.get("/chain/platform-key").handler(this::platformKeyRoute);
  }

  /** The platform signing key trading-core keeps in {@code <data-dir>/keys} (created at its start). */
  private synchronized ProofBundles proofs() {
    if (proofs == null) {
      platformKey = readPlatformKey(context.settings().dataDir());
      proofs = new ProofBundles(new JdbcAnchorStore(context.dsl()), new JdbcAnchorSource(context.dsl(),
          Duration.ZERO, Duration.ZERO), platformKey);
    }
    return proofs;
  }

  /** The platform signing key trading-core keeps in {@code <data-dir>/keys/platform-signing.key}. */
  public static PrivateKey readPlatformKey(Path dataDir) {
    Path file = dataDir.resolve("keys").resolve(SIGNING_KEY_FILE);
    try {
      return PrivateKey.fromBytes(HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).strip()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the platform signing key " + file, e);
    }
  }

  private void reading(RoutingContext rc) {
    Caller caller = ApiContext.caller(rc);
    long deviceId = ApiContext.pathLong(rc, "deviceId");
    long channel = ApiContext.pathLong(rc, "channel");
    long sequence = ApiContext.pathLong(rc, "sequence");
    ApiContext.respond(rc, 200, context.blocking(() -> {
      if (!maySeeDevice(caller, deviceId)) {
        throw ApiError.notFound("reading");
      }
      return answer(AnchorItemKind.READING, ItemRef.reading(deviceId, (int) channel, sequence));
    }));
  }

  /**
   * The newest anchored certificate of a device, or with {@code serial} that certificate. A device's
   * certificates are its own and those of the devices it replaced by key rotation, so the certificates
   * of one installation stay provable after its key changed.
   */
  private void enrolment(RoutingContext rc) {
    Caller caller = ApiContext.caller(rc);
    long deviceId = ApiContext.pathLong(rc, "deviceId");
    Object serial = ApiContext.query(rc, "serial");
    ApiContext.respond(rc, 200, context.blocking(() -> {
      if (!maySeeDevice(caller, deviceId)) {
        throw ApiError.notFound("device");
      }
      List<Long> serials = certificateSerials(deviceId);
      if (serial != null) {
        long wanted = ((Number) serial).longValue();
        if (!serials.contains(wanted)) {
          throw ApiError.notFound("certificate " + wanted + " of device " + deviceId);
        }
        return answer(AnchorItemKind.ENROLMENT, ItemRef.enrolment(wanted));
      }
      if (serials.isEmpty()) {
        throw ApiError.notFound("certificate of device " + deviceId);
      }
      List<String> refs = serials.stream().map(ItemRef::enrolment).toList();
      Map<String, String> anchored = new JdbcAnchorStore(context.dsl()).anchorTxids(AnchorItemKind.ENROLMENT, refs);
      // none anchored yet: the newest one, which answers NOT_ANCHORED
      return answer(AnchorItemKind.ENROLMENT, refs.stream().filter(anchored::containsKey).findFirst()
          .orElse(refs.get(0)));
    }));
  }

  /** The owner of the device's metering point, a utility of its zone, or an operator. */
  private boolean maySeeDevice(Caller caller, long deviceId) {
    Record owner = context.dsl().select(METERING_POINT.ACCOUNT_ID, METERING_POINT.ZONE_CODE).from(DEVICE)
        .join(METERING_POINT).on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
        .where(DEVICE.ID.eq(deviceId)).fetchOne();
    return owner != null && maySee(caller, List.of(owner.get(METERING_POINT.ACCOUNT_ID)),
        owner.get(METERING_POINT.ZONE_CODE));
  }

  /**
   * Serials of the certificates issued to the device and to the devices it superseded (transitively),
   * newest first.
   */
  private List<Long> certificateSerials(long deviceId) {
    List<Long> devices = new ArrayList<>(List.of(deviceId));
    for (int i = 0; i < devices.size(); i++) {
      for (long replaced : context.dsl().select(DEVICE.ID).from(DEVICE).where(DEVICE.SUPERSEDED_BY.eq(devices.get(i)))
          .fetch(DEVICE.ID)) {
        if (!devices.contains(replaced)) {
          devices.add(replaced);
        }
      }
    }
    return context.dsl().select(DEVICE.CERTIFICATE_SERIAL).from(DEVICE).where(DEVICE.ID.in(devices))
        .and(DEVICE.CERTIFICATE_SERIAL.isNotNull()).orderBy(DEVICE.CERTIFICATE_SERIAL.desc())
        .fetch(DEVICE.CERTIFICATE_SERIAL);
  }

  private void trade(RoutingContext rc) {
    Caller caller = ApiContext.caller(rc);
    long id = ApiContext.pathLong(rc, "id");
    ApiContext.respond(rc, 200, context.blocking(() -> {
      Record t = context.dsl().select(TRADE.BUYER_ACCOUNT_ID, TRADE.SELLER_ACCOUNT_ID, TRADE.ZONE_CODE).from(TRADE)
          .where(TRADE.ID.eq(id)).fetchOne();
      if (t == null || !maySee(caller, List.of(t.get(TRADE.BUYER_ACCOUNT_ID), t.get(TRADE.SELLER_ACCOUNT_ID)),
          t.get(TRADE.ZONE_CODE))) {
        throw ApiError.notFound("trade");
      }
      return answer(AnchorItemKind.TRADE, ItemRef.trade(id));
    }));
  }

  private void statement(RoutingContext rc) {
    Caller caller = ApiContext.caller(rc);
    long accountId = ApiContext.pathLong(rc, "accountId");
    String zone = ApiContext.pathString(rc, "zone");
    String slot = ApiContext.pathString(rc, "slot");
    long version = ApiContext.pathLong(rc, "version");
    long slotStart = OffsetDateTime.parse(slot.contains("/") ? slot.substring(0, slot.indexOf('/')) : slot)
        .toEpochSecond();
    ApiContext.respond(rc, 200, context.blocking(() -> {
      if (!maySee(caller, List.of(accountId), zone)) {
        throw ApiError.notFound("statement");
      }
      return answer(AnchorItemKind.STATEMENT, ItemRef.statement(accountId, zone, slotStart, (int) version));
    }));
  }

  /** Reports are for utilities and operators: their hash is public once anchored. */
  private void report(RoutingContext rc) {
    ApiContext.caller(rc).require(Role.UTILITY, Role.OPERATOR);
    String hash = ApiContext.pathString(rc, "hash").toLowerCase(java.util.Locale.ROOT);
    ApiContext.respond(rc, 200, context.blocking(() -> answer(AnchorItemKind.REPORT, hash)));
  }

  /** The owner (one of {@code accounts}), a utility of {@code zone}, or an operator. */
  static boolean maySee(Caller caller, List<Long> accounts, String zone) {
    return caller.isOperator()
        || caller.role() == Role.UTILITY && zone != null && zone.equals(caller.zoneCode())
        || accounts.contains(caller.accountId());
  }

  private JsonObject answer(AnchorItemKind kind, String ref) {
    ProofBundles.Answer a = proofs().bundle(kind, ref);
    return switch (a.state()) {
      case NOT_ANCHORED -> throw new ApiError(404, "NOT_ANCHORED", "this " + kind.jsonName()
          + " is not anchored yet (" + (kind == AnchorItemKind.ENROLMENT
              ? "certificates are anchored once the quarter-hour they were issued in has ended"
              : "slots are anchored after settlement") + ")", null);
      case NOT_MINED -> throw new ApiError(409, "ANCHOR_NOT_MINED", "anchored in transaction " + a.anchorTxid()
          + ", which is not mined yet; ask again after the next block", null);
      case PROVABLE -> new JsonObject(a.bundle().toJsonText());
    };
  }

  private void headers(RoutingContext rc) {
    Object from = ApiContext.query(rc, "from");
    Object count = ApiContext.query(rc, "count");
    long fromHeight = from == null ? 0 : ((Number) from).longValue();
    int n = count == null ? 100 : (int) Math.min(MAX_HEADERS, ((Number) count).longValue());
    ApiContext.respond(rc, 200, context.blocking(() -> {
      ChainBackend chain = CHAIN.get();
      if (chain == null) {
        throw new ApiError(503, "CHAIN_UNAVAILABLE", "the chain backend is not connected", null);
      }
      JsonArray headers = new JsonArray();
      for (ChainHeader h : chain.headers(fromHeight, n)) {
        headers.add(new JsonObject().put("height", h.height()).put("hash", h.hashHex())
            .put("header", HexFormat.of().formatHex(h.header())));
      }
      return new JsonObject().put("network", chain.network()).put("headers", headers);
    }));
  }

  private void platformKeyRoute(RoutingContext rc) {
    ApiContext.respond(rc, 200, context.blocking(() -> {
      proofs();
      ChainBackend chain = CHAIN.get();
      return new JsonObject().put("publicKey", platformKey.publicKey().hex())
          .put("network", chain == null ? null : chain.network());
    }));
  }
}
