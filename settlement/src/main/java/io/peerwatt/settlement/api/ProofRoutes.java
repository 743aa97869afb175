package io.peerwatt.settlement.api;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.DeviceRequests;
import io.peerwatt.http.DeviceRequests.DeviceCaller;
import io.peerwatt.http.DeviceRequests.SignedRequest;
import io.peerwatt.http.Handlers;
import io.peerwatt.http.Role;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.settlement.anchor.ItemOwners;
import io.peerwatt.settlement.anchor.ItemRef;
import io.peerwatt.settlement.anchor.JdbcAnchorStore;
import io.peerwatt.settlement.anchor.ProofBundles;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The proof and chain API ({@code /api/v1}): proof bundles of readings, trades, statements,
 * reports, device enrolments, consents and delivered flexibility for the item's owner, a utility of
 * its zone or an operator; the header chain and the platform key a verifier trusts.
 */
public final class ProofRoutes implements ApiResource {
  /** Most headers one request may ask for. */
  static final int MAX_HEADERS = 2_000;

  private final ItemOwners owners;
  private final JdbcAnchorStore anchors;
  private final Handlers handlers;
  private final ProofBundles proofs;
  private final ChainBackend chain;
  private final PublicKey platformKey;
  private final DeviceRequests devices;

  /**
   * @param owners whose items are, so proofs go to them
   * @param anchors the anchors, for the certificates of an installation anchored so far
   * @param proofs the bundles of anchored items
   * @param chain the platform's chain, whichever kind it is: the headers endpoint reads it
   * @param platformKey the public key of the platform's signing key (what verifiers trust)
   * @param devices authenticates a gateway asking for the proofs of its own readings
   */
  public ProofRoutes(
      ItemOwners owners,
      JdbcAnchorStore anchors,
      ProofBundles proofs,
      ChainBackend chain,
      PublicKey platformKey,
      DeviceRequests devices,
      Blocking blocking) {
    this.owners = owners;
    this.anchors = anchors;
    this.handlers = new Handlers(blocking);
    this.proofs = proofs;
    this.chain = chain;
    this.platformKey = platformKey;
    this.devices = devices;
  }

  @Override
  public void addTo(Router api) {
    api.get("/proofs/readings/:deviceId/:channel/:sequence").handler(handlers.ok(this::reading));
    api.get("/proofs/trades/:id").handler(handlers.ok(this::trade));
    api.get("/proofs/statements/:accountId/:zone/:slot/:version")
        .handler(handlers.ok(this::statement));
    api.get("/proofs/reports/:hash").handler(handlers.ok(this::report));
    api.get("/proofs/enrolments/:deviceId").handler(handlers.ok(this::enrolment));
    api.get("/proofs/consents/:grantId/:event").handler(handlers.ok(this::consent));
    api.get("/proofs/flexibility/:acceptanceId").handler(handlers.ok(this::flexibility));
    api.get("/gateway/proofs/readings/:channel/:sequence").handler(handlers.ok(this::ownReading));
    api.get("/chain/headers").handler(handlers.ok(this::headers));
    api.get("/chain/platform-key").handler(handlers.ok(this::platformKeyRoute));
  }

  private Callable<JsonObject> reading(RoutingContext rc) {
    Caller caller = ApiRequests.caller(rc);
    long deviceId = ApiRequests.pathLong(rc, "deviceId");
    long channel = ApiRequests.pathLong(rc, "channel");
    long sequence = ApiRequests.pathLong(rc, "sequence");
    return () -> {
      if (!maySeeDevice(caller, deviceId)) {
        throw ApiError.notFound("reading");
      }
      return answer(AnchorItemKind.READING, ItemRef.reading(deviceId, (int) channel, sequence));
    };
  }

  /**
   * A gateway's own reading, for its light client: the request is signed with the device key, and
   * the reading is the signing device's.
   */
  private Callable<JsonObject> ownReading(RoutingContext rc) {
    SignedRequest request = SignedRequest.of(rc);
    long channel = ApiRequests.pathLong(rc, "channel");
    long sequence = ApiRequests.pathLong(rc, "sequence");
    return () -> {
      DeviceCaller device = devices.authenticate(request);
      return answer(
          AnchorItemKind.READING, ItemRef.reading(device.deviceId(), (int) channel, sequence));
    };
  }

  /**
   * The newest anchored certificate of a device, or with {@code serial} that certificate. A
   * device's certificates are its own and those of the devices it replaced by key rotation, so the
   * certificates of one installation stay provable after its key changed.
   */
  private Callable<JsonObject> enrolment(RoutingContext rc) {
    Caller caller = ApiRequests.caller(rc);
    long deviceId = ApiRequests.pathLong(rc, "deviceId");
    Object serial = ApiRequests.query(rc, "serial");
    return () -> {
      if (!maySeeDevice(caller, deviceId)) {
        throw ApiError.notFound("device");
      }
      List<Long> serials = owners.certificateSerials(deviceId);
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
      Map<String, String> anchored = anchors.anchorTxids(AnchorItemKind.ENROLMENT, refs);
      // none anchored yet: the newest one, which answers NOT_ANCHORED
      return answer(
          AnchorItemKind.ENROLMENT,
          refs.stream().filter(anchored::containsKey).findFirst().orElse(refs.get(0)));
    };
  }

  /** The owner of the device's metering point, a utility of its zone, or an operator. */
  private boolean maySeeDevice(Caller caller, long deviceId) {
    return owners
        .ofDevice(deviceId)
        .filter(o -> maySee(caller, o.accountIds(), o.zoneCode()))
        .isPresent();
  }

  /**
   * A data-sharing consent (a grant made, or revoked): for its household, the grant's third party
   * and operators; 404 for anyone else.
   */
  private Callable<JsonObject> consent(RoutingContext rc) {
    Caller caller = ApiRequests.caller(rc);
    long grantId = ApiRequests.pathLong(rc, "grantId");
    String event = ApiRequests.pathString(rc, "event");
    return () -> {
      if (!caller.isOperator() && !owners.consentParties(grantId).contains(caller.accountId())) {
        throw ApiError.notFound("consent");
      }
      return answer(AnchorItemKind.CONSENT, ItemRef.consent(grantId, event));
    };
  }

  /**
   * The delivery record of a flexibility acceptance: for its household, a utility of its zone (the
   * grid operator) and operators; 404 for anyone else.
   */
  private Callable<JsonObject> flexibility(RoutingContext rc) {
    Caller caller = ApiRequests.caller(rc);
    long acceptanceId = ApiRequests.pathLong(rc, "acceptanceId");
    return () -> {
      if (owners
          .ofFlexibility(acceptanceId)
          .filter(o -> maySee(caller, o.accountIds(), o.zoneCode()))
          .isEmpty()) {
        throw ApiError.notFound("flexibility acceptance");
      }
      return answer(AnchorItemKind.FLEXIBILITY, ItemRef.flexibility(acceptanceId));
    };
  }

  private Callable<JsonObject> trade(RoutingContext rc) {
    Caller caller = ApiRequests.caller(rc);
    long id = ApiRequests.pathLong(rc, "id");
    return () -> {
      if (owners.ofTrade(id).filter(o -> maySee(caller, o.accountIds(), o.zoneCode())).isEmpty()) {
        throw ApiError.notFound("trade");
      }
      return answer(AnchorItemKind.TRADE, ItemRef.trade(id));
    };
  }

  private Callable<JsonObject> statement(RoutingContext rc) {
    Caller caller = ApiRequests.caller(rc);
    long accountId = ApiRequests.pathLong(rc, "accountId");
    String zone = ApiRequests.pathString(rc, "zone");
    String slot = ApiRequests.pathString(rc, "slot");
    long version = ApiRequests.pathLong(rc, "version");
    long slotStart =
        OffsetDateTime.parse(slot.contains("/") ? slot.substring(0, slot.indexOf('/')) : slot)
            .toEpochSecond();
    return () -> {
      if (!maySee(caller, List.of(accountId), zone)) {
        throw ApiError.notFound("statement");
      }
      return answer(
          AnchorItemKind.STATEMENT, ItemRef.statement(accountId, zone, slotStart, (int) version));
    };
  }

  /** Reports are for utilities and operators: their hash is public once anchored. */
  private Callable<JsonObject> report(RoutingContext rc) {
    ApiRequests.caller(rc).require(Role.UTILITY, Role.OPERATOR);
    String hash = ApiRequests.pathString(rc, "hash").toLowerCase(java.util.Locale.ROOT);
    return () -> answer(AnchorItemKind.REPORT, hash);
  }

  /** The owner (one of {@code accounts}), a utility of {@code zone}, or an operator. */
  static boolean maySee(Caller caller, List<Long> accounts, String zone) {
    return caller.isOperator()
        || caller.role() == Role.UTILITY && zone != null && zone.equals(caller.zoneCode())
        || accounts.contains(caller.accountId());
  }

  private JsonObject answer(AnchorItemKind kind, String ref) {
    return answer(proofs, kind, ref);
  }

  /**
   * The proof bundle of item {@code ref} as JSON; 404 NOT_ANCHORED before its anchor, 409
   * ANCHOR_NOT_MINED before the anchor's block. Blocking.
   */
  static JsonObject answer(ProofBundles proofs, AnchorItemKind kind, String ref) {
    ProofBundles.Answer a = proofs.bundle(kind, ref);
    return switch (a.state()) {
      case NOT_ANCHORED ->
          throw new ApiError(
              404,
              "NOT_ANCHORED",
              "this " + kind.jsonName() + " is not anchored yet (" + whenAnchored(kind) + ")",
              null);
      case NOT_MINED ->
          throw new ApiError(
              409,
              "ANCHOR_NOT_MINED",
              "anchored in transaction "
                  + a.anchorTxid()
                  + ", which is not mined yet; ask again after the next block",
              null);
      case PROVABLE -> new JsonObject(a.bundle().toJsonText());
    };
  }

  private static String whenAnchored(AnchorItemKind kind) {
    return switch (kind) {
      case ENROLMENT ->
          "certificates are anchored once the quarter-hour they were issued in has ended";
      case FLEXIBILITY ->
          "a delivery is anchored once every slot of its request is settled and its statements"
              + " are complete";
      default -> "slots are anchored after settlement";
    };
  }

  private Callable<JsonObject> headers(RoutingContext rc) {
    Object from = ApiRequests.query(rc, "from");
    Object count = ApiRequests.query(rc, "count");
    long fromHeight = from == null ? 0 : ((Number) from).longValue();
    int n = count == null ? 100 : (int) Math.min(MAX_HEADERS, ((Number) count).longValue());
    return () -> {
      JsonArray headers = new JsonArray();
      for (ChainHeader h : chain.headers(fromHeight, n)) {
        headers.add(
            new JsonObject()
                .put("height", h.height())
                .put("hash", h.hashHex())
                .put("header", HexFormat.of().formatHex(h.header())));
      }
      return new JsonObject().put("network", chain.network()).put("headers", headers);
    };
  }

  private Callable<JsonObject> platformKeyRoute(RoutingContext rc) {
    return () ->
        new JsonObject().put("publicKey", platformKey.hex()).put("network", chain.network());
  }
}
