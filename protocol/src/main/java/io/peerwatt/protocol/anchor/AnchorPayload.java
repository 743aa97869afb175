package io.peerwatt.protocol.anchor;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.encoding.StrictHex;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What an anchor transaction commits to, carried in an {@code OP_FALSE OP_RETURN} output as two
 * pushes: the ASCII protocol prefix {@value #PREFIX} and a 53-byte body, big-endian:
 *
 * <pre>
 * offset width field
 *      0     1 version (0x01)
 *      1     8 slot start, seconds since the epoch (int64, UTC)
 *      9     4 slot duration, seconds (uint32, &gt; 0)
 *     13     8 leaf count (int64, &gt;= 1)
 *     21    32 anchor tree root
 * </pre>
 *
 * @param version payload version, only 1 is defined
 * @param slotStart start of the delivery slot (whole seconds)
 * @param slotDuration length of the slot (whole seconds, &gt; 0)
 * @param leafCount number of leaves in the anchor tree
 * @param root the anchor tree root
 */
public record AnchorPayload(
    int version, Instant slotStart, Duration slotDuration, long leafCount, byte[] root) {
  public static final String PREFIX = "peerwatt-anchor";
  public static final int VERSION_1 = 1;
  public static final int BODY_LENGTH = 53;
  private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

  public AnchorPayload {
    if (version != VERSION_1) {
      throw new IllegalArgumentException("unsupported anchor payload version " + version);
    }
    if (slotStart.getNano() != 0 || slotDuration.getNano() != 0) {
      throw new IllegalArgumentException("slot start and duration are whole seconds");
    }
    if (slotDuration.getSeconds() <= 0 || slotDuration.getSeconds() > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("slot duration must be 1 .. 2^32-1 seconds");
    }
    if (leafCount < 1) {
      throw new IllegalArgumentException("an anchor covers at least one leaf");
    }
    if (root.length != 32) {
      throw new IllegalArgumentException("root must be 32 bytes");
    }
    root = root.clone();
  }

  /** A payload for a slot written as an ISO 8601 interval, e.g. {@code 2026-11-25T10:00Z/PT15M}. */
  public static AnchorPayload of(String slotInterval, long leafCount, byte[] root) {
    String[] parts = slotInterval.split("/", -1);
    if (parts.length != 2) {
      throw new FormatException("slot must be START/DURATION, got " + slotInterval);
    }
    try {
      return new AnchorPayload(
          VERSION_1,
          OffsetDateTime.parse(parts[0]).toInstant(),
          Duration.parse(parts[1]),
          leafCount,
          root);
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new FormatException("invalid slot interval " + slotInterval + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  /** The slot as an ISO 8601 interval ({@code 2026-11-25T10:00Z/PT15M}). */
  public String slotInterval() {
    String start =
        slotStart.getEpochSecond() % 60 == 0 ? MINUTES.format(slotStart) : slotStart.toString();
    return start + "/" + slotDuration;
  }

  /** The 53-byte body. */
  public byte[] body() {
    return new ByteWriter(BODY_LENGTH)
        .writeByte(version)
        .writeInt64BE(slotStart.getEpochSecond())
        .writeInt32BE((int) slotDuration.getSeconds())
        .writeInt64BE(leafCount)
        .write(root)
        .toByteArray();
  }

  /** The data pushes after {@code OP_FALSE OP_RETURN}: the prefix and the body. */
  public List<byte[]> pushes() {
    return List.of(PREFIX_BYTES.clone(), body());
  }

  /** {@code OP_FALSE OP_RETURN <prefix> <body>} with minimal (direct) pushes. */
  public byte[] lockingScript() {
    return new ByteWriter(2 + 1 + PREFIX_BYTES.length + 1 + BODY_LENGTH)
        .writeByte(0x00)
        .writeByte(0x6a)
        .writeByte(PREFIX_BYTES.length)
        .write(PREFIX_BYTES)
        .writeByte(BODY_LENGTH)
        .write(body())
        .toByteArray();
  }

  /** Decodes the body; {@link FormatException} on a wrong length, version or value. */
  public static AnchorPayload decodeBody(byte[] body) {
    ByteReader in = new ByteReader(body);
    int version = in.readByte("anchor version");
    if (version != VERSION_1) {
      throw new FormatException("unsupported anchor payload version " + version);
    }
    long start = in.readInt64BE("slot start");
    long duration = in.readInt32BE("slot duration") & 0xFFFF_FFFFL;
    long leaves = in.readInt64BE("leaf count");
    byte[] root = in.readBytes(32, "root");
    in.expectEnd("anchor payload");
    try {
      return new AnchorPayload(
          version, Instant.ofEpochSecond(start), Duration.ofSeconds(duration), leaves, root);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new FormatException("invalid anchor payload: " + e.getMessage(), e);
    }
  }

  /** Decodes the pushes of an anchor output (exactly the prefix and the body). */
  public static AnchorPayload fromPushes(List<byte[]> pushes) {
    if (pushes.size() != 2 || !Arrays.equals(pushes.get(0), PREFIX_BYTES)) {
      throw new FormatException(
          "not a PeerWatt anchor: expected the pushes <" + PREFIX + "> <body>");
    }
    return decodeBody(pushes.get(1));
  }

  /**
   * The anchor in a locking script {@code OP_FALSE OP_RETURN <pushes>}, or {@link FormatException}
   * when the script is not one. Pushes may use any push opcode (direct, PUSHDATA1/2/4).
   */
  public static AnchorPayload fromLockingScript(byte[] script) {
    if (script.length < 2 || script[0] != 0x00 || (script[1] & 0xFF) != 0x6a) {
      throw new FormatException("not an OP_FALSE OP_RETURN script");
    }
    return fromPushes(readPushes(script, 2));
  }

  /** True when {@code script} is a well-formed PeerWatt anchor output script. */
  public static boolean isAnchorScript(byte[] script) {
    try {
      fromLockingScript(script);
      return true;
    } catch (FormatException e) {
      return false;
    }
  }

  private static List<byte[]> readPushes(byte[] script, int from) {
    ByteReader in = new ByteReader(script, from, script.length - from);
    List<byte[]> pushes = new ArrayList<>();
    while (in.hasRemaining()) {
      int op = in.readByte("push opcode");
      int len;
      if (op >= 0x01 && op <= 0x4b) {
        len = op;
      } else if (op == 0x4c) {
        len = in.readByte("PUSHDATA1 length");
      } else if (op == 0x4d) {
        len = in.readUInt16LE("PUSHDATA2 length");
      } else if (op == 0x4e) {
        long l = in.readUInt32LE("PUSHDATA4 length");
        if (l > in.remaining()) {
          throw new FormatException("PUSHDATA4 length beyond the script");
        }
        len = (int) l;
      } else {
        throw new FormatException(
            "anchor data must be pushes only, found opcode 0x" + Integer.toHexString(op));
      }
      pushes.add(in.readBytes(len, "pushed data"));
    }
    return pushes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AnchorPayload p && Arrays.equals(body(), p.body());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(root);
  }

  @Override
  public String toString() {
    return "AnchorPayload["
        + slotInterval()
        + " leaves="
        + leafCount
        + " root="
        + StrictHex.encode(root)
        + "]";
  }
}
