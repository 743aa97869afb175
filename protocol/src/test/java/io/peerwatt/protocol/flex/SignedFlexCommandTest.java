package io.peerwatt.protocol.flex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignedFlexCommandTest {
  private static final PrivateKey PLATFORM = key("platform");
  private static final PrivateKey OTHER = key("someone else");
  private static final FlexCommand COMMAND =
      new FlexCommand(
          "cmd-1",
          "device-7",
          "event-42",
          FlexAction.REDUCE_IMPORT,
          1500,
          Instant.parse("2026-12-06T17:00:00Z"),
          Instant.parse("2026-12-06T18:00:00Z"),
          Instant.parse("2026-12-06T12:00:00.125Z"));

  private static PrivateKey key(String seed) {
    return PrivateKey.fromBytes(Hashes.sha256(seed.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void digestIsTheSpecifiedByteLayout() {
    byte[] expected =
        new ByteWriter()
            .write("PWF1".getBytes(StandardCharsets.US_ASCII))
            .write("cmd-1".getBytes(StandardCharsets.UTF_8))
            .writeByte(0)
            .write("device-7".getBytes(StandardCharsets.UTF_8))
            .writeByte(0)
            .write("event-42".getBytes(StandardCharsets.UTF_8))
            .writeByte(0)
            .writeByte(1)
            .writeInt64BE(1500)
            .writeInt64BE(Instant.parse("2026-12-06T17:00:00Z").toEpochMilli())
            .writeInt64BE(Instant.parse("2026-12-06T18:00:00Z").toEpochMilli())
            .writeInt64BE(Instant.parse("2026-12-06T12:00:00.125Z").toEpochMilli())
            .toByteArray();
    assertThat(COMMAND.encode()).isEqualTo(expected);
    assertThat(COMMAND.digest()).isEqualTo(Hashes.sha256(expected));
    assertThat(FlexAction.REDUCE_EXPORT.code()).isEqualTo(2);
  }

  @Test
  void signedCommandVerifiesAndRoundTripsThroughJson() {
    SignedFlexCommand signed = COMMAND.sign(PLATFORM);
    assertThat(signed.verify(PLATFORM.publicKey())).isTrue();

    String json = signed.toJson();
    assertThat(Json.parseObject(json).keySet())
        .containsExactly(
            "commandId",
            "deviceId",
            "eventId",
            "action",
            "watts",
            "validFrom",
            "validUntil",
            "issuedAt",
            "signature");
    assertThat(json)
        .contains(
            "\"action\":\"REDUCE_IMPORT\"",
            "\"watts\":1500",
            "\"issuedAt\":\"2026-12-06T12:00:00.125Z\"");
    SignedFlexCommand parsed = SignedFlexCommand.fromJson(json);
    assertThat(parsed).isEqualTo(signed);
    assertThat(parsed.verify(PLATFORM.publicKey())).isTrue();
  }

  @Test
  void signatureByAnotherKeyFails() {
    SignedFlexCommand forged = COMMAND.sign(OTHER);
    assertThat(forged.verify(PLATFORM.publicKey())).isFalse();
    assertThat(forged.check(PLATFORM.publicKey())).isEqualTo(SignatureCheck.MISMATCH);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "commandId",
        "deviceId",
        "eventId",
        "action",
        "watts",
        "validFrom",
        "validUntil",
        "issuedAt"
      })
  void changingAnyFieldBreaksTheSignature(String field) {
    Map<String, Object> json = new LinkedHashMap<>(COMMAND.sign(PLATFORM).toJsonMap());
    json.put(
        field,
        switch (field) {
          case "action" -> "REDUCE_EXPORT";
          case "watts" -> 1501L;
          case "validFrom" -> "2026-12-06T16:59:59.999Z";
          case "validUntil" -> "2026-12-06T18:00:00.001Z";
          case "issuedAt" -> "2026-12-06T12:00:00.126Z";
          default -> json.get(field) + "x";
        });
    SignedFlexCommand changed = SignedFlexCommand.fromJson(Json.write(json));
    assertThat(changed.verify(PLATFORM.publicKey())).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[]",
        "{}",
        "{\"commandId\":\"c\"}",
        // unknown field
        "{\"commandId\":\"c\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"REDUCE_IMPORT\",\"watts\":1,\"validFrom\":\"2026-12-06T17:00:00Z\",\"validUntil\":\"2026-12-06T18:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\"SIG\",\"extra\":1}",
        // unknown action
        "{\"commandId\":\"c\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"reduce_import\",\"watts\":1,\"validFrom\":\"2026-12-06T17:00:00Z\",\"validUntil\":\"2026-12-06T18:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\"SIG\"}",
        // watts zero
        "{\"commandId\":\"c\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"REDUCE_IMPORT\",\"watts\":0,\"validFrom\":\"2026-12-06T17:00:00Z\",\"validUntil\":\"2026-12-06T18:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\"SIG\"}",
        // watts as a string
        "{\"commandId\":\"c\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"REDUCE_IMPORT\",\"watts\":\"1\",\"validFrom\":\"2026-12-06T17:00:00Z\",\"validUntil\":\"2026-12-06T18:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\"SIG\"}",
        // watts with a fraction
        "{\"commandId\":\"c\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"REDUCE_IMPORT\",\"watts\":1.5,\"validFrom\":\"2026-12-06T17:00:00Z\",\"validUntil\":\"2026-12-06T18:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\"SIG\"}",
        // window ends before it starts
        "{\"commandId\":\"c\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"REDUCE_IMPORT\",\"watts\":1,\"validFrom\":\"2026-12-06T18:00:00Z\",\"validUntil\":\"2026-12-06T17:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\"SIG\"}",
        // not an instant
        "{\"commandId\":\"c\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"REDUCE_IMPORT\",\"watts\":1,\"validFrom\":\"2026-12-06 17:00\",\"validUntil\":\"2026-12-06T18:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\"SIG\"}",
        // microseconds
        "{\"commandId\":\"c\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"REDUCE_IMPORT\",\"watts\":1,\"validFrom\":\"2026-12-06T17:00:00.000001Z\",\"validUntil\":\"2026-12-06T18:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\"SIG\"}",
        // empty id
        "{\"commandId\":\"\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"REDUCE_IMPORT\",\"watts\":1,\"validFrom\":\"2026-12-06T17:00:00Z\",\"validUntil\":\"2026-12-06T18:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\"SIG\"}",
        // NUL inside an id would make the digest ambiguous
        "{\"commandId\":\"c\\u0000\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"REDUCE_IMPORT\",\"watts\":1,\"validFrom\":\"2026-12-06T17:00:00Z\",\"validUntil\":\"2026-12-06T18:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\"SIG\"}",
        // signature not hex
        "{\"commandId\":\"c\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"REDUCE_IMPORT\",\"watts\":1,\"validFrom\":\"2026-12-06T17:00:00Z\",\"validUntil\":\"2026-12-06T18:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\"zz\"}",
        // duplicate key
        "{\"commandId\":\"c\",\"commandId\":\"c\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"REDUCE_IMPORT\",\"watts\":1,\"validFrom\":\"2026-12-06T17:00:00Z\",\"validUntil\":\"2026-12-06T18:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\"SIG\"}"
      })
  void malformedJsonIsRefused(String template) {
    String json =
        template.replace("SIG", COMMAND.sign(PLATFORM).toJsonMap().get("signature").toString());
    assertThatThrownBy(() -> SignedFlexCommand.fromJson(json)).isInstanceOf(FormatException.class);
  }

  @Test
  void aWellFormedTemplateParses() {
    String json =
        "{\"commandId\":\"c\",\"deviceId\":\"d\",\"eventId\":\"e\",\"action\":\"REDUCE_EXPORT\",\"watts\":1,\"validFrom\":\"2026-12-06T17:00:00Z\",\"validUntil\":\"2026-12-06T18:00:00Z\",\"issuedAt\":\"2026-12-06T12:00:00Z\",\"signature\":\""
            + COMMAND.sign(PLATFORM).toJsonMap().get("signature")
            + "\"}";
    assertThat(SignedFlexCommand.fromJson(json).command().action())
        .isEqualTo(FlexAction.REDUCE_EXPORT);
  }

  @Test
  void constructorRefusesNonPositiveWatts() {
    assertThatThrownBy(
            () ->
                new FlexCommand(
                    "c",
                    "d",
                    "e",
                    FlexAction.REDUCE_EXPORT,
                    -1,
                    COMMAND.validFrom(),
                    COMMAND.validUntil(),
                    COMMAND.issuedAt()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("watts");
  }
}
