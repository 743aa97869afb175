package io.peerwatt.protocol.reading;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.keys.PrivateKey;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Frozen vectors for the batch and enrolment signing bytes (also computed independently with
 * Python's hashlib): gateways in the field sign these digests, so they must never change. Reading
 * hashes are vectors 1 and 2 of protocol/READING-FORMAT.md; the device key is its test key.
 */
class BatchAndEnrolmentSigningTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] NONCE = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
  private static final byte[] DEVICE_KEY =
      HEX.parseHex("02d0de0aaeaefad02b8bdc8a01a1b8b11c696bd3d66a2c5f10780d95b7df42645c");

  @Test
  void batchDigestVector() {
    byte[] digest =
        BatchAndEnrolmentSigning.batchDigest(
            NONCE,
            Instant.parse("2026-11-25T10:00:05.123Z"),
            List.of(
                HEX.parseHex("5e541c38a4fe16eec93b9c182b96a67b6758c7ace0e587adbf517152462fc1c2"),
                HEX.parseHex("8d3647df14e5b53fe88edc450f330796765f73fba98c8530c3ab7b3baa9a2cd6")));
    assertThat(HEX.formatHex(digest))
        .isEqualTo("c12ad4e8c8cc488e2d7047a3683b883dfdb8aec1f3deaa7f6ce353f4d2a49549");
  }

  @Test
  void enrolmentDigestVectors() {
    assertThat(
            HEX.formatHex(
                BatchAndEnrolmentSigning.enrolmentDigest(
                    "ABCD-1234", DEVICE_KEY, NONCE, List.of("12345678", "PV-99"))))
        .isEqualTo("3ef847323ed749d4c598d7568239e710d8dc19a19595b4740cf1ef47fae50e34");
    assertThat(
            HEX.formatHex(
                BatchAndEnrolmentSigning.enrolmentDigest(
                    "ABCD-1234", DEVICE_KEY, NONCE, List.of())))
        .isEqualTo("1ee289f79ee87de8fcbc6fb116924a3cbb2adfc42ddd45a32c606608bddd4849");
  }

  @Test
  void signaturesOverTheDigestVerifyWithTheDeviceKey() {
    PrivateKey key =
        PrivateKey.fromHex("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d");
    byte[] digest = Hashes.sha256("any".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(HEX.formatHex(key.publicKey().compressedBytes()))
        .isEqualTo(HEX.formatHex(DEVICE_KEY));
    assertThat(key.publicKey().verify(digest, key.signDer(digest))).isTrue();
  }
}
