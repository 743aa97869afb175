package io.peerwatt.protocol.anchor;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.Bump;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a third party needs to check, offline, that an item (reading, trade, statement, report
 * or enrolment) was anchored on chain (specified in {@code protocol/PROOF-BUNDLE.md}): the item
 * bytes, its signature, the device certificate (readings; an enrolment's item is itself the
 * certificate), the salt, the Merkle path to the anchor root, the anchor transaction, its BUMP and
 * the block header(s). Checked by {@link ProofBundleVerifier}.
 *
 * <p>The transaction, BUMP and headers stay raw bytes here, so that damaged parts are reported by
 * the verifier as failed steps instead of being lost at parse time.
 *
 * @param kind what the item is
 * @param item the item's canonical bytes (a reading: its 110-byte encoding; an enrolment: the
 *     signed device certificate's binary form)
 * @param signature DER signature: the device's over the reading hash, or the platform's over
 *     SHA-256(item) for other kinds; null when absent
 * @param certificate the signed device certificate; readings only, null when absent
 * @param salt the 32-byte salt of the item's leaf
 * @param proof the inclusion proof of the leaf in the anchor tree
 * @param anchorTx the raw anchor transaction
 * @param bump the anchor transaction's BUMP (BRC-74 bytes)
 * @param headers the 80-byte header of the block holding the anchor tx, optionally followed by its
 *     successors
 */
public record ProofBundle(
    AnchorItemKind kind,
    byte[] item,
    byte[] signature,
    SignedDeviceCertificate certificate,
    byte[] salt,
    AnchorProof proof,
    byte[] anchorTx,
    byte[] bump,
    List<byte[]> headers) {

  public static final String FORMAT = "peerwatt-proof-bundle";
  public static final int VERSION_1 = 1;

  /** Magic bytes "PWPB" starting the binary form. */
  public static final byte[] MAGIC = "PWPB".getBytes(StandardCharsets.US_ASCII);

  private static final int FLAG_SIGNATURE = 0x01;
  private static final int FLAG_CERTIFICATE = 0x02;

  public ProofBundle {
    if (salt.length != AnchorTree.SALT_LENGTH) {
      throw new IllegalArgumentException("salt must be 32 bytes");
    }
    if (headers.isEmpty()) {
      throw new IllegalArgumentException("a bundle carries at least the anchor block's header");
    }
    if (certificate != null && kind != AnchorItemKind.READING) {
      throw new IllegalArgumentException("only reading bundles carry a device certificate");
    }
    item = item.clone();
    signature = signature == null ? null : signature.clone();
    salt = salt.clone();
    anchorTx = anchorTx.clone();
    bump = bump.clone();
    List<byte[]> copy = new ArrayList<>();
    for (byte[] h : headers) {
      if (h.length != BlockHeader.LENGTH) {
        throw new IllegalArgumentException("headers are 80 bytes");
      }
      copy.add(h.clone());
    }
    headers = List.copyOf(copy);
  }

  /** The bundle of a signed reading. */
  public static ProofBundle forReading(
      SignedReading reading,
      SignedDeviceCertificate certificate,
      byte[] salt,
      AnchorProof proof,
      Transaction anchorTx,
      Bump bump,
      List<BlockHeader> headers) {
    return new ProofBundle(
        AnchorItemKind.READING,
        reading.reading().encode(),
        reading.signature(),
        certificate,
        salt,
        proof,
        anchorTx.serialize(),
        bump.encode(),
        headers.stream().map(BlockHeader::serialize).toList());
  }

  @Override
  public byte[] item() {
    return item.clone();
  }

  @Override
  public byte[] signature() {
    return signature == null ? null : signature.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] anchorTx() {
    return anchorTx.clone();
  }

  @Override
  public byte[] bump() {
    return bump.clone();
  }

  @Override
  public List<byte[]> headers() {
    return headers.stream().map(byte[]::clone).toList();
  }

  /** The leaf hash of the item: SHA-256(0x00 || kind || salt || item). */
  public byte[] leafHash() {
    return AnchorTree.leafHash(kind, salt, item);
  }

  /**
   * Binary form: magic "PWPB", version (1 byte), kind (1 byte), item (varbytes), flags (1 byte:
   * 0x01 signature present, 0x02 certificate present), [signature varbytes], [certificate
   * varbytes], salt (32), proof (varbytes), anchor tx (varbytes), BUMP (varbytes), header count
   * (varint), headers (80 each).
   */
  public byte[] encode() {
    ByteWriter w = new ByteWriter(1024);
    w.write(MAGIC).writeByte(VERSION_1).writeByte(kind.code()).writeVarBytes(item);
    int flags =
        (signature != null ? FLAG_SIGNATURE : 0) | (certificate != null ? FLAG_CERTIFICATE : 0);
    w.writeByte(flags);
    if (signature != null) {
      w.writeVarBytes(signature);
    }
    if (certificate != null) {
      w.writeVarBytes(certificate.encode());
    }
    w.write(salt).writeVarBytes(proof.encode()).writeVarBytes(anchorTx).writeVarBytes(bump);
    w.writeVarInt(headers.size());
    for (byte[] h : headers) {
      w.write(h);
    }
    return w.toByteArray();
  }

  /** Decodes the binary form; {@link FormatException} names what is malformed. */
  public static ProofBundle decode(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    if (!Arrays.equals(in.readBytes(4, "bundle magic"), MAGIC)) {
      throw new FormatException("not a PeerWatt proof bundle (magic is not PWPB)");
    }
    int version = in.readByte("bundle version");
    if (version != VERSION_1) {
      throw new FormatException("unsupported proof bundle version " + version);
    }
    AnchorItemKind kind = AnchorItemKind.fromCode(in.readByte("item kind"));
    byte[] item = in.readVarBytes("item");
    int flags = in.readByte("bundle flags");
    if ((flags & ~(FLAG_SIGNATURE | FLAG_CERTIFICATE)) != 0) {
      throw new FormatException("unknown bundle flags 0x" + Integer.toHexString(flags));
    }
    byte[] signature = (flags & FLAG_SIGNATURE) != 0 ? in.readVarBytes("signature") : null;
    if ((flags & FLAG_CERTIFICATE) != 0 && kind != AnchorItemKind.READING) {
      throw new FormatException("only reading bundles carry a device certificate");
    }
    SignedDeviceCertificate cert =
        (flags & FLAG_CERTIFICATE) != 0
            ? SignedDeviceCertificate.decode(in.readVarBytes("certificate"))
            : null;
    byte[] salt = in.readBytes(32, "salt");
    AnchorProof proof = AnchorProof.decode(in.readVarBytes("anchor proof"));
    byte[] tx = in.readVarBytes("anchor tx");
    byte[] bump = in.readVarBytes("BUMP");
    int n = in.readCount("header count", BlockHeader.LENGTH);
    if (n == 0) {
      throw new FormatException("a bundle carries at least one header");
    }
    List<byte[]> headers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      headers.add(in.readBytes(BlockHeader.LENGTH, "block header"));
    }
    in.expectEnd("proof bundle");
    return new ProofBundle(kind, item, signature, cert, salt, proof, tx, bump, headers);
  }

  /**
   * JSON form: format, version, kind, item (hex), reading (for readings: the decoded reading, for
   * people; checked against item when read back), signature (hex), certificate (object), salt
   * (hex), proof (object), anchorTx (hex), bump (hex), headers (hex array).
   */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("version", (long) VERSION_1);
    m.put("kind", kind.jsonName());
    m.put("item", StrictHex.encode(item));
    if (kind == AnchorItemKind.READING) {
      try {
        m.put("reading", ReadingCodec.decode(item).toJson());
      } catch (FormatException e) {
        // an undecodable item is still carried verbatim; the verifier reports it
      }
    }
    if (signature != null) {
      m.put("signature", StrictHex.encode(signature));
    }
    if (certificate != null) {
      m.put("certificate", certificate.toJson());
    }
    m.put("salt", StrictHex.encode(salt));
    m.put("proof", proof.toJson());
    m.put("anchorTx", StrictHex.encode(anchorTx));
    m.put("bump", StrictHex.encode(bump));
    List<Object> hs = new ArrayList<>();
    for (byte[] h : headers) {
      hs.add(StrictHex.encode(h));
    }
    m.put("headers", hs);
    return m;
  }

  public String toJsonText() {
    return Json.writePretty(toJson());
  }

  /** Reads the JSON form; {@link FormatException} on a missing, unknown or malformed member. */
  public static ProofBundle fromJson(Map<String, Object> m) {
    Json.requireOnly(
        m,
        "proof bundle",
        "format",
        "version",
        "kind",
        "item",
        "reading",
        "signature",
        "certificate",
        "salt",
        "proof",
        "anchorTx",
        "bump",
        "headers");
    if (!FORMAT.equals(Json.string(m, "format"))) {
      throw new FormatException("format must be \"" + FORMAT + "\"");
    }
    long version = Json.integer(m, "version");
    if (version != VERSION_1) {
      throw new FormatException("unsupported proof bundle version " + version);
    }
    AnchorItemKind kind = AnchorItemKind.fromJsonName(Json.string(m, "kind"));
    byte[] item = StrictHex.decode(Json.string(m, "item"), "item");
    if (m.containsKey("reading")) {
      if (kind != AnchorItemKind.READING) {
        throw new FormatException("\"reading\" is only allowed for kind reading");
      }
      MeterReading shown = ReadingCodec.fromJson(Json.object(m, "reading"));
      if (!Arrays.equals(shown.encode(), item)) {
        throw new FormatException("\"reading\" does not match the item bytes");
      }
    }
    byte[] signature =
        m.containsKey("signature")
            ? StrictHex.decode(Json.string(m, "signature"), "signature")
            : null;
    if (m.containsKey("certificate") && kind != AnchorItemKind.READING) {
      throw new FormatException("only reading bundles carry a device certificate");
    }
    SignedDeviceCertificate cert =
        m.containsKey("certificate")
            ? SignedDeviceCertificate.fromJson(Json.object(m, "certificate"))
            : null;
    List<byte[]> headers = new ArrayList<>();
    for (Object o : Json.array(m, "headers")) {
      if (!(o instanceof String s)) {
        throw new FormatException("headers must be hex strings");
      }
      headers.add(StrictHex.decode(s, BlockHeader.LENGTH, "header"));
    }
    if (headers.isEmpty()) {
      throw new FormatException("a bundle carries at least one header");
    }
    return new ProofBundle(
        kind,
        item,
        signature,
        cert,
        StrictHex.decode(Json.string(m, "salt"), 32, "salt"),
        AnchorProof.fromJson(Json.object(m, "proof")),
        StrictHex.decode(Json.string(m, "anchorTx"), "anchorTx"),
        StrictHex.decode(Json.string(m, "bump"), "bump"),
        headers);
  }

  public static ProofBundle fromJsonText(String text) {
    return fromJson(Json.parseObject(text));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProofBundle b && Arrays.equals(encode(), b.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(salt);
  }

  @Override
  public String toString() {
    return "ProofBundle[" + kind.jsonName() + " " + proof + "]";
  }
}
