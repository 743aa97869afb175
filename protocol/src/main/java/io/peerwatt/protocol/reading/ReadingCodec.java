package io.peerwatt.protocol.reading;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PublicKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binary and JSON forms of {@link MeterReading} and {@link SignedReading}, format version 1 (layout
 * in {@code protocol/READING-FORMAT.md}). Decoding is strict: exact length, known version and flag
 * bits, non-negative counters, a valid compressed device key; JSON must carry exactly the
 * documented fields. Both forms map to the same bytes.
 */
public final class ReadingCodec {
  /** Length of an encoded version-1 reading. */
  public static final int ENCODED_LENGTH = 110;

  private static final DateTimeFormatter MILLIS_UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final String[] READING_FIELDS = {
    "version",
    "deviceKey",
    "channel",
    "sequence",
    "takenAt",
    "importWh",
    "exportWh",
    "powerW",
    "voltageL1Mv",
    "flags",
    "prevHash"
  };

  private static final String[] SIGNED_READING_FIELDS = {
    "version",
    "deviceKey",
    "channel",
    "sequence",
    "takenAt",
    "importWh",
    "exportWh",
    "powerW",
    "voltageL1Mv",
    "flags",
    "prevHash",
    "hash",
    "signature"
  };

  private ReadingCodec() {}

  /** The 110-byte canonical encoding. */
  public static byte[] encode(MeterReading r) {
    ByteWriter w = new ByteWriter(ENCODED_LENGTH);
    w.writeByte(r.version());
    w.write(r.deviceKey().bytes());
    w.writeUInt16BE(r.channel());
    w.writeInt64BE(r.sequence());
    w.writeInt64BE(r.takenAt().toEpochMilli());
    w.writeInt64BE(r.importWh());
    w.writeInt64BE(r.exportWh());
    w.writeInt32BE(r.powerW());
    w.writeInt32BE(r.voltageL1Mv());
    w.writeUInt16BE(ReadingFlag.toBits(r.flags()));
    w.write(r.prevHash());
    return w.toByteArray();
  }

  /** Decodes exactly one encoded reading; {@link FormatException} names the offending field. */
  public static MeterReading decode(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    MeterReading r = read(in);
    in.expectEnd("reading");
    return r;
  }

  static MeterReading read(ByteReader in) {
    int version = in.readByte("reading version");
    if (version != MeterReading.VERSION_1) {
      throw new FormatException("unsupported reading format version " + version);
    }
    byte[] key = in.readBytes(PublicKey.COMPRESSED_LENGTH, "device key");
    if (key[0] != 0x02 && key[0] != 0x03) {
      throw new FormatException("device key must be a compressed public key");
    }
    PublicKey deviceKey = PublicKey.fromBytes(key);
    int channel = in.readUInt16BE("channel");
    long sequence = nonNegative(in.readInt64BE("sequence"), "sequence");
    long takenAtMs = nonNegative(in.readInt64BE("takenAt"), "takenAt");
    long importWh = nonNegative(in.readInt64BE("importWh"), "importWh");
    long exportWh = nonNegative(in.readInt64BE("exportWh"), "exportWh");
    int powerW = in.readInt32BE("powerW");
    int voltage = in.readInt32BE("voltageL1Mv");
    if (voltage < 0) {
      throw new FormatException("voltageL1Mv must not be negative");
    }
    Set<ReadingFlag> flags = ReadingFlag.fromBits(in.readUInt16BE("flags"));
    byte[] prevHash = in.readBytes(32, "prevHash");
    Instant takenAt;
    try {
      takenAt = Instant.ofEpochMilli(takenAtMs);
    } catch (java.time.DateTimeException e) {
      throw new FormatException("takenAt out of range", e);
    }
    return new MeterReading(
        version, deviceKey, channel, sequence, takenAt, importWh, exportWh, powerW, voltage, flags,
        prevHash);
  }

  private static long nonNegative(long v, String what) {
    if (v < 0) {
      throw new FormatException(what + " must not be negative");
    }
    return v;
  }

  /** {@code reading (110 bytes) || signature length (1 byte) || DER signature}. */
  public static byte[] encode(SignedReading s) {
    byte[] sig = s.signature();
    return new ByteWriter(ENCODED_LENGTH + 1 + sig.length)
        .write(encode(s.reading()))
        .writeByte(sig.length)
        .write(sig)
        .toByteArray();
  }

  /** Decodes {@link #encode(SignedReading)}; the signature is not verified here. */
  public static SignedReading decodeSigned(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    SignedReading s = readSigned(in);
    in.expectEnd("signed reading");
    return s;
  }

  static SignedReading readSigned(ByteReader in) {
    MeterReading r = read(in);
    int sigLen = in.readByte("signature length");
    if (sigLen < 8 || sigLen > 72) {
      throw new FormatException("signature length must be in [8, 72], got " + sigLen);
    }
    return new SignedReading(r, in.readBytes(sigLen, "signature"));
  }

  /** Formats an instant as the JSON form's takenAt: {@code yyyy-MM-ddTHH:mm:ss.SSSZ}, UTC. */
  public static String formatInstant(Instant t) {
    return MILLIS_UTC.format(t);
  }

  /** Parses an ISO-8601 UTC instant ("Z") of at most millisecond precision. */
  public static Instant parseInstant(String text, String what) {
    Instant t;
    try {
      t = Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new FormatException(what + " is not an ISO-8601 UTC instant: " + text, e);
    }
    if (t.getNano() % 1_000_000 != 0) {
      throw new FormatException(what + " has more than millisecond precision: " + text);
    }
    return t;
  }

  /**
   * The JSON object: version, deviceKey (hex), channel, sequence, takenAt (ISO-8601 UTC with
   * milliseconds), importWh, exportWh, powerW, voltageL1Mv, flags (names in bit order), prevHash
   * (hex).
   */
  public static Map<String, Object> toJson(MeterReading r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", (long) r.version());
    m.put("deviceKey", r.deviceKey().hex());
    m.put("channel", (long) r.channel());
    m.put("sequence", r.sequence());
    m.put("takenAt", formatInstant(r.takenAt()));
    m.put("importWh", r.importWh());
    m.put("exportWh", r.exportWh());
    m.put("powerW", (long) r.powerW());
    m.put("voltageL1Mv", (long) r.voltageL1Mv());
    List<Object> flags = new ArrayList<>();
    for (ReadingFlag f : ReadingFlag.values()) {
      if (r.flags().contains(f)) {
        flags.add(f.jsonName());
      }
    }
    m.put("flags", flags);
    m.put("prevHash", StrictHex.encode(r.prevHash()));
    return m;
  }

  /** The reading of a JSON object with exactly the fields of {@link #toJson(MeterReading)}. */
  public static MeterReading fromJson(Map<String, Object> m) {
    Json.requireOnly(m, "reading", READING_FIELDS);
    return readingFields(m, null);
  }

  private static MeterReading readingFields(Map<String, Object> m, PublicKey knownKey) {
    long version = Json.integer(m, "version");
    if (version != MeterReading.VERSION_1) {
      throw new FormatException("unsupported reading format version " + version);
    }
    String keyHex = Json.string(m, "deviceKey");
    byte[] keyBytes = StrictHex.decode(keyHex, PublicKey.COMPRESSED_LENGTH, "deviceKey");
    // the key a whole batch shares is taken as it is rather than checked on the curve again
    PublicKey key =
        knownKey != null && knownKey.isCompressed() && knownKey.hasEncoding(keyBytes)
            ? knownKey
            : PublicKey.fromBytes(keyBytes);
    EnumSet<ReadingFlag> flags = EnumSet.noneOf(ReadingFlag.class);
    for (Object o : Json.array(m, "flags")) {
      if (!(o instanceof String name)) {
        throw new FormatException("flags must be strings");
      }
      if (!flags.add(ReadingFlag.fromJsonName(name))) {
        throw new FormatException("duplicate flag \"" + name + "\"");
      }
    }
    try {
      return readingOf(m, key, flags);
    } catch (IllegalArgumentException e) {
      throw new FormatException("invalid reading: " + e.getMessage(), e);
    }
  }

  private static MeterReading readingOf(
      Map<String, Object> m, PublicKey key, Set<ReadingFlag> flags) {
    return new MeterReading(
        MeterReading.VERSION_1,
        key,
        (int) Json.integer(m, "channel", 0, 0xFFFF),
        Json.integer(m, "sequence", 0, Long.MAX_VALUE),
        parseInstant(Json.string(m, "takenAt"), "takenAt"),
        Json.integer(m, "importWh", 0, Long.MAX_VALUE),
        Json.integer(m, "exportWh", 0, Long.MAX_VALUE),
        (int) Json.integer(m, "powerW", Integer.MIN_VALUE, Integer.MAX_VALUE),
        (int) Json.integer(m, "voltageL1Mv", 0, Integer.MAX_VALUE),
        flags,
        StrictHex.decode(Json.string(m, "prevHash"), 32, "prevHash"));
  }

  /** The reading's JSON fields followed by hash (hex, informational) and signature (DER hex). */
  public static Map<String, Object> toJson(SignedReading s) {
    Map<String, Object> m = toJson(s.reading());
    m.put("hash", StrictHex.encode(s.reading().hash()));
    m.put("signature", StrictHex.encode(s.signature()));
    return m;
  }

  /**
   * The signed reading of a JSON object with the reading's fields, signature and optionally hash; a
   * hash that does not match the fields is a {@link FormatException}. The signature is not
   * verified.
   */
  public static SignedReading signedFromJson(Map<String, Object> m) {
    return signedFromJson(m, null);
  }

  /**
   * {@link #signedFromJson(Map)} for a reading expected to carry {@code knownKey} (the key of the
   * batch it came in): when its deviceKey is that key's encoding, the parsed key is not parsed
   * again. Any other deviceKey is parsed and checked as usual.
   */
  public static SignedReading signedFromJson(Map<String, Object> m, PublicKey knownKey) {
    Json.requireOnly(m, "signed reading", SIGNED_READING_FIELDS);
    MeterReading r = readingFields(m, knownKey);
    if (m.containsKey("hash")) {
      byte[] claimed = StrictHex.decode(Json.string(m, "hash"), 32, "hash");
      if (!java.util.Arrays.equals(claimed, r.hash())) {
        throw new FormatException("hash does not match the reading's fields");
      }
    }
    byte[] sig = StrictHex.decode(Json.string(m, "signature"), "signature");
    if (sig.length < 8 || sig.length > 72) {
      throw new FormatException("signature length must be in [8, 72], got " + sig.length);
    }
    return new SignedReading(r, sig);
  }
}
