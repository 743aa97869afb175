package io.peerwatt.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.flex.FlexAction;
import io.peerwatt.protocol.flex.FlexCommand;
import io.peerwatt.protocol.flex.SignedFlexCommand;
import io.peerwatt.protocol.keys.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandCheckTest {
  private static final PrivateKey PLATFORM =
      PrivateKey.fromBytes(Hashes.sha256("platform".getBytes(StandardCharsets.US_ASCII)));
  private static final Instant NOW = Instant.parse("2026-12-06T17:00:00Z");
  private static final Instant FROM = NOW.plus(Duration.ofMinutes(15));
  private static final Instant UNTIL = FROM.plus(Duration.ofHours(1));

  private static FlexibilityConfig limits(FlexibilityConfig.Kind kind) {
    return new FlexibilityConfig(
        kind,
        MeterUri.parse("tcp://127.0.0.1:502"),
        1,
        OptionalInt.empty(),
        kind == FlexibilityConfig.Kind.INVERTER ? OptionalLong.of(5_000) : OptionalLong.empty(),
        20,
        3_000,
        AllowedHours.parse("07:00-22:00"),
        ZoneId.of("Europe/Berlin"),
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        FlexibilityConfig.DEFAULT_CLOCK_SKEW);
  }

  private static final CommandCheck CHECK =
      new CommandCheck(PLATFORM.publicKey(), "42", limits(FlexibilityConfig.Kind.BATTERY));

  private static SignedFlexCommand command(
      FlexAction action, long watts, Instant from, Instant until, Instant issuedAt) {
    return new FlexCommand("cmd-1", "42", "ev-1", action, watts, from, until, issuedAt)
        .sign(PLATFORM);
  }

  private static Refusal refusal(SignedFlexCommand c, Instant now, double soc, Set<String> seen) {
    return CHECK.check(c, "ev-1", now, soc, seen::contains).refusal();
  }

  @Test
  void aGoodCommandIsAccepted() {
    assertThat(
            CHECK
                .check(
                    command(FlexAction.REDUCE_IMPORT, 3_000, FROM, UNTIL, NOW),
                    "ev-1",
                    NOW,
                    50,
                    id -> false)
                .accepted())
        .isTrue();
  }

  @Test
  void clockSkewIsToleratedUpToTheConfiguredAmount() {
    SignedFlexCommand early =
        command(FlexAction.REDUCE_IMPORT, 1_000, FROM, UNTIL, NOW.plusSeconds(30));
    assertThat(refusal(early, NOW, 50, Set.of())).isNull();
    SignedFlexCommand future =
        command(FlexAction.REDUCE_IMPORT, 1_000, FROM, UNTIL, NOW.plusSeconds(31));
    assertThat(refusal(future, NOW, 50, Set.of())).isEqualTo(Refusal.ISSUED_IN_THE_FUTURE);
    assertThat(
            refusal(
                command(FlexAction.REDUCE_IMPORT, 1_000, FROM, UNTIL, NOW),
                UNTIL.plusSeconds(29),
                50,
                Set.of()))
        .isNull();
    assertThat(
            refusal(
                command(FlexAction.REDUCE_IMPORT, 1_000, FROM, UNTIL, NOW),
                UNTIL.plusSeconds(30),
                50,
                Set.of()))
        .isEqualTo(Refusal.EXPIRED);
  }

  @Test
  void everyLimitIsEnforced() {
    SignedFlexCommand ok = command(FlexAction.REDUCE_IMPORT, 1_000, FROM, UNTIL, NOW);
    assertThat(refusal(ok, NOW, 50, Set.of("cmd-1"))).isEqualTo(Refusal.REPLAYED);
    assertThat(
            refusal(command(FlexAction.REDUCE_IMPORT, 3_001, FROM, UNTIL, NOW), NOW, 50, Set.of()))
        .isEqualTo(Refusal.OVER_MAX_POWER);
    assertThat(refusal(ok, NOW, 20, Set.of())).isEqualTo(Refusal.BELOW_MIN_STATE_OF_CHARGE);
    assertThat(refusal(ok, NOW, -1, Set.of())).isEqualTo(Refusal.BELOW_MIN_STATE_OF_CHARGE);
    // charging needs no charge left
    assertThat(
            refusal(command(FlexAction.REDUCE_EXPORT, 1_000, FROM, UNTIL, NOW), NOW, 5, Set.of()))
        .isNull();
    // 21:30..22:00 in Berlin (UTC+1) is inside 07:00-22:00, 21:30..22:01 is not
    Instant nineThirty = Instant.parse("2026-12-06T20:30:00Z");
    assertThat(
            refusal(
                command(
                    FlexAction.REDUCE_EXPORT,
                    1_000,
                    nineThirty,
                    nineThirty.plus(Duration.ofMinutes(30)),
                    NOW),
                NOW,
                50,
                Set.of()))
        .isNull();
    assertThat(
            refusal(
                command(
                    FlexAction.REDUCE_EXPORT,
                    1_000,
                    nineThirty,
                    nineThirty.plus(Duration.ofMinutes(31)),
                    NOW),
                NOW,
                50,
                Set.of()))
        .isEqualTo(Refusal.OUTSIDE_ALLOWED_HOURS);
    Instant sixFiftyNine = Instant.parse("2026-12-07T05:59:00Z");
    assertThat(
            refusal(
                command(
                    FlexAction.REDUCE_EXPORT,
                    1_000,
                    sixFiftyNine,
                    sixFiftyNine.plus(Duration.ofMinutes(30)),
                    NOW),
                NOW,
                50,
                Set.of()))
        .isEqualTo(Refusal.OUTSIDE_ALLOWED_HOURS);
  }

  @Test
  void forgedChangedForeignAndMisplacedCommandsAreRefused() {
    PrivateKey stranger =
        PrivateKey.fromBytes(Hashes.sha256("stranger".getBytes(StandardCharsets.US_ASCII)));
    FlexCommand c =
        new FlexCommand("cmd-1", "42", "ev-1", FlexAction.REDUCE_IMPORT, 1_000, FROM, UNTIL, NOW);
    assertThat(refusal(c.sign(stranger), NOW, 50, Set.of())).isEqualTo(Refusal.BAD_SIGNATURE);
    SignedFlexCommand good = c.sign(PLATFORM);
    SignedFlexCommand changed =
        new SignedFlexCommand(
            new FlexCommand(
                "cmd-1", "42", "ev-1", FlexAction.REDUCE_IMPORT, 1_001, FROM, UNTIL, NOW),
            good.signature());
    assertThat(refusal(changed, NOW, 50, Set.of())).isEqualTo(Refusal.BAD_SIGNATURE);
    SignedFlexCommand foreign =
        new FlexCommand("cmd-1", "43", "ev-1", FlexAction.REDUCE_IMPORT, 1_000, FROM, UNTIL, NOW)
            .sign(PLATFORM);
    assertThat(refusal(foreign, NOW, 50, Set.of())).isEqualTo(Refusal.OTHER_DEVICE);
    assertThat(CHECK.check(good, "ev-2", NOW, 50, id -> false).refusal())
        .isEqualTo(Refusal.OTHER_EVENT);
  }

  @Test
  void anInverterCannotReduceImport() {
    CommandCheck inverter =
        new CommandCheck(PLATFORM.publicKey(), "42", limits(FlexibilityConfig.Kind.INVERTER));
    assertThat(
            inverter
                .check(
                    command(FlexAction.REDUCE_IMPORT, 1_000, FROM, UNTIL, NOW),
                    "ev-1",
                    NOW,
                    -1,
                    id -> false)
                .refusal())
        .isEqualTo(Refusal.DEVICE_CANNOT);
    assertThat(
            inverter
                .check(
                    command(FlexAction.REDUCE_EXPORT, 1_000, FROM, UNTIL, NOW),
                    "ev-1",
                    NOW,
                    -1,
                    id -> false)
                .accepted())
        .isTrue();
  }

  @Test
  void allowedHoursOverMidnightAndAllDay() {
    ZoneId utc = ZoneId.of("UTC");
    AllowedHours night = AllowedHours.parse("22:00-06:00");
    Instant t23 = Instant.parse("2026-12-06T23:00:00Z");
    assertThat(night.covers(t23, t23.plus(Duration.ofHours(7)), utc)).isTrue();
    assertThat(night.covers(t23, t23.plus(Duration.ofHours(7)).plusSeconds(1), utc)).isFalse();
    assertThat(
            night.covers(
                Instant.parse("2026-12-06T12:00:00Z"), Instant.parse("2026-12-06T12:30:00Z"), utc))
        .isFalse();
    assertThat(AllowedHours.parse("00:00-24:00").covers(t23, t23.plus(Duration.ofDays(3)), utc))
        .isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AllowedHours.parse("7-22"))
        .hasMessageContaining("07:00-22:00");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AllowedHours.parse("25:00-26:00"))
        .hasMessageContaining("does not exist");
  }
}
