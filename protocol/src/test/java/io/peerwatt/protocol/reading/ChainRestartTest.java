package io.peerwatt.protocol.reading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

/** The signed chain restart (READING-FORMAT.md, section 7) and the chain rules around it. */
class ChainRestartTest {
  private static final PrivateKey DEVICE =
      PrivateKey.fromHex("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d");
  private static final byte[] LAST_HASH =
      Hex.decode("5e541c38a4fe16eec93b9c182b96a67b6758c7ace0e587adbf517152462fc1c2");
  private static final byte[] RESUME_PREV =
      Hex.decode("8d3647df14e5b53fe88edc450f330796765f73fba98c8530c3ab7b3baa9a2cd6");

  static ChainRestart vector() {
    return new ChainRestart(
        DEVICE.publicKey(),
        0,
        1,
        LAST_HASH,
        3,
        RESUME_PREV,
        ReadingRefusal.POWER_IMPLAUSIBLE,
        Instant.parse("2026-11-25T10:00:10.000Z"));
  }

  @Test
  void frozenVector() {
    ChainRestart restart = vector();
    assertThat(Hex.toHexString(restart.encode()))
        .isEqualTo(
            "50574352"
                + "01"
                + DEVICE.publicKey().hex()
                + "0000"
                + "0000000000000001"
                + Hex.toHexString(LAST_HASH)
                + "0000000000000003"
                + Hex.toHexString(RESUME_PREV)
                + "000a"
                + "000001a212260010");
    assertThat(restart.digest()).isEqualTo(Hashes.sha256(restart.encode()));
    ChainRestart.Signed signed = restart.sign(DEVICE);
    assertThat(Hex.toHexString(signed.signature())).isEqualTo(FROZEN_SIGNATURE);
    assertThat(signed.verify()).isEqualTo(SignatureCheck.VALID);
  }

  static final String FROZEN_SIGNATURE =
      "304402207d2bcf5ea2bb3444a2ef79ee35c900ca3f4f2586313d9a46eaa0b4bf79b58af202203c9f4a0a21e460d9a058d1d5a62b6063046effaa48fad403894f2dacfbbad0d1";

  @Test
  void jsonRoundTripsAndAnyChangeBreaksTheSignature() {
    ChainRestart.Signed signed = vector().sign(DEVICE);
    Map<String, Object> json = new LinkedHashMap<>(Json.parseObject(Json.write(signed.toJson())));
    ChainRestart.Signed back = ChainRestart.Signed.fromJson(json);
    assertThat(back.restart()).isEqualTo(signed.restart());
    assertThat(back.signature()).isEqualTo(signed.signature());
    assertThat(back.verify()).isEqualTo(SignatureCheck.VALID);

    json.put("resumeSequence", 4L);
    assertThat(ChainRestart.Signed.fromJson(json).verify()).isNotEqualTo(SignatureCheck.VALID);
  }

  @Test
  void malformedRestartsAreFormatErrors() {
    Map<String, Object> json =
        new LinkedHashMap<>(Json.parseObject(Json.write(vector().sign(DEVICE).toJson())));
    json.put("reason", "GAP");
    assertThatThrownBy(() -> ChainRestart.Signed.fromJson(json))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("does not break a chain");
    json.put("reason", "NO_SUCH_REASON");
    assertThatThrownBy(() -> ChainRestart.Signed.fromJson(json))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("unknown reason");
    json.put("reason", "POWER_IMPLAUSIBLE");
    json.put("resumeSequence", 1L);
    assertThatThrownBy(() -> ChainRestart.Signed.fromJson(json))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("must be after lastSequence");
    json.put("resumeSequence", 3L);
    json.put("extra", true);
    assertThatThrownBy(() -> ChainRestart.Signed.fromJson(json))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("unknown field");
  }

  @Test
  void aRestartedHeadTakesTheResumedReadingWithAnyCountersButNotAnEarlierTime() {
    ChainHead restarted =
        new ChainHead(2, RESUME_PREV, Instant.parse("2026-11-25T10:00:05Z"), 5_000, 100, true);
    MeterReading lower = reading(3, RESUME_PREV, "2026-11-25T10:00:15Z", 10);
    assertThat(ReadingChain.checkNext(restarted, lower)).isEqualTo(ReadingChainCheck.LINKED);
    ChainHead normal =
        new ChainHead(2, RESUME_PREV, Instant.parse("2026-11-25T10:00:05Z"), 5_000, 100, false);
    assertThat(ReadingChain.checkNext(normal, lower))
        .isEqualTo(ReadingChainCheck.COUNTER_DECREASED);
    assertThat(
            ReadingChain.checkNext(restarted, reading(3, RESUME_PREV, "2026-11-25T10:00:05Z", 10)))
        .isEqualTo(ReadingChainCheck.TIME_NOT_INCREASING);
    assertThat(ReadingChain.checkNext(restarted, reading(3, LAST_HASH, "2026-11-25T10:00:15Z", 10)))
        .isEqualTo(ReadingChainCheck.PREV_HASH_MISMATCH);
    assertThat(
            ReadingChain.checkNext(restarted, reading(4, RESUME_PREV, "2026-11-25T10:00:15Z", 10)))
        .isEqualTo(ReadingChainCheck.SEQUENCE_NOT_NEXT);
  }

  @Test
  void everyRefusalHasOneRemedyAndStableCodes() {
    assertThat(ReadingRefusal.FUTURE_TIMESTAMP.retryable()).isTrue();
    assertThat(ReadingRefusal.GAP.retryable()).isTrue();
    assertThat(ReadingRefusal.POWER_IMPLAUSIBLE.remedy())
        .isEqualTo(ReadingRefusal.Remedy.RESTART_AFTER);
    assertThat(ReadingRefusal.PREV_HASH_MISMATCH.remedy())
        .isEqualTo(ReadingRefusal.Remedy.RESTART_AT);
    for (ReadingRefusal r : ReadingRefusal.values()) {
      assertThat(ReadingRefusal.ofCode(r.code())).isEqualTo(r);
      assertThat(ReadingRefusal.ofName(r.name())).isEqualTo(r);
    }
    assertThat(ReadingRefusal.ofName("SOMETHING_NEW")).isNull();
  }

  private static MeterReading reading(long sequence, byte[] prev, String at, long importWh) {
    return new MeterReading(
        MeterReading.VERSION_1,
        DEVICE.publicKey(),
        0,
        sequence,
        Instant.parse(at),
        importWh,
        0,
        100,
        230_000,
        EnumSet.noneOf(ReadingFlag.class),
        prev);
  }
}
