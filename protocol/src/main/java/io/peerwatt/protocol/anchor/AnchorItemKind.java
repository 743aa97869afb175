package io.peerwatt.protocol.anchor;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.StableCode;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;

/**
 * What an anchor-tree leaf stands for. {@code code} is the byte hashed into the leaf (so an item of
 * one kind can never pose as another) and {@code jsonName} its name in proof bundles; both are
 * frozen.
 */
public enum AnchorItemKind implements StableCode.JsonNamed {
  /** A signed meter reading; the item bytes are the 110-byte reading encoding. */
  READING(0x01, "reading"),
  /** A matched trade; the item bytes are trading-core's canonical trade encoding. */
  TRADE(0x02, "trade"),
  /** A settlement statement; the item bytes are settlement's canonical statement encoding. */
  STATEMENT(0x03, "statement"),
  /** A utility report; the item bytes are the report file's SHA-256 or canonical bytes. */
  REPORT(0x04, "report"),
  /**
   * A device enrolment (or key rotation); the item bytes are the platform-signed device
   * certificate's binary form ({@link SignedDeviceCertificate#encode()}).
   */
  ENROLMENT(0x05, "enrolment"),
  /**
   * A household's data-sharing consent: a grant made or revoked; the item bytes are settlement's
   * canonical JSON of the grant as consented and the time of the event.
   */
  CONSENT(0x06, "consent"),
  /**
   * Flexibility a household delivered on one acceptance of a grid operator's request; the item
   * bytes are settlement's canonical JSON of the delivery record: the acceptance's terms and, per
   * slot, baseline, metered and delivered Wh, the amount and the statement it was paid on.
   */
  FLEXIBILITY(0x07, "flexibility");

  private final StableCode stableCode;

  AnchorItemKind(int code, String jsonName) {
    this.stableCode = new StableCode(code, jsonName);
  }

  @Override
  public StableCode stableCode() {
    return stableCode;
  }

  public static AnchorItemKind fromCode(int code) {
    for (AnchorItemKind k : values()) {
      if (k.code() == code) {
        return k;
      }
    }
    throw new FormatException("unknown anchor item kind 0x" + Integer.toHexString(code));
  }

  public static AnchorItemKind fromJsonName(String name) {
    for (AnchorItemKind k : values()) {
      if (k.jsonName().equals(name)) {
        return k;
      }
    }
    throw new FormatException("unknown anchor item kind \"" + name + "\"");
  }
}
