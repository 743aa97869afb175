package io.peerwatt.protocol.reading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

class ReadingFormatTest {
  private static final PrivateKey DEVICE =
      PrivateKey.fromHex("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d");

  static Map<String, Object> vectors() {
    try (InputStream in = ReadingFormatTest.class.getResourceAsStream("reading-vectors.json")) {
      return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void frozenReadingVectorsMatchByteForByte() {
    Map<String, Object> v = vectors();
    PrivateKey device = PrivateKey.fromHex((String) v.get("devicePrivateKey"));
    assertThat(device).isEqualTo(DEVICE);
    List<Object> readings = (List<Object>) v.get("readings");
    assertThat(readings).hasSize(3);
    MeterReading previous = null;
    for (Object o : readings) {
      Map<String, Object> vec = (Map<String, Object>) o;
      Map<String, Object> json = (Map<String, Object>) vec.get("json");
      SignedReading fromJson = SignedReading.fromJson(json);
      MeterReading r = fromJson.reading();
      assertThat(Hex.toHexString(r.encode())).isEqualTo(vec.get("encoding"));
      assertThat(Hex.toHexString(r.hash())).isEqualTo(vec.get("hash"));
      // deterministic signing reproduces the frozen signature
      SignedReading signed = SignedReading.sign(r, device);
      assertThat(Hex.toHexString(signed.signature())).isEqualTo(vec.get("signature"));
      assertThat(Hex.toHexString(signed.encode())).isEqualTo(vec.get("signed"));
      assertThat(signed).isEqualTo(fromJson);
      assertThat(signed.verify()).isEqualTo(SignatureCheck.VALID);
      // both directions: bytes -> record -> JSON reproduces the JSON vector exactly
      SignedReading decoded = SignedReading.decode(Hex.decode((String) vec.get("signed")));
      assertThat(decoded).isEqualTo(signed);
      assertThat(Json.write(decoded.toJson())).isEqualTo(Json.write(json));
      assertThat(
              MeterReading.class.cast(
                  ReadingCodec.decode(Hex.decode((String) vec.get("encoding")))))
          .isEqualTo(r);
      if (previous != null && r.channel() == previous.channel()) {
        assertThat(ReadingChain.checkLink(previous, r)).isEqualTo(ReadingChainCheck.LINKED);
      } else {
        assertThat(ReadingChain.checkFirst(r)).isEqualTo(ReadingChainCheck.LINKED);
      }
      previous = r;
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void frozenCertificateVectorMatchesByteForByte() {
    Map<String, Object> v = vectors();
    PrivateKey platform = PrivateKey.fromHex((String) v.get("platformPrivateKey"));
    Map<String, Object> vec = (Map<String, Object>) v.get("certificate");
    SignedDeviceCertificate fromJson =
        SignedDeviceCertificate.fromJson((Map<String, Object>) vec.get("json"));
    DeviceCertificate c = fromJson.certificate();
    assertThat(Hex.toHexString(c.encode())).isEqualTo(vec.get("encoding"));
    assertThat(Hex.toHexString(c.hash())).isEqualTo(vec.get("hash"));
    SignedDeviceCertificate signed = SignedDeviceCertificate.sign(c, platform);
    assertThat(Hex.toHexString(signed.encode())).isEqualTo(vec.get("signed"));
    assertThat(signed).isEqualTo(fromJson);
    assertThat(SignedDeviceCertificate.decode(Hex.decode((String) vec.get("signed"))))
        .isEqualTo(signed);
    assertThat(Json.write(signed.toJson())).isEqualTo(Json.write(vec.get("json")));

    PublicKey trusted = platform.publicKey();
    assertThat(signed.check(trusted, Instant.parse("2026-11-25T10:00:00Z")))
        .isEqualTo(CertificateCheck.VALID);
    assertThat(signed.check(trusted, Instant.parse("2026-10-31T23:59:59.999Z")))
        .isEqualTo(CertificateCheck.NOT_YET_VALID);
    assertThat(signed.check(trusted, Instant.parse("2027-11-01T00:00:00Z")))
        .isEqualTo(CertificateCheck.EXPIRED);
    assertThat(signed.check(DEVICE.publicKey(), Instant.parse("2026-11-25T10:00:00Z")))
        .isEqualTo(CertificateCheck.UNTRUSTED_ISSUER);
    MeterReading r = SignedReading.fromJson(firstReadingJson()).reading();
    assertThat(signed.checkCovers(trusted, r)).isEqualTo(CertificateCheck.VALID);
    byte[] tampered = signed.encode();
    tampered[20] ^= 1;
    assertThat(
            SignedDeviceCertificate.decode(tampered)
                .check(trusted, Instant.parse("2026-11-25T10:00:00Z")))
        .isEqualTo(CertificateCheck.BAD_SIGNATURE);
    // issuance alone (what an anchored enrolment proves) holds whenever the certificate is checked
    assertThat(signed.checkIssuer(trusted)).isEqualTo(CertificateCheck.VALID);
    assertThat(signed.checkIssuer(DEVICE.publicKey())).isEqualTo(CertificateCheck.UNTRUSTED_ISSUER);
    assertThat(SignedDeviceCertificate.decode(tampered).checkIssuer(trusted))
        .isEqualTo(CertificateCheck.BAD_SIGNATURE);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> firstReadingJson() {
    List<Object> readings = (List<Object>) vectors().get("readings");
    return (Map<String, Object>) ((Map<String, Object>) readings.get(0)).get("json");
  }

  @Test
  void chainRules() {
    MeterReading first =
        reading(0, 1, "2026-11-25T10:00:00Z", 100, 5, Set.of(), MeterReading.noPrevious());
    MeterReading next = reading(0, 2, "2026-11-25T10:00:05Z", 101, 5, Set.of(), first.hash());
    assertThat(ReadingChain.checkFirst(first)).isEqualTo(ReadingChainCheck.LINKED);
    assertThat(ReadingChain.checkFirst(next)).isEqualTo(ReadingChainCheck.NOT_FIRST);
    assertThat(ReadingChain.checkLink(first, next)).isEqualTo(ReadingChainCheck.LINKED);
    assertThat(
            ReadingChain.checkLink(
                first, reading(1, 2, "2026-11-25T10:00:05Z", 101, 5, Set.of(), first.hash())))
        .isEqualTo(ReadingChainCheck.CHANNEL_CHANGED);
    assertThat(
            ReadingChain.checkLink(
                first, reading(0, 3, "2026-11-25T10:00:05Z", 101, 5, Set.of(), first.hash())))
        .isEqualTo(ReadingChainCheck.SEQUENCE_NOT_NEXT);
    assertThat(
            ReadingChain.checkLink(
                first, reading(0, 2, "2026-11-25T10:00:05Z", 101, 5, Set.of(), new byte[32])))
        .isEqualTo(ReadingChainCheck.PREV_HASH_MISMATCH);
    assertThat(
            ReadingChain.checkLink(
                first, reading(0, 2, "2026-11-25T10:00:00Z", 101, 5, Set.of(), first.hash())))
        .isEqualTo(ReadingChainCheck.TIME_NOT_INCREASING);
    assertThat(
            ReadingChain.checkLink(
                first, reading(0, 2, "2026-11-25T10:00:05Z", 99, 5, Set.of(), first.hash())))
        .isEqualTo(ReadingChainCheck.COUNTER_DECREASED);
    assertThat(
            ReadingChain.checkLink(
                first,
                reading(
                    0,
                    2,
                    "2026-11-25T10:00:05Z",
                    0,
                    0,
                    Set.of(ReadingFlag.METER_SWAPPED),
                    first.hash())))
        .isEqualTo(ReadingChainCheck.LINKED);
    MeterReading other =
        new MeterReading(
            1,
            PrivateKey.fromHex("00".repeat(31) + "07").publicKey(),
            0,
            2,
            Instant.parse("2026-11-25T10:00:05Z"),
            101,
            5,
            0,
            0,
            Set.of(),
            first.hash());
    assertThat(ReadingChain.checkLink(first, other)).isEqualTo(ReadingChainCheck.DEVICE_CHANGED);
    assertThat(ReadingChain.firstBrokenLink(List.of(first, next), true)).isEqualTo(-1);
    assertThat(ReadingChain.firstBrokenLink(List.of(first, next, next), true)).isEqualTo(2);
  }

  @Test
  void strictDecoding() {
    byte[] good =
        reading(0, 1, "2026-11-25T10:00:00Z", 1, 1, Set.of(), MeterReading.noPrevious()).encode();
    assertThatThrownBy(() -> ReadingCodec.decode(java.util.Arrays.copyOf(good, 109)))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> ReadingCodec.decode(java.util.Arrays.copyOf(good, 111)))
        .hasMessageContaining("trailing");
    byte[] v2 = good.clone();
    v2[0] = 2;
    assertThatThrownBy(() -> ReadingCodec.decode(v2)).hasMessageContaining("version");
    byte[] flags = good.clone();
    flags[76] = (byte) 0x80;
    assertThatThrownBy(() -> ReadingCodec.decode(flags)).hasMessageContaining("flag");
    // bit 5 is incomplete; bit 6 is the first undefined one
    byte[] incomplete = good.clone();
    incomplete[77] = 0x20;
    assertThat(ReadingCodec.decode(incomplete).flags()).containsExactly(ReadingFlag.INCOMPLETE);
    byte[] undefined = good.clone();
    undefined[77] = 0x40;
    assertThatThrownBy(() -> ReadingCodec.decode(undefined)).hasMessageContaining("0x40");
    byte[] negative = good.clone();
    negative[52] = (byte) 0x80;
    assertThatThrownBy(() -> ReadingCodec.decode(negative)).hasMessageContaining("importWh");
    Map<String, Object> json = new LinkedHashMap<>(firstReadingJson());
    json.put("extra", 1L);
    assertThatThrownBy(() -> SignedReading.fromJson(json)).hasMessageContaining("unknown field");
    Map<String, Object> wrongHash = new LinkedHashMap<>(firstReadingJson());
    wrongHash.put("importWh", 1234568L);
    assertThatThrownBy(() -> SignedReading.fromJson(wrongHash))
        .hasMessageContaining("hash does not match");
    Map<String, Object> micro = new LinkedHashMap<>(firstReadingJson());
    micro.remove("hash");
    micro.put("takenAt", "2026-11-25T10:00:00.000001Z");
    assertThatThrownBy(() -> SignedReading.fromJson(micro)).hasMessageContaining("millisecond");
    Map<String, Object> early = new LinkedHashMap<>(micro);
    early.put("takenAt", "1969-12-31T23:59:59Z");
    assertThatThrownBy(() -> SignedReading.fromJson(early)).isInstanceOf(FormatException.class);
    Map<String, Object> late = new LinkedHashMap<>(micro);
    late.put("takenAt", "+1000000000-01-01T00:00:00Z");
    assertThatThrownBy(() -> SignedReading.fromJson(late)).isInstanceOf(FormatException.class);
  }

  static MeterReading reading(
      int channel, long seq, String at, long imp, long exp, Set<ReadingFlag> flags, byte[] prev) {
    return new MeterReading(
        1, DEVICE.publicKey(), channel, seq, Instant.parse(at), imp, exp, 500, 230000, flags, prev);
  }

  @Provide
  static Arbitrary<MeterReading> readings() {
    Arbitrary<Set<ReadingFlag>> flags = Arbitraries.of(ReadingFlag.class).set();
    Arbitrary<byte[]> prev = Arbitraries.bytes().array(byte[].class).ofSize(32);
    return Combinators.combine(
            Arbitraries.integers().between(0, 0xFFFF),
            Arbitraries.longs().greaterOrEqual(0),
            Arbitraries.longs().between(0, 253_402_300_799_999L).map(Instant::ofEpochMilli),
            Arbitraries.longs().greaterOrEqual(0),
            Arbitraries.longs().greaterOrEqual(0),
            Arbitraries.integers(),
            Arbitraries.integers().greaterOrEqual(0),
            flags)
        .flatAs(
            (ch, seq, at, imp, exp, pw, mv, fl) ->
                prev.map(
                    p ->
                        new MeterReading(
                            1, DEVICE.publicKey(), ch, seq, at, imp, exp, pw, mv, fl, p)));
  }

  @Property(tries = 200)
  void binaryAndJsonRoundTrip(@ForAll("readings") MeterReading r) {
    assertThat(r.encode()).hasSize(ReadingCodec.ENCODED_LENGTH);
    assertThat(ReadingCodec.decode(r.encode())).isEqualTo(r);
    String json = Json.write(r.toJson());
    MeterReading back = ReadingCodec.fromJson(Json.parseObject(json));
    assertThat(back.encode()).isEqualTo(r.encode());
  }

  @Property(tries = 300)
  void anySingleFlippedBitFailsVerification(
      @ForAll("readings") MeterReading r, @ForAll @IntRange(min = 0, max = 8 * 182) int bitChoice) {
    byte[] bytes = SignedReading.sign(r, DEVICE).encode();
    assertThat(verifies(bytes)).isTrue();
    int bit = bitChoice % (bytes.length * 8);
    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
    assertThat(verifies(bytes)).as("bit %d", bit).isFalse();
  }

  @Test
  @SuppressWarnings("unchecked")
  void everySingleBitFlipOfAVectorFailsVerification() {
    Map<String, Object> vec =
        (Map<String, Object>) ((List<Object>) vectors().get("readings")).get(1);
    byte[] bytes = Hex.decode((String) vec.get("signed"));
    assertThat(verifies(bytes)).isTrue();
    for (int bit = 0; bit < bytes.length * 8; bit++) {
      byte[] flipped = bytes.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThat(verifies(flipped)).as("bit %d", bit).isFalse();
    }
  }

  private static boolean verifies(byte[] bytes) {
    try {
      return SignedReading.decode(bytes).verify() == SignatureCheck.VALID;
    } catch (FormatException e) {
      return false;
    }
  }

  @Provide
  static Arbitrary<String> idText() {
    return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(64);
  }

  @Property(tries = 40)
  void certificateRoundTripsAndAnyFlippedBitFails(
      @ForAll("idText") String meteringPoint,
      @ForAll("idText") String owner,
      @ForAll("idText") String zone,
      @ForAll @IntRange(min = 0, max = 1_000_000) int days,
      @ForAll @IntRange(min = 0, max = 100_000) int bitChoice) {
    PrivateKey platform = PrivateKey.fromHex("00".repeat(31) + "09");
    Instant from = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(86_400L * (days % 3650));
    DeviceCertificate c =
        new DeviceCertificate(
            1,
            days,
            DEVICE.publicKey(),
            meteringPoint,
            owner,
            zone,
            from,
            from.plusSeconds(86_400L * (1 + days % 700)),
            platform.publicKey());
    SignedDeviceCertificate signed = SignedDeviceCertificate.sign(c, platform);
    assertThat(SignedDeviceCertificate.decode(signed.encode())).isEqualTo(signed);
    assertThat(SignedDeviceCertificate.fromJson(Json.parseObject(Json.write(signed.toJson()))))
        .isEqualTo(signed);
    assertThat(signed.check(platform.publicKey(), from)).isEqualTo(CertificateCheck.VALID);
    byte[] bytes = signed.encode();
    int bit = bitChoice % (bytes.length * 8);
    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
    CertificateCheck after;
    try {
      after = SignedDeviceCertificate.decode(bytes).check(platform.publicKey(), from);
    } catch (FormatException e) {
      after = null;
    }
    assertThat(after).as("bit %d", bit).isNotEqualTo(CertificateCheck.VALID);
  }

  @Test
  void signingRequiresTheDeviceKey() {
    MeterReading r =
        reading(
            0,
            1,
            "2026-11-25T10:00:00Z",
            1,
            1,
            EnumSet.noneOf(ReadingFlag.class),
            MeterReading.noPrevious());
    assertThatThrownBy(() -> SignedReading.sign(r, PrivateKey.fromHex("00".repeat(31) + "07")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new MeterReading(
                    1,
                    DEVICE.publicKey(),
                    0,
                    0,
                    Instant.parse("2026-11-25T10:00:00.000001Z"),
                    0,
                    0,
                    0,
                    0,
                    Set.of(),
                    new byte[32]))
        .hasMessageContaining("millisecond");
  }
}
