package io.peerwatt.gateway.control;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.flex.FlexAction;
import io.peerwatt.protocol.flex.FlexCommand;
import io.peerwatt.protocol.flex.SignedFlexCommand;
import io.peerwatt.protocol.reading.ReadingCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's VEN loop, one {@link #step()} at a time: reads the events the VTN targets at this
 * gateway, checks each event's signed command ({@link CommandCheck}; unsigned payloads such as
 * {@code DISPATCH_SETPOINT_RELATIVE} are never acted on), writes the setpoint when the command's
 * window starts, restores the device when the window ends or when no VTN poll has succeeded for
 * {@link FlexibilityConfig#contactTimeout()}, and reports each outcome to the VTN as an OpenADR
 * report.
 */
public final class FlexibilityAgent {
  private static final Logger log = LoggerFactory.getLogger(FlexibilityAgent.class);

  /** The event payload that carries the signed command. */
  public static final String SIGNED_COMMAND_PAYLOAD = "X_PEERWATT_SIGNED_COMMAND";

  /** The report payload that says why the gateway refused. */
  public static final String REFUSAL_PAYLOAD = "X_PEERWATT_REFUSAL";

  private static final int KEPT_REFUSALS = 10;

  /** Opens the controller (a real Modbus connection; tests may point it anywhere). */
  @FunctionalInterface
  public interface ControllerFactory {
    SunSpecController open() throws ControlException;
  }

  /** A refusal for the status. */
  private record RefusalNote(
      Instant at, String commandId, String eventId, CommandCheck.Verdict verdict) {}

  private final FlexibilityConfig config;
  private final String deviceId;
  private final CommandCheck check;
  private final VenClient ven;
  private final ControllerFactory controllers;
  private final Clock clock;
  private final FlexState state;

  /** Events handled since the start (the VTN lists an event until it ends). */
  private final Set<String> handledEvents = new HashSet<>();

  /** Accepted commands waiting for their window, in arrival order. */
  private final Deque<SignedFlexCommand> waiting = new ArrayDeque<>();

  private final Deque<RefusalNote> refusals = new ArrayDeque<>();
  private long refusalCount;
  private SunSpecController controller;
  private SignedFlexCommand lastCommand;
  private SignedFlexCommand active;
  private SunSpecController.Applied applied;
  private Instant appliedAt;
  private Instant lastContact;
  private Instant lastPollAt;
  private String lastError;
  private String lastRestore;

  public FlexibilityAgent(
      FlexibilityConfig config,
      Path dataDir,
      String deviceId,
      CommandCheck check,
      VenClient ven,
      ControllerFactory controllers,
      Clock clock)
      throws IOException {
    this.config = config;
    this.deviceId = deviceId;
    this.check = check;
    this.ven = ven;
    this.controllers = controllers;
    this.clock = clock;
    this.state = FlexState.open(dataDir);
    this.lastContact = clock.instant();
  }

  /** One round: restore what is due, poll the VTN, act on new commands, start what is due. */
  public synchronized void step() {
    Instant now = clock.instant();
    if (!state.restore().isEmpty() && active == null) {
      // a setpoint left in force by an earlier run (crash or power cut mid-command)
      restore("the gateway restarted during a command", now);
    }
    poll(now);
    now = clock.instant();
    if (active != null) {
      if (!now.isBefore(active.command().validUntil())) {
        restore("command " + active.command().commandId() + " ended", now);
      } else if (lostContact(now)) {
        restore("no successful VTN poll since " + lastContact, now);
      } else if (reachedMinimumCharge()) {
        restore(
            "the battery reached the owner's minimum of " + config.minStateOfChargePercent() + " %",
            now);
      }
    }
    if (active == null && !waiting.isEmpty()) {
      startDue(now);
    }
  }

  /**
   * A discharge ends at the owner's minimum charge (model 124 stops there by itself through
   * MinRsvPct; 704 has no reserve, so the gateway stops it).
   */
  private boolean reachedMinimumCharge() {
    if (active.command().action() != FlexAction.REDUCE_IMPORT
        || config.kind() != FlexibilityConfig.Kind.BATTERY
        || applied.model() == 124) {
      return false;
    }
    double soc = stateOfCharge();
    return soc >= 0 && soc <= config.minStateOfChargePercent();
  }

  private boolean lostContact(Instant now) {
    return !now.isBefore(lastContact.plus(config.contactTimeout()));
  }

  private void poll(Instant now) {
    lastPollAt = now;
    List<Map<String, Object>> events;
    try {
      events = ven.events();
    } catch (IOException e) {
      lastError = "VTN poll: " + e.getMessage();
      log.warn("flexibility: cannot read the VTN's events: {}", e.getMessage());
      return;
    }
    lastContact = clock.instant();
    lastError = null;
    Set<String> listed = new HashSet<>();
    for (Map<String, Object> event : events) {
      if (!(event.get("id") instanceof String eventId)) {
        continue;
      }
      listed.add(eventId);
      if (handledEvents.add(eventId)) {
        handle(eventId, event, now);
      }
    }
    // an event the VTN no longer lists is over; one that came back would meet the replay record
    handledEvents.retainAll(listed);
  }

  private void handle(String eventId, Map<String, Object> event, Instant now) {
    SignedFlexCommand signed;
    try {
      signed = signedCommand(event);
    } catch (FormatException e) {
      refuse(null, eventId, new CommandCheck.Verdict(Refusal.MALFORMED, e.getMessage()), now, true);
      return;
    }
    if (signed == null) {
      log.debug("event {} carries no {}: not acted on", eventId, SIGNED_COMMAND_PAYLOAD);
      return;
    }
    lastCommand = signed;
    FlexCommand c = signed.command();
    double soc = stateOfCharge();
    CommandCheck.Verdict verdict = check.check(signed, eventId, now, soc, state::seen);
    if (!verdict.accepted()) {
      // a replay must not overwrite what was reported for the command's first use
      refuse(signed, eventId, verdict, now, verdict.refusal() != Refusal.REPLAYED);
      return;
    }
    try {
      state.markSeen(c.commandId(), c.validUntil(), now);
    } catch (IOException e) {
      // without a durable record a restart could replay it: do not act
      handledEvents.remove(eventId);
      lastError = "cannot record command " + c.commandId() + ": " + e.getMessage();
      log.error("flexibility: {}", lastError);
      return;
    }
    log.info(
        "flexibility: accepted command {} (event {}): {} {} W from {} until {}",
        c.commandId(),
        eventId,
        c.action(),
        c.watts(),
        c.validFrom(),
        c.validUntil());
    waiting.add(signed);
  }

  /** The signed command in the event's first interval, null when there is none. */
  static SignedFlexCommand signedCommand(Map<String, Object> event) {
    if (!(event.get("intervals") instanceof List<?> intervals) || intervals.isEmpty()) {
      return null;
    }
    if (!(intervals.get(0) instanceof Map<?, ?> first)
        || !(first.get("payloads") instanceof List<?> payloads)) {
      throw new FormatException("the event's first interval has no payloads");
    }
    for (Object p : payloads) {
      if (p instanceof Map<?, ?> payload && SIGNED_COMMAND_PAYLOAD.equals(payload.get("type"))) {
        if (!(payload.get("values") instanceof List<?> values)
            || values.size() != 1
            || !(values.get(0) instanceof String json)) {
          throw new FormatException(
              SIGNED_COMMAND_PAYLOAD + " must have one value, the command's JSON as a string");
        }
        return SignedFlexCommand.fromJson(json);
      }
    }
    return null;
  }

  private void startDue(Instant now) {
    SignedFlexCommand next = waiting.peek();
    FlexCommand c = next.command();
    if (now.isBefore(c.validFrom())) {
      return;
    }
    waiting.poll();
    if (!now.isBefore(c.validUntil())) {
      refuseToStart(
          next, Refusal.EXPIRED, " ended at " + c.validUntil() + " before it could start", now);
      return;
    }
    if (lostContact(now)) {
      refuseToStart(
          next, Refusal.EXPIRED, " not started: no successful VTN poll since " + lastContact, now);
      return;
    }
    double soc = stateOfCharge();
    if (c.action() == FlexAction.REDUCE_IMPORT
        && config.kind() == FlexibilityConfig.Kind.BATTERY
        && soc >= 0
        && soc <= config.minStateOfChargePercent()) {
      refuseToStart(
          next,
          Refusal.BELOW_MIN_STATE_OF_CHARGE,
          " not started: the battery holds "
              + soc
              + " %, the owner's minimum is "
              + config.minStateOfChargePercent()
              + " %",
          now);
      return;
    }
    try {
      SunSpecController.Applied done = controller().apply(c.action(), c.watts());
      active = next;
      applied = done;
      appliedAt = now;
      state.restore(done.previous());
      log.info(
          "flexibility: command {} applied: {} ({} W)",
          c.commandId(),
          done.description(),
          done.watts());
      report(next, c.eventId(), done.watts(), operatingState(c.action()), null);
    } catch (ControlException e) {
      closeController();
      refuse(
          next,
          c.eventId(),
          new CommandCheck.Verdict(Refusal.DEVICE_REFUSED, e.getMessage()),
          now,
          true);
    } catch (IOException e) {
      lastError = "cannot record the registers to restore: " + e.getMessage();
      log.error("flexibility: {}", lastError);
      restore("the registers to restore could not be recorded", now);
    }
  }

  /**
   * Refuses the due command {@code next} (and reports it): "command &lt;id&gt;" then {@code why}.
   */
  private void refuseToStart(SignedFlexCommand next, Refusal refusal, String why, Instant now) {
    FlexCommand c = next.command();
    refuse(
        next,
        c.eventId(),
        new CommandCheck.Verdict(refusal, "command " + c.commandId() + why),
        now,
        true);
  }

  private static String operatingState(FlexAction action) {
    // reducing import curtails the site's consumption; reducing export heightens it
    return action == FlexAction.REDUCE_IMPORT ? "RUNNING_CURTAILED" : "RUNNING_HEIGHTENED";
  }

  private void restore(String why, Instant now) {
    List<RegisterWrite> previous = applied != null ? applied.previous() : state.restore();
    try {
      controller().restore(previous);
      state.restore(List.of());
      lastRestore = ReadingCodec.formatInstant(now.truncatedTo(ChronoUnit.MILLIS)) + " " + why;
      log.info("flexibility: device restored ({}): {}", why, previous);
      active = null;
      applied = null;
      appliedAt = null;
    } catch (ControlException | IOException e) {
      closeController();
      lastError = "restore failed (" + why + "): " + e.getMessage();
      log.error("flexibility: {}; retrying next round", lastError);
    }
  }

  private void refuse(
      SignedFlexCommand signed,
      String eventId,
      CommandCheck.Verdict verdict,
      Instant now,
      boolean reportIt) {
    refusalCount++;
    refusals.addFirst(
        new RefusalNote(
            now, signed == null ? null : signed.command().commandId(), eventId, verdict));
    while (refusals.size() > KEPT_REFUSALS) {
      refusals.removeLast();
    }
    log.warn("flexibility: refused event {}: {} {}", eventId, verdict.refusal(), verdict.reason());
    if (reportIt) {
      report(signed, eventId, 0, "IDLE_OPTED_OUT", verdict);
    }
  }

  private double stateOfCharge() {
    if (config.kind() != FlexibilityConfig.Kind.BATTERY) {
      return -1;
    }
    try {
      return controller().stateOfChargePercent();
    } catch (ControlException e) {
      closeController();
      lastError = "device: " + e.getMessage();
      log.warn("flexibility: cannot read the battery's state of charge: {}", e.getMessage());
      return -1;
    }
  }

  private SunSpecController controller() throws ControlException {
    if (controller == null) {
      controller = controllers.open();
    }
    return controller;
  }

  private void closeController() {
    if (controller != null) {
      controller.close();
      controller = null;
    }
  }

  /**
   * Posts the outcome of {@code signed} (null when the event's command is unreadable) as an OpenADR
   * report on the event that carried it.
   */
  private void report(
      SignedFlexCommand signed,
      String eventId,
      long appliedW,
      String operatingState,
      CommandCheck.Verdict why) {
    String venName = ven.venName() == null ? deviceId : ven.venName();
    Map<String, Object> report =
        FlexReport.build(
            signed, eventId, appliedW, operatingState, why, venName, deviceId, stateOfCharge());
    try {
      ven.postReport(report);
    } catch (IOException e) {
      lastError = "report: " + e.getMessage();
      log.warn("flexibility: report on event {} not posted: {}", eventId, e.getMessage());
    }
  }

  /** The {@code flexibility} block of {@code gateway status}. */
  public synchronized Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("venName", ven.venName());
    m.put("device", config.device() + " unit " + config.unitId());
    m.put("lastPollAt", instant(lastPollAt));
    m.put("lastContactAt", instant(lastContact));
    if (lastCommand != null) {
      Map<String, Object> last = new LinkedHashMap<>(lastCommand.toJsonMap());
      last.remove("signature");
      m.put("lastCommand", last);
    } else {
      m.put("lastCommand", null);
    }
    if (applied != null) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("commandId", active.command().commandId());
      a.put("setpoint", applied.description());
      a.put("watts", applied.watts());
      a.put("since", instant(appliedAt));
      a.put("until", instant(active.command().validUntil()));
      m.put("applied", a);
    } else {
      m.put("applied", null);
    }
    m.put("waiting", (long) waiting.size());
    m.put("lastRestore", lastRestore);
    m.put("refusals", refusalCount);
    List<Object> recent = new ArrayList<>();
    for (RefusalNote r : refusals) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("at", instant(r.at()));
      n.put("commandId", r.commandId());
      n.put("eventId", r.eventId());
      n.put("refusal", r.verdict().refusal().name());
      n.put("reason", r.verdict().reason());
      recent.add(n);
    }
    m.put("recentRefusals", recent);
    m.put("lastError", lastError);
    return m;
  }

  private static String instant(Instant t) {
    return t == null ? null : ReadingCodec.formatInstant(t.truncatedTo(ChronoUnit.MILLIS));
  }

  /** Puts the device back if a setpoint is in force (the gateway is stopping). */
  public synchronized void close() {
    if (active != null) {
      restore("the gateway is stopping", clock.instant());
    }
    closeController();
  }
}
