package io.peerwatt.protocol.reading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DeviceRequestSigningTest {
  private static final byte[] NONCE = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
  private static final Instant SENT = Instant.parse("2026-12-02T10:15:30.123Z");
  private static final byte[] BODY = "{\"sequence\":3}".getBytes(StandardCharsets.UTF_8);

  @Test
  void theDigestIsTheDocumentedConcatenation() {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes("PWR1POST".getBytes(StandardCharsets.US_ASCII));
    expected.write(0);
    expected.writeBytes("/api/v1/gateway/channels/c-1/acks".getBytes(StandardCharsets.US_ASCII));
    expected.write(0);
    expected.writeBytes(NONCE);
    expected.writeBytes(ByteBuffer.allocate(8).putLong(SENT.toEpochMilli()).array());
    expected.writeBytes(Hashes.sha256(BODY));
    byte[] digest =
        DeviceRequestSigning.digest("POST", "/api/v1/gateway/channels/c-1/acks", NONCE, SENT, BODY);
    assertThat(digest).isEqualTo(Hashes.sha256(expected.toByteArray()));
    // frozen: gateways in the field compute exactly this
    assertThat(HexFormat.of().formatHex(digest))
        .isEqualTo("31f79dc3b6cee2845ab7b1467f21cdd85cf8a6894be2c56e8f56909b8ffd8c33");
  }

  @Test
  void everyPartIsCovered() {
    byte[] base =
        DeviceRequestSigning.digest("GET", "/api/v1/gateway/wallet", NONCE, SENT, new byte[0]);
    assertThat(
            DeviceRequestSigning.digest("PUT", "/api/v1/gateway/wallet", NONCE, SENT, new byte[0]))
        .isNotEqualTo(base);
    assertThat(
            DeviceRequestSigning.digest(
                "GET", "/api/v1/gateway/wallet?x=1", NONCE, SENT, new byte[0]))
        .isNotEqualTo(base);
    byte[] otherNonce = NONCE.clone();
    otherNonce[15] ^= 1;
    assertThat(
            DeviceRequestSigning.digest(
                "GET", "/api/v1/gateway/wallet", otherNonce, SENT, new byte[0]))
        .isNotEqualTo(base);
    assertThat(
            DeviceRequestSigning.digest(
                "GET", "/api/v1/gateway/wallet", NONCE, SENT.plusMillis(1), new byte[0]))
        .isNotEqualTo(base);
    assertThat(
            DeviceRequestSigning.digest(
                "GET", "/api/v1/gateway/wallet", NONCE, SENT, new byte[] {0}))
        .isNotEqualTo(base);
    assertThatThrownBy(
            () -> DeviceRequestSigning.digest("GET", "/", new byte[15], SENT, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDeviceSignatureVerifiesOnlyForItsRequest() {
    PrivateKey device =
        PrivateKey.fromBytes(Hashes.sha256("device".getBytes(StandardCharsets.US_ASCII)));
    byte[] digest =
        DeviceRequestSigning.digest("POST", "/api/v1/gateway/faucet", NONCE, SENT, BODY);
    byte[] signature = device.signDer(digest);
    assertThat(device.publicKey().check(digest, signature)).isEqualTo(SignatureCheck.VALID);
    byte[] other =
        DeviceRequestSigning.digest(
            "POST", "/api/v1/gateway/faucet", NONCE, SENT, "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(device.publicKey().check(other, signature)).isNotEqualTo(SignatureCheck.VALID);
  }
}
