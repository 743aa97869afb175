package io.peerwatt.deploy.demo;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementLine;
import io.peerwatt.settlement.JdbcStatementStore;
import io.peerwatt.settlement.SlotKey;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's one flexibility event. A few slots in, the demo acts as the zone's grid operator: it
 * has the operator issue it a business-logic client credential and, over the platform's OpenADR 3
 * VTN ({@code /openadr3/3.1.0}) as any outside client would, creates a program and an event capping
 * the zone's import ({@code IMPORT_CAPACITY_LIMIT}) with a price per kWh of flexibility. The
 * households with a battery ({@link HomeBattery}) accept the zone's request through the API; their
 * gateways fetch the signed per-device events and discharge their batteries over Modbus. Once the
 * event's last slot is done, it prints per slot the requested, accepted and delivered power, and
 * what each home is due (delivered kWh at the event's price).
 */
final class FlexibilityEvent {
  private static final Logger log = LoggerFactory.getLogger(FlexibilityEvent.class);

  /** How many slots after the first traded one the event starts (fewer in a shorter run). */
  static final int SLOTS_IN = 2;

  /** How many slots it lasts (fewer when the run ends sooner). */
  static final int LENGTH_SLOTS = 2;

  /** The grid operator announces the event this long before it starts (simulated time). */
  static final Duration ANNOUNCED_AHEAD = Duration.ofMinutes(15);

  /**
   * How much the operator asks each battery home taking part to take off the feeder (in all at most
   * half the feeder's load).
   */
  static final long RELIEF_PER_BATTERY_W = 500;

  /**
   * How many battery homes take part: each accepts through the API one after another, and with
   * hundreds of homes the request would start before the last of them had accepted.
   */
  static final int ACCEPTING_HOMES_AT_MOST = 12;

  /** The operator's price for flexibility: 0.25 EUR per kWh, in 0.001 ct per kWh. */
  static final long PRICE_MILLI_CT_PER_KWH = 25_000;

  static final BigDecimal PRICE_EUR_PER_KWH = new BigDecimal("0.25");

  /**
   * One slot of the event: what the request needed, what the homes accepted and delivered (W over
   * the slot), what their statements pay them for it (sats).
   */
  record SlotResult(
      Instant start, long requestedW, long acceptedW, long deliveredW, long paidSats) {}

  /** One home's acceptance: its id (the statement line's tradeId) and the power it took on. */
  private record Acceptance(Home home, long id, long watts) {}

  private final PlatformApi api;
  private final Neighbourhood neighbourhood;
  private final PrintStream out;
  private final JdbcStatementStore statements;
  private final GridOperator operator;

  private Instant start;
  private int lengthSlots;
  private String zone;
  private long feederSampleWh;
  private Instant feederSampleAt;
  private CompletableFuture<Void> announced;
  private CompletableFuture<Void> reported;
  private volatile String eventId;
  private volatile long requestId;
  private final List<Acceptance> acceptances = new ArrayList<>();
  private final List<SlotResult> results = new ArrayList<>();

  /** What the zone's request needs per slot (its own figure, as the households see it). */
  private final Map<Instant, Long> neededW = new ConcurrentSkipListMap<>();

  /**
   * What the statements pay the accepting homes for the event, sats (guarded by {@code results}).
   */
  private long paymentsSats;

  /**
   * @param statements the platform's statements, whose lines pay the homes for what they delivered
   */
  FlexibilityEvent(
      PlatformApi api,
      Neighbourhood neighbourhood,
      PrintStream out,
      JdbcStatementStore statements) {
    this.api = api;
    this.neighbourhood = neighbourhood;
    this.out = out;
    this.statements = statements;
    this.operator = new GridOperator(api);
  }

  /**
   * Places the event in the run: {@link #SLOTS_IN} slots after {@code firstSlot} for {@link
   * #LENGTH_SLOTS} slots, both cut to a run of {@code slots}; in the zone with the most battery
   * homes. No battery home: no event. Takes the first reading of the zone's feeder (the sum of its
   * homes' import counters), which the operator's limit is based on.
   */
  void plan(Instant firstSlot, Integer slots, Instant now) {
    int slotsIn = slots == null ? SLOTS_IN : Math.min(SLOTS_IN, slots - 1);
    lengthSlots = slots == null ? LENGTH_SLOTS : Math.min(LENGTH_SLOTS, slots - slotsIn);
    start = firstSlot.plus(Demo.SLOT.multipliedBy(slotsIn));
    Map<String, Long> batteries = new LinkedHashMap<>();
    for (Home h : neighbourhood.homes()) {
      if (h.battery().isPresent()) {
        batteries.merge(h.zone(), 1L, Long::sum);
      }
    }
    zone =
        batteries.entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(Map.Entry::getKey)
            .orElse(null);
    if (zone == null || lengthSlots < 1) {
      out.println("no flexibility event: no home with a battery in this run");
      zone = null;
      return;
    }
    feederSampleWh = feederImportWh();
    feederSampleAt = now;
    out.println(
        "flexibility: "
            + batteries.get(zone)
            + " home(s) of "
            + zone
            + " have a battery the platform may steer; the grid operator will cap the zone's import"
            + " from slot "
            + Demo.slotText(start)
            + " for "
            + lengthSlots
            + " slot(s)");
  }

  /** Announces the event when it is due ({@link #ANNOUNCED_AHEAD}), off the caller's thread. */
  void tick(Instant now) {
    if (zone != null && announced == null && !now.isBefore(start.minus(ANNOUNCED_AHEAD))) {
      long meanW = feederMeanW(now);
      announced =
          CompletableFuture.runAsync(() -> announceAndAccept(meanW))
              .whenComplete(
                  (ok, e) -> {
                    if (e != null) {
                      out.println(
                          "flexibility event failed: "
                              + (e.getCause() == null ? e : e.getCause()).getMessage());
                      log.warn("flexibility event failed", e);
                    }
                  });
    }
  }

  /** Reports the event once its last slot ({@code slot}, just done) is settled. */
  void slotDone(Instant slot) {
    if (announced != null
        && !announced.isCompletedExceptionally()
        && reported == null
        && slot.equals(start.plus(Demo.SLOT.multipliedBy(lengthSlots - 1)))) {
      reported =
          announced
              .thenRunAsync(this::report)
              .whenComplete(
                  (ok, e) -> {
                    if (e != null) {
                      out.println(
                          "flexibility results not read: "
                              + (e.getCause() == null ? e : e.getCause()).getMessage());
                      log.warn("flexibility results not read", e);
                    }
                  });
    }
  }

  /** Waits for the event's report if it was started. */
  void finish() {
    CompletableFuture<Void> last = reported != null ? reported : announced;
    if (last != null) {
      try {
        last.join();
      } catch (RuntimeException e) {
        // already printed by the step that failed
      }
    }
  }

  private long feederImportWh() {
    long wh = 0;
    for (Home h : neighbourhood.homes()) {
      if (h.zone().equals(zone)) {
        wh += h.meter().truth().importWh();
      }
    }
    return wh;
  }

  /** The zone's mean import since the first feeder reading, W. */
  private long feederMeanW(Instant now) {
    long seconds = Math.max(1, Duration.between(feederSampleAt, now).toSeconds());
    return (feederImportWh() - feederSampleWh) * 3_600 / seconds;
  }

  /**
   * As the grid operator: credential, token, program, event; then as each battery household of the
   * zone: its share of what the request needs, up to the owner's maximum.
   */
  private void announceAndAccept(long feederW) {
    List<Home> accepting =
        neighbourhood.homes().stream()
            .filter(h -> h.zone().equals(zone) && h.battery().isPresent())
            .limit(ACCEPTING_HOMES_AT_MOST)
            .toList();
    long batteryHomes = accepting.size();
    long limitW = feederW - Math.min(RELIEF_PER_BATTERY_W * batteryHomes, feederW / 2);
    eventId = operator.createEvent(zone, start, lengthSlots, limitW);
    out.println(
        "grid operator: OpenADR event "
            + eventId
            + " caps "
            + zone
            + "'s import at "
            + kw(limitW)
            + " kW (feeder now "
            + kw(feederW)
            + " kW) from "
            + Demo.slotText(start)
            + " for "
            + lengthSlots
            + " slot(s), paying "
            + PRICE_EUR_PER_KWH
            + " EUR/kWh of flexibility");
    for (Home h : accepting) {
      JsonObject request = requestAs(h);
      requestId = request.getLong("id");
      for (Object o : request.getJsonArray("slots")) {
        JsonObject slot = (JsonObject) o;
        neededW.put(Instant.parse(slot.getString("start")), slot.getLong("neededW"));
      }
      long mostNeededW = neededW.values().stream().mapToLong(Long::longValue).max().orElse(0);
      long watts =
          Math.min(HomeBattery.OWNER_MAX_POWER_W, (mostNeededW + batteryHomes - 1) / batteryHomes);
      if (watts <= 0) {
        out.println("  " + h.username() + ": nothing needed, not accepted");
        continue;
      }
      JsonObject acceptance =
          api.as(
              h.username(),
              Neighbourhood.HOME_PASSWORD,
              token ->
                  api.call(
                      "POST",
                      "/flex/requests/" + requestId + "/acceptances",
                      token,
                      new JsonObject()
                          .put("deviceId", h.deviceId())
                          .put("watts", watts)
                          .put("clientKey", "demo-" + eventId),
                      201));
      synchronized (acceptances) {
        acceptances.add(new Acceptance(h, acceptance.getLong("id"), watts));
      }
      out.println(
          "  "
              + h.username()
              + " accepts "
              + kw(watts)
              + " kW with its battery (device "
              + h.deviceId()
              + ")");
    }
  }

  /** The zone's request of the event as household {@code h} sees it. */
  private JsonObject requestAs(Home h) {
    JsonObject listing =
        api.as(
            h.username(),
            Neighbourhood.HOME_PASSWORD,
            token -> api.call("GET", "/flex/requests", token, new JsonObject(), 200));
    return listing.getJsonArray("requests").stream()
        .map(JsonObject.class::cast)
        .filter(r -> r.getString("eventId").equals(eventId))
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("event " + eventId + " made no request in " + zone));
  }

  /**
   * Per slot: the request's needed power, what the households accepted, and what their statements
   * of the slot pay them for it (the {@code FLEXIBILITY_DELIVERY} line of each acceptance: the
   * delivered Wh as settlement measured it, the amount and its satoshis); then each home's total.
   */
  private void report() {
    if (eventId == null) {
      return;
    }
    Map<Instant, long[]> bySlot = new LinkedHashMap<>();
    neededW.forEach((slot, w) -> bySlot.put(slot, new long[] {w, 0, 0, 0}));
    List<String> homeLines = new ArrayList<>();
    long paidSats = 0;
    List<Acceptance> accepted;
    synchronized (acceptances) {
      accepted = List.copyOf(acceptances);
    }
    for (Acceptance a : accepted) {
      long homeDeliveredWh = 0;
      long homeAmount = 0;
      long homeSats = 0;
      for (Map.Entry<Instant, long[]> slot : bySlot.entrySet()) {
        slot.getValue()[1] += a.watts();
        Statement statement =
            statements
                .latestStatements(new SlotKey(zone, new DeliverySlot(slot.getKey())))
                .get(a.home().accountId());
        if (statement == null) {
          continue;
        }
        for (StatementLine line : statement.lines()) {
          if (line.kind() == LineKind.FLEXIBILITY_DELIVERY && line.tradeId() == a.id()) {
            slot.getValue()[2] += line.quantityWh();
            slot.getValue()[3] += line.amountSat();
            homeDeliveredWh += line.quantityWh();
            homeAmount += line.amount();
            homeSats += line.amountSat();
          }
        }
      }
      paidSats += homeSats;
      homeLines.add(
          "  "
              + a.home().username()
              + ": "
              + kwh(homeDeliveredWh)
              + " kWh delivered, paid "
              + euros(homeAmount)
              + " EUR = "
              + homeSats
              + " sats");
    }
    synchronized (results) {
      bySlot.forEach(
          (start, figures) ->
              results.add(
                  new SlotResult(start, figures[0], figures[1], figures[2] * 4, figures[3])));
      for (SlotResult r : results) {
        out.println(
            "flexibility "
                + zone
                + " "
                + Demo.slotText(r.start())
                + ": requested "
                + kw(r.requestedW())
                + " kW, accepted "
                + kw(r.acceptedW())
                + " kW, delivered "
                + kw(r.deliveredW())
                + " kW (metered against each home's baseline), paid "
                + r.paidSats()
                + " sats");
      }
      paymentsSats = paidSats;
    }
    out.println(
        "flexibility payments on the statements (FLEXIBILITY_DELIVERY lines, "
            + PRICE_EUR_PER_KWH
            + " EUR/kWh):");
    homeLines.forEach(out::println);
  }

  /** The event's slots as reported (empty before its report). */
  List<SlotResult> results() {
    synchronized (results) {
      return List.copyOf(results);
    }
  }

  /**
   * Adds the event's figures to the run's summary: {@code flexEvents}, the requested, accepted and
   * delivered power as means over the event's slots (kW), and the statements' payments in sats.
   */
  void addTo(Map<String, Object> summary) {
    List<SlotResult> slots = results();
    summary.put("flexEvents", eventId == null ? 0 : 1);
    summary.put("flexRequestedKw", meanKw(slots, SlotResult::requestedW));
    summary.put("flexAcceptedKw", meanKw(slots, SlotResult::acceptedW));
    summary.put("flexDeliveredKw", meanKw(slots, SlotResult::deliveredW));
    synchronized (results) {
      summary.put("flexPaymentsSats", paymentsSats);
    }
  }

  private static BigDecimal meanKw(List<SlotResult> slots, ToLongFunction<SlotResult> watts) {
    if (slots.isEmpty()) {
      return BigDecimal.ZERO;
    }
    long sum = slots.stream().mapToLong(watts).sum();
    return BigDecimal.valueOf(sum)
        .divide(BigDecimal.valueOf(1_000L * slots.size()), 3, RoundingMode.HALF_EVEN);
  }

  static BigDecimal kw(long watts) {
    return BigDecimal.valueOf(watts, 3);
  }

  private static BigDecimal kwh(long wh) {
    return BigDecimal.valueOf(wh, 3);
  }

  private static BigDecimal euros(long milliCt) {
    return BigDecimal.valueOf(milliCt, 5);
  }
}
