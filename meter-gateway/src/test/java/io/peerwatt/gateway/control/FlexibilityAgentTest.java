package io.peerwatt.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.metering.Meters;
import io.peerwatt.gateway.metering.SimulatedDer;
import io.peerwatt.gateway.platform.PlatformClient;
import io.peerwatt.gateway.platform.PlatformHttp;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.flex.FlexAction;
import io.peerwatt.protocol.flex.FlexCommand;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VEN loop end to end over real sockets: a small OpenADR 3.1.0 VTN over HTTP, the simulated
 * home (meter and battery) over Modbus TCP, the signed commands of the contract, and simulated
 * time.
 */
class FlexibilityAgentTest {
  private static final PrivateKey PLATFORM = key("platform");
  private static final PrivateKey STRANGER = key("stranger");
  private static final PrivateKey DEVICE = key("device");
  private static final String DEVICE_ID = "42";
  private static final Instant START = Instant.parse("2026-12-06T17:00:00Z");

  @TempDir Path dataDir;

  private MutableClock clock;
  private MeterSimulator home;
  private MeterSimulator twin;
  private SimulatedDer der;
  private OpenAdrTestServer vtn;
  private FlexibilityConfig config;
  private FlexibilityAgent agent;

  private static PrivateKey key(String seed) {
    return PrivateKey.fromBytes(Hashes.sha256(seed.getBytes(StandardCharsets.US_ASCII)));
  }

  @BeforeEach
  void start() throws Exception {
    clock = new MutableClock(START);
    home =
        new MeterSimulator(
            MeterSimulator.Model.SDM630, 1, 42, 1, clock, START, 0, 1_000_000, 100_000);
    twin =
        new MeterSimulator(
            MeterSimulator.Model.SDM630, 1, 42, 1, clock, START, 0, 1_000_000, 100_000);
    der = new SimulatedDer(2, false, new SimulatedDer.Battery(10_000, 5_000, 90, 60));
    home.attach(der);
    home.start(0);
    vtn = new OpenAdrTestServer(DEVICE.publicKey(), DEVICE_ID);
    config =
        new FlexibilityConfig(
            FlexibilityConfig.Kind.BATTERY,
            MeterUri.parse("tcp://127.0.0.1:" + home.port()),
            2,
            OptionalInt.empty(),
            OptionalLong.empty(),
            20,
            3_000,
            AllowedHours.parse("07:00-22:00"),
            ZoneId.of("Europe/Berlin"),
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            FlexibilityConfig.DEFAULT_CLOCK_SKEW);
    agent = newAgent();
  }

  private FlexibilityAgent newAgent() throws Exception {
    PlatformHttp http = new PlatformHttp(Duration.ofSeconds(5));
    VenClient ven =
        new VenClient(
            new PlatformClient(vtn.uri(), DEVICE, http, clock, Duration.ofSeconds(5)),
            http,
            clock,
            Duration.ofSeconds(5));
    return new FlexibilityAgent(
        config,
        dataDir,
        DEVICE_ID,
        new CommandCheck(PLATFORM.publicKey(), DEVICE_ID, config),
        ven,
        () -> SunSpecController.open(config, Duration.ofSeconds(2)),
        clock);
  }

  @AfterEach
  void stop() {
    agent.close();
    vtn.close();
    home.stop();
  }

  @AfterAll
  static void release() {
    Meters.releaseSharedResources();
  }

  private static FlexCommand command(
      String id, String event, FlexAction action, long watts, Instant from, Instant until) {
    return new FlexCommand(id, DEVICE_ID, event, action, watts, from, until, START);
  }

  private void offer(FlexCommand c, PrivateKey signer) {
    double kw = (c.action() == FlexAction.REDUCE_IMPORT ? -c.watts() : c.watts()) / 1000.0;
    vtn.addEvent(
        OpenAdrTestServer.event(
            c.eventId(), DEVICE_ID, c.validFrom(), c.validUntil(), kw, c.sign(signer).toJson()));
  }

  private static long net(MeterSimulator meter) {
    return meter.truth().importWh() - meter.truth().exportWh();
  }

  private static Object payload(Map<String, Object> report, String type) {
    Map<?, ?> resource = (Map<?, ?>) ((List<?>) report.get("resources")).get(0);
    Map<?, ?> interval = (Map<?, ?>) ((List<?>) resource.get("intervals")).get(0);
    for (Object p : (List<?>) interval.get("payloads")) {
      Map<?, ?> m = (Map<?, ?>) p;
      if (type.equals(m.get("type"))) {
        return ((List<?>) m.get("values")).get(0);
      }
    }
    return null;
  }

  @Test
  void aSignedCommandIsAppliedInItsWindowReportedAndRestoredAtItsEnd() throws Exception {
    Instant from = START.plus(Duration.ofMinutes(10));
    Instant until = from.plus(Duration.ofMinutes(30));
    offer(command("cmd-1", "ev-1", FlexAction.REDUCE_IMPORT, 1_500, from, until), PLATFORM);

    agent.step();
    assertThat(agent.status()).containsEntry("waiting", 1L).containsEntry("venName", DEVICE_ID);
    assertThat(der.batteryPowerW()).isZero();

    clock.advance(Duration.ofMinutes(10));
    // the VTN forgot its tokens: the VEN gets a new one without asking for new credentials
    vtn.revokeToken();
    agent.step();
    assertThat(der.batteryPowerW()).isEqualTo(-1_500);
    assertThat(vtn.credentialRequests()).isEqualTo(1);
    Map<String, Object> report = vtn.reports().get(0);
    assertThat(report).containsEntry("eventID", "ev-1").containsEntry("clientName", DEVICE_ID);
    assertThat(payload(report, "OPERATING_STATE")).isEqualTo("RUNNING_CURTAILED");
    assertThat(payload(report, "SETPOINT")).hasToString("-1.500");
    assertThat(payload(report, "STORAGE_CHARGE_LEVEL")).hasToString("0.6000");
    @SuppressWarnings("unchecked")
    Map<String, Object> applied = (Map<String, Object>) agent.status().get("applied");
    assertThat(applied).containsEntry("commandId", "cmd-1").containsEntry("watts", 1_500L);

    long homeBefore = net(home);
    long twinBefore = net(twin);
    clock.advance(Duration.ofMinutes(15));
    agent.step();
    clock.advance(Duration.ofMinutes(15));
    // 1.5 kW for 30 min off the net import (beyond the household's load it is exported)
    long lessImported = (net(twin) - twinBefore) - (net(home) - homeBefore);
    assertThat(lessImported).isBetween(745L, 755L);

    agent.step();
    assertThat(agent.status().get("applied")).isNull();
    assertThat((String) agent.status().get("lastRestore")).contains("command cmd-1 ended");
    double socAfter = der.stateOfChargePermille();
    clock.advance(Duration.ofMinutes(30));
    assertThat(der.batteryPowerW()).isZero();
    assertThat(der.stateOfChargePermille()).isEqualTo((int) socAfter);
    assertThat(vtn.violations()).isEmpty();
  }

  @Test
  void forgedStaleOversizedOutOfHoursAndForeignCommandsAreRefusedAndReported() throws Exception {
    Instant from = START.plus(Duration.ofMinutes(5));
    Instant until = from.plus(Duration.ofMinutes(30));
    offer(command("forged", "ev-forged", FlexAction.REDUCE_IMPORT, 1_000, from, until), STRANGER);
    offer(
        command(
            "stale",
            "ev-stale",
            FlexAction.REDUCE_IMPORT,
            1_000,
            START.minus(Duration.ofHours(1)),
            START.minus(Duration.ofMinutes(1))),
        PLATFORM);
    offer(command("big", "ev-big", FlexAction.REDUCE_IMPORT, 3_001, from, until), PLATFORM);
    // 22:30..23:00 in Berlin
    offer(
        command(
            "late",
            "ev-late",
            FlexAction.REDUCE_EXPORT,
            1_000,
            Instant.parse("2026-12-06T21:30:00Z"),
            Instant.parse("2026-12-06T22:00:00Z")),
        PLATFORM);
    vtn.addEvent(
        OpenAdrTestServer.event(
            "ev-other",
            DEVICE_ID,
            from,
            until,
            -1.0,
            new FlexCommand(
                    "other", "43", "ev-other", FlexAction.REDUCE_IMPORT, 1_000, from, until, START)
                .sign(PLATFORM)
                .toJson()));
    // an unsigned setpoint alone is never acted on, nor answered
    vtn.addEvent(OpenAdrTestServer.event("ev-unsigned", DEVICE_ID, from, until, -2.0, null));
    vtn.addEvent(
        OpenAdrTestServer.event(
            "ev-garbled", DEVICE_ID, from, until, -2.0, "{\"commandId\":\"x\"}"));

    agent.step();
    clock.advance(Duration.ofMinutes(10));
    agent.step();

    assertThat(der.batteryPowerW()).isZero();
    assertThat(agent.status()).containsEntry("refusals", 6L).containsEntry("applied", null);
    Map<String, String> refusalByEvent = new java.util.HashMap<>();
    for (Map<String, Object> r : vtn.reports()) {
      assertThat(payload(r, "OPERATING_STATE")).isEqualTo("IDLE_OPTED_OUT");
      refusalByEvent.put((String) r.get("eventID"), (String) payload(r, "X_PEERWATT_REFUSAL"));
    }
    assertThat(refusalByEvent).hasSize(6);
    assertThat(refusalByEvent.get("ev-garbled")).startsWith("MALFORMED");
    assertThat(refusalByEvent.get("ev-forged")).startsWith("BAD_SIGNATURE");
    assertThat(refusalByEvent.get("ev-stale")).startsWith("EXPIRED");
    assertThat(refusalByEvent.get("ev-big")).startsWith("OVER_MAX_POWER").contains("3000 W");
    assertThat(refusalByEvent.get("ev-late")).startsWith("OUTSIDE_ALLOWED_HOURS");
    assertThat(refusalByEvent.get("ev-other")).startsWith("OTHER_DEVICE");
    assertThat(vtn.violations()).isEmpty();
  }

  @Test
  void aRestartMidCommandRestoresTheDeviceAndTheCommandCannotBeReplayed() throws Exception {
    Instant from = START;
    Instant until = from.plus(Duration.ofHours(1));
    FlexCommand c = command("cmd-1", "ev-1", FlexAction.REDUCE_EXPORT, 2_000, from, until);
    offer(c, PLATFORM);
    agent.step();
    assertThat(der.batteryPowerW()).isEqualTo(2_000);

    // a power cut: the agent is gone without closing; a new one starts on the same data dir
    agent = newAgent();
    clock.advance(Duration.ofMinutes(1));
    agent.step();
    assertThat(der.batteryPowerW()).isZero();
    assertThat((String) agent.status().get("lastRestore")).contains("restarted");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> recent =
        (List<Map<String, Object>>) agent.status().get("recentRefusals");
    assertThat(recent)
        .singleElement()
        .satisfies(r -> assertThat(r).containsEntry("refusal", "REPLAYED"));
    // the replay is not reported over the first use's report
    assertThat(vtn.reports()).hasSize(1);

    // the same signed command copied into another event
    vtn.addEvent(
        OpenAdrTestServer.event("ev-2", DEVICE_ID, from, until, 2.0, c.sign(PLATFORM).toJson()));
    clock.advance(Duration.ofMinutes(1));
    agent.step();
    assertThat(der.batteryPowerW()).isZero();
    assertThat(payload(vtn.reports().get(1), "X_PEERWATT_REFUSAL").toString())
        .startsWith("OTHER_EVENT");
  }

  @Test
  void aModel704DischargeIsStoppedByTheGatewayAtTheOwnersMinimum() throws Exception {
    agent.close();
    home.stop();
    home =
        new MeterSimulator(
            MeterSimulator.Model.SDM630, 1, 42, 1, clock, START, 0, 1_000_000, 100_000);
    der =
        new SimulatedDer(
            2,
            false,
            new SimulatedDer.Battery(10_000, 5_000, 100, 25),
            SimulatedDer.Controls.DER_AC);
    home.attach(der);
    home.start(0);
    config =
        new FlexibilityConfig(
            FlexibilityConfig.Kind.BATTERY,
            MeterUri.parse("tcp://127.0.0.1:" + home.port()),
            2,
            OptionalInt.of(704),
            OptionalLong.empty(),
            20,
            3_000,
            AllowedHours.ALL_DAY,
            ZoneId.of("UTC"),
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            FlexibilityConfig.DEFAULT_CLOCK_SKEW);
    agent = newAgent();
    offer(
        command(
            "cmd-1",
            "ev-1",
            FlexAction.REDUCE_IMPORT,
            3_000,
            START,
            START.plus(Duration.ofHours(1))),
        PLATFORM);
    agent.step();
    assertThat(der.batteryPowerW()).isEqualTo(-3_000);
    // 3 kW from 25 % of 10 kWh: 20 % after 10 minutes
    clock.advance(Duration.ofMinutes(10));
    agent.step();
    assertThat(der.batteryPowerW()).isZero();
    assertThat(der.stateOfChargePermille()).isEqualTo(200);
    assertThat((String) agent.status().get("lastRestore")).contains("minimum of 20 %");
  }

  @Test
  void aRotatedSecretIsFetchedAgainFromThePlatform() throws Exception {
    agent.step();
    assertThat(vtn.credentialRequests()).isEqualTo(1);
    vtn.rotateSecret();
    // the old secret gets no token: this round fails, the next asks the platform again
    agent.step();
    assertThat((String) agent.status().get("lastError")).contains("refused the VEN credentials");
    agent.step();
    assertThat(vtn.credentialRequests()).isEqualTo(2);
    assertThat(agent.status().get("lastError")).isNull();
    assertThat(vtn.eventPolls()).isEqualTo(2);
  }

  @Test
  void lostContactWithThePlatformRestoresTheDevice() throws Exception {
    Instant until = START.plus(Duration.ofHours(2));
    offer(command("cmd-1", "ev-1", FlexAction.REDUCE_IMPORT, 1_000, START, until), PLATFORM);
    agent.step();
    assertThat(der.batteryPowerW()).isEqualTo(-1_000);

    vtn.down(true);
    clock.advance(Duration.ofMinutes(4));
    agent.step();
    assertThat(der.batteryPowerW()).isEqualTo(-1_000);
    clock.advance(Duration.ofMinutes(1));
    agent.step();
    assertThat(der.batteryPowerW()).isZero();
    assertThat((String) agent.status().get("lastRestore")).contains("no successful VTN poll");
    assertThat((String) agent.status().get("lastError")).startsWith("VTN poll");
  }
}
