package io.peerwatt.gateway.lightclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.peerwatt.gateway.platform.PlatformClient;
import io.peerwatt.gateway.platform.PlatformHttp;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.statement.ReadingRef;
import io.peerwatt.protocol.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The light client against a platform over real HTTP that anchors the gateway's readings slot by
 * slot: the sampled readings are verified on chain by the gateway itself, a reading the anchor left
 * out raises MISSING, and headers without proof of work are refused with an alarm.
 */
class LightClientTest {
  private static final PrivateKey DEVICE =
      PrivateKey.fromBytes(Hashes.sha256("light client test device".getBytes()));
  private static final Instant SLOT_0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration SLOT = Duration.ofMinutes(15);

  @TempDir Path dataDir;
  private AnchoringPlatform platform;
  private MutableClock clock;

  @BeforeEach
  void start() throws IOException {
    platform = new AnchoringPlatform(DEVICE);
    clock = new MutableClock(SLOT_0);
  }

  @AfterEach
  void stop() {
    platform.close();
  }

  /** A reading a minute over four quarter-hours: sequences 1..60, 15 a slot. */
  private static List<SignedReading> readings() {
    List<SignedReading> out = new ArrayList<>();
    byte[] previous = MeterReading.noPrevious();
    for (int i = 0; i < 60; i++) {
      MeterReading r =
          new MeterReading(
              1,
              DEVICE.publicKey(),
              0,
              i + 1,
              SLOT_0.plus(Duration.ofMinutes(i)),
              1_000_000 + 10L * i,
              0,
              600,
              230_000,
              EnumSet.noneOf(ReadingFlag.class),
              previous);
      out.add(SignedReading.sign(r, DEVICE));
      previous = r.hash();
    }
    return out;
  }

  private static List<SignedReading> slot(List<SignedReading> all, int slot) {
    return all.subList(slot * 15, slot * 15 + 15);
  }

  private LightClient open() throws IOException {
    LightClientConfig config =
        new LightClientConfig(
            AnchoringPlatform.CHECKPOINT_HEIGHT,
            platform.checkpointHash(),
            Optional.empty(),
            4,
            Duration.ofSeconds(1));
    PlatformHttp http = new PlatformHttp(Duration.ofSeconds(5));
    return LightClient.open(
        config,
        dataDir,
        platform.uri(),
        new PlatformClient(platform.uri(), DEVICE, http, clock, Duration.ofSeconds(5)),
        http,
        clock);
  }

  @Test
  void sampledReadingsAreVerifiedOnChainAndAReadingTheAnchorLeftOutRaisesAnAlarm()
      throws IOException {
    LightClient client = open();
    List<SignedReading> all = readings();
    for (SignedReading r : all) {
      client.taken(0, r);
    }
    // slots 0..2 anchored, reading 8 (sampled: every 4th) left out of slot 0's anchor; slot 3 not
    // yet
    platform.anchor(SLOT_0, slot(all, 0), Set.of(8L));
    platform.anchor(SLOT_0.plus(SLOT), slot(all, 1), Set.of());
    platform.anchor(SLOT_0.plus(SLOT.multipliedBy(2)), slot(all, 2), Set.of());
    clock.set(SLOT_0.plus(SLOT.multipliedBy(4)).plusSeconds(60));
    platform.alarmReportsUnavailable = true;

    assertThat(client.step()).as("slot 3's sampled readings still wait").isTrue();

    // sampled in slots 0..2: 4, 8, ..., 44 (11), of which 8 was left out
    assertThat(client.verifiedOnChain()).isEqualTo(10);
    assertThat(client.alarms())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.kind()).isEqualTo("MISSING");
              assertThat(a.channel()).isZero();
              assertThat(a.sequence()).isEqualTo(8);
              assertThat(a.detail()).contains("quarter-hour 2026-12-01T10:00:00.000Z");
            });
    assertThat(client.status())
        .containsEntry("verifiedOnChain", 10L)
        .containsEntry("awaitingProof", 4)
        .containsEntry("alarm", true)
        .containsEntry("headerTipHeight", platform.tipHeight())
        .containsEntry("alarmsReported", 0L);
    assertThat(platform.alarmReports).isEmpty();

    // the platform answers again: the alarm is reported once, with its reading
    platform.alarmReportsUnavailable = false;
    client.step();
    client.step();
    assertThat(platform.alarmReports).hasSize(1);
    assertThat(platform.alarmReports.get(0))
        .singleElement()
        .satisfies(
            a -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> alarm = (Map<String, Object>) a;
              assertThat(alarm)
                  .containsEntry("kind", "MISSING")
                  .containsEntry("channel", 0L)
                  .containsEntry("sequence", 8L);
            });
    assertThat(client.status()).containsEntry("alarmsReported", 1L);

    // once slot 3 is anchored its readings verify too; the count and the alarm survive a restart
    platform.anchor(SLOT_0.plus(SLOT.multipliedBy(3)), slot(all, 3), Set.of());
    LightClient reopened = open();
    assertThat(reopened.step()).isFalse();
    assertThat(reopened.verifiedOnChain()).isEqualTo(14);
    assertThat(reopened.alarms()).extracting(LightClient.Alarm::sequence).containsExactly(8L);
    assertThat(platform.alarmReports).as("not reported again after a restart").hasSize(1);
  }

  @Test
  void everyReadingAStatementNamesIsAuditedNotOnlyTheSample() throws IOException {
    LightClient client = open();
    List<SignedReading> all = readings();
    // 5, 6, 7 and 31 are outside the sample (every 4th); the anchor of slot 0 leaves 6 out
    platform.anchor(SLOT_0, slot(all, 0), Set.of(6L));
    platform.anchor(SLOT_0.plus(SLOT), slot(all, 1), Set.of());
    platform.anchor(SLOT_0.plus(SLOT.multipliedBy(2)), slot(all, 2), Set.of());
    clock.set(SLOT_0.plus(SLOT.multipliedBy(3)).plusSeconds(60));
    // statements the wallet checked: slot 0's names 5, 6 and (with a hash not of the reading this
    // gateway signed) 7, and 5 again in a later version; slot 2's names 31
    client.charged(
        SLOT_0,
        List.of(
            ref(all.get(4)),
            ref(all.get(5)),
            new ReadingRef(1, 0, 7, StrictHex.encode(Hashes.sha256("not it".getBytes())))));
    client.charged(SLOT_0, List.of(ref(all.get(4))));
    client.charged(SLOT_0.plus(SLOT.multipliedBy(2)), List.of(ref(all.get(30))));

    assertThat(client.step()).isFalse();

    assertThat(client.verifiedOnChain()).as("5 and 31, each once").isEqualTo(2);
    assertThat(client.alarms())
        .extracting(LightClient.Alarm::kind, LightClient.Alarm::sequence)
        .containsExactlyInAnyOrder(tuple("MISSING", 6L), tuple("DIFFERS", 7L));
  }

  private static ReadingRef ref(SignedReading signed) {
    return new ReadingRef(1, 0, signed.reading().sequence(), StrictHex.encode(signed.hash()));
  }

  @Test
  void aReadingNotYetAnchoredIsNoAlarmWhileNoLaterSlotIsAnchored() throws IOException {
    LightClient client = open();
    List<SignedReading> all = readings();
    for (SignedReading r : slot(all, 0)) {
      client.taken(0, r);
    }
    clock.set(SLOT_0.plus(SLOT.multipliedBy(3)));

    assertThat(client.step()).isTrue();

    assertThat(client.verifiedOnChain()).isZero();
    assertThat(client.alarms()).isEmpty();
  }

  @Test
  void headersWithoutProofOfWorkAreRefusedWithAnAlarm() throws IOException {
    List<SignedReading> all = readings();
    platform.anchor(SLOT_0, slot(all, 0), Set.of());
    List<BlockHeader> honest = platform.headers();
    BlockHeader last = honest.get(honest.size() - 1);
    List<BlockHeader> forged = new ArrayList<>(honest.subList(0, honest.size() - 1));
    // the same block with a nonce whose hash misses the target
    for (long nonce = last.nonce() + 1; ; nonce++) {
      BlockHeader h =
          new BlockHeader(
              last.version(), last.prevHash(), last.merkleRoot(), last.time(), 0x1d00ffffL, nonce);
      if (!h.hasValidProofOfWork()) {
        forged.add(h);
        break;
      }
    }
    platform.serveHeaders(forged);
    LightClient client = open();

    client.step();

    assertThat(client.alarms())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.kind()).isEqualTo("HEADERS");
              assertThat(a.detail()).contains("lacks proof of work");
            });
    assertThat(client.status()).containsEntry("headerTipHeight", platform.tipHeight() - 1);
  }
}
