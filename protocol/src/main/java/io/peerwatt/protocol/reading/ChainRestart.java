package io.peerwatt.protocol.reading;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A gateway's explicit, device-signed break of one reading chain (READING-FORMAT.md, section 7):
 * the platform refused a reading permanently, so the chain it holds can never be continued by the
 * readings the gateway has. The event names where the platform's chain stands ({@code
 * lastSequence}, {@code lastHash}) and where the gateway resumes ({@code resumeSequence}, whose
 * reading has {@code resumePrevHash} as its prevHash). Bound to the platform's position, it cannot
 * be replayed once the chain moved on, and it can only move a chain forward.
 *
 * @param deviceKey the device whose chain restarts
 * @param channel the chain's meter channel, uint16
 * @param lastSequence the sequence of the last reading the platform accepted; 0 when it holds none
 * @param lastHash that reading's hash, 32 bytes; all zero when the platform holds none
 * @param resumeSequence the sequence of the next reading the gateway uploads; greater than {@code
 *     lastSequence} when the platform holds a reading
 * @param resumePrevHash that reading's prevHash, 32 bytes
 * @param reason the refusal that broke the chain; its remedy is {@code RESTART_AT} or {@code
 *     RESTART_AFTER}
 * @param restartedAt when the gateway decided it (ms precision, UTC)
 */
public record ChainRestart(
    PublicKey deviceKey,
    int channel,
    long lastSequence,
    byte[] lastHash,
    long resumeSequence,
    byte[] resumePrevHash,
    ReadingRefusal reason,
    Instant restartedAt) {
  /** Format version of the signed bytes. */
  public static final int VERSION_1 = 1;

  private static final byte[] TAG = "PWCR".getBytes(StandardCharsets.US_ASCII);
  private static final String[] FIELDS = {
    "version",
    "deviceKey",
    "channel",
    "lastSequence",
    "lastHash",
    "resumeSequence",
    "resumePrevHash",
    "reason",
    "restartedAt",
    "signature"
  };

  public ChainRestart {
    if (!deviceKey.isCompressed()) {
      throw new IllegalArgumentException("device key must be compressed");
    }
    if (channel < 0 || channel > 0xFFFF) {
      throw new IllegalArgumentException("channel must be in [0, 65535]: " + channel);
    }
    if (lastHash.length != 32 || resumePrevHash.length != 32) {
      throw new IllegalArgumentException("lastHash and resumePrevHash are 32 bytes");
    }
    if (lastSequence < 0 || resumeSequence < 0) {
      throw new IllegalArgumentException("sequences must not be negative");
    }
    boolean platformHoldsNone = Arrays.equals(lastHash, MeterReading.noPrevious());
    if (platformHoldsNone && lastSequence != 0) {
      throw new IllegalArgumentException("lastSequence must be 0 when lastHash is all zero");
    }
    if (!platformHoldsNone && resumeSequence <= lastSequence) {
      throw new IllegalArgumentException(
          "resumeSequence " + resumeSequence + " must be after lastSequence " + lastSequence);
    }
    if (reason.remedy() != ReadingRefusal.Remedy.RESTART_AT
        && reason.remedy() != ReadingRefusal.Remedy.RESTART_AFTER) {
      throw new IllegalArgumentException(reason + " does not break a chain");
    }
    if (restartedAt.getNano() % 1_000_000 != 0 || restartedAt.isBefore(Instant.EPOCH)) {
      throw new IllegalArgumentException("restartedAt must be ms precision, not before 1970");
    }
    lastHash = lastHash.clone();
    resumePrevHash = resumePrevHash.clone();
  }

  /** A restart signed by its device: the signature is strict DER, low S, over {@link #digest}. */
  public record Signed(ChainRestart restart, byte[] signature) {
    public Signed {
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    public SignatureCheck verify() {
      return restart.deviceKey().check(restart.digest(), signature);
    }

    /** The JSON form: the restart's members then {@code signature} (DER hex). */
    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", (long) VERSION_1);
      m.put("deviceKey", restart.deviceKey().hex());
      m.put("channel", (long) restart.channel());
      m.put("lastSequence", restart.lastSequence());
      m.put("lastHash", StrictHex.encode(restart.lastHash()));
      m.put("resumeSequence", restart.resumeSequence());
      m.put("resumePrevHash", StrictHex.encode(restart.resumePrevHash()));
      m.put("reason", restart.reason().name());
      m.put("restartedAt", ReadingCodec.formatInstant(restart.restartedAt()));
      m.put("signature", StrictHex.encode(signature));
      return m;
    }

    /** The signed restart of its JSON form; the signature is not verified. */
    public static Signed fromJson(Map<String, Object> m) {
      Json.requireOnly(m, "chain restart", FIELDS);
      long version = Json.integer(m, "version");
      if (version != VERSION_1) {
        throw new FormatException("unsupported chain restart version " + version);
      }
      PublicKey key =
          PublicKey.fromBytes(
              StrictHex.decode(
                  Json.string(m, "deviceKey"), PublicKey.COMPRESSED_LENGTH, "deviceKey"));
      ReadingRefusal reason = ReadingRefusal.ofName(Json.string(m, "reason"));
      if (reason == null) {
        throw new FormatException("unknown reason \"" + Json.string(m, "reason") + "\"");
      }
      byte[] signature = StrictHex.decode(Json.string(m, "signature"), "signature");
      if (signature.length < 8 || signature.length > 72) {
        throw new FormatException("signature length must be in [8, 72], got " + signature.length);
      }
      try {
        return new Signed(
            new ChainRestart(
                key,
                (int) Json.integer(m, "channel", 0, 0xFFFF),
                Json.integer(m, "lastSequence", 0, Long.MAX_VALUE),
                StrictHex.decode(Json.string(m, "lastHash"), 32, "lastHash"),
                Json.integer(m, "resumeSequence", 0, Long.MAX_VALUE),
                StrictHex.decode(Json.string(m, "resumePrevHash"), 32, "resumePrevHash"),
                reason,
                ReadingCodec.parseInstant(Json.string(m, "restartedAt"), "restartedAt")),
            signature);
      } catch (IllegalArgumentException e) {
        throw new FormatException("invalid chain restart: " + e.getMessage(), e);
      }
    }
  }

  /** True when the platform held no reading of the chain. */
  public boolean fromNothing() {
    return Arrays.equals(lastHash, MeterReading.noPrevious());
  }

  @Override
  public byte[] lastHash() {
    return lastHash.clone();
  }

  @Override
  public byte[] resumePrevHash() {
    return resumePrevHash.clone();
  }

  /**
   * The 130 signed bytes: ASCII "PWCR" || version (uint8, 1) || deviceKey (33) || channel (uint16)
   * || lastSequence (int64) || lastHash (32) || resumeSequence (int64) || resumePrevHash (32) ||
   * reason code (uint16) || restartedAt epoch ms (int64), all big-endian.
   */
  public byte[] encode() {
    return ByteBuffer.allocate(130)
        .put(TAG)
        .put((byte) VERSION_1)
        .put(deviceKey.compressedBytes())
        .putShort((short) channel)
        .putLong(lastSequence)
        .put(lastHash)
        .putLong(resumeSequence)
        .put(resumePrevHash)
        .putShort((short) reason.code())
        .putLong(restartedAt.toEpochMilli())
        .array();
  }

  /** SHA-256 of {@link #encode()}: what the device signs. */
  public byte[] digest() {
    return Hashes.sha256(encode());
  }

  /** Signs with the device key, which must be this restart's. */
  public Signed sign(PrivateKey key) {
    if (!key.publicKey().equals(deviceKey)) {
      throw new IllegalArgumentException("the private key does not belong to the device key");
    }
    return new Signed(this, key.signDer(digest()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChainRestart r && Arrays.equals(encode(), r.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "ChainRestart["
        + deviceKey.hex()
        + "/"
        + channel
        + " #"
        + lastSequence
        + " -> #"
        + resumeSequence
        + " "
        + reason
        + "]";
  }
}
