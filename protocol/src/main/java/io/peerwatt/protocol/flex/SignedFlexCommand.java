package io.peerwatt.protocol.flex;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.ReadingCodec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link FlexCommand} with the platform key's low-S strict-DER ECDSA signature over its {@link
 * FlexCommand#digest()}.
 *
 * <p>JSON form (strict: every field required, no other field, times ISO-8601 UTC with at most
 * millisecond precision): {@code {"commandId","deviceId","eventId","action":"REDUCE_IMPORT",
 * "watts":1500,"validFrom":"…Z","validUntil":"…Z","issuedAt":"…Z","signature":"<hex DER>"}}.
 *
 * @param command the signed command
 * @param signature strict DER signature by the platform key
 */
public record SignedFlexCommand(FlexCommand command, byte[] signature) {

  private static final String[] JSON_FIELDS = {
    "commandId",
    "deviceId",
    "eventId",
    "action",
    "watts",
    "validFrom",
    "validUntil",
    "issuedAt",
    "signature"
  };

  public SignedFlexCommand {
    if (command == null) {
      throw new IllegalArgumentException("command is required");
    }
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** Signs {@code command} with the platform key. */
  public static SignedFlexCommand sign(FlexCommand command, PrivateKey platformKey) {
    return new SignedFlexCommand(command, platformKey.signDer(command.digest()));
  }

  /** Why the signature does or does not verify with {@code platformKey}. */
  public SignatureCheck check(PublicKey platformKey) {
    return platformKey.check(command.digest(), signature);
  }

  /** True when {@code platformKey} signed exactly this command. */
  public boolean verify(PublicKey platformKey) {
    return check(platformKey) == SignatureCheck.VALID;
  }

  /** The JSON object's members in order. */
  public Map<String, Object> toJsonMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("commandId", command.commandId());
    m.put("deviceId", command.deviceId());
    m.put("eventId", command.eventId());
    m.put("action", command.action().name());
    m.put("watts", command.watts());
    m.put("validFrom", ReadingCodec.formatInstant(command.validFrom()));
    m.put("validUntil", ReadingCodec.formatInstant(command.validUntil()));
    m.put("issuedAt", ReadingCodec.formatInstant(command.issuedAt()));
    m.put("signature", StrictHex.encode(signature));
    return m;
  }

  /** Compact JSON text. */
  public String toJson() {
    return Json.write(toJsonMap());
  }

  /** Parses the JSON text; {@link FormatException} on anything malformed. */
  public static SignedFlexCommand fromJson(String json) {
    return fromJsonMap(Json.parseObject(json));
  }

  /** Parses the JSON object; {@link FormatException} on anything malformed. */
  public static SignedFlexCommand fromJsonMap(Map<String, Object> m) {
    Json.requireOnly(m, "signed flexibility command", JSON_FIELDS);
    byte[] sig = StrictHex.decode(Json.string(m, "signature"), "signature");
    if (sig.length < 8 || sig.length > 72) {
      throw new FormatException("signature length must be in [8, 72], got " + sig.length);
    }
    try {
      FlexCommand command =
          new FlexCommand(
              Json.string(m, "commandId"),
              Json.string(m, "deviceId"),
              Json.string(m, "eventId"),
              FlexAction.ofName(Json.string(m, "action")),
              Json.integer(m, "watts", 1, Long.MAX_VALUE),
              ReadingCodec.parseInstant(Json.string(m, "validFrom"), "validFrom"),
              ReadingCodec.parseInstant(Json.string(m, "validUntil"), "validUntil"),
              ReadingCodec.parseInstant(Json.string(m, "issuedAt"), "issuedAt"));
      return new SignedFlexCommand(command, sig);
    } catch (IllegalArgumentException e) {
      throw new FormatException("invalid flexibility command: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedFlexCommand s
        && command.equals(s.command)
        && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return command.hashCode() * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "SignedFlexCommand[" + toJson() + "]";
  }
}
