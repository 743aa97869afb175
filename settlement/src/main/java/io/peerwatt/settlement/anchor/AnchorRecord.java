package io.peerwatt.settlement.anchor;

import java.time.Instant;
import java.util.Objects;

/**
 * A broadcast anchor transaction and, once mined, its proof to a block.
 *
 * @param txid display hex
 * @param anchorKey what it anchors ("slot:ZONE:INTERVAL", "enrolments:INTERVAL", "report:HASH")
 * @param slotInterval the interval in its payload
 * @param rawTx the transaction
 * @param leafCount leaves in its tree
 * @param root the anchor tree root
 * @param createdAt when it was broadcast
 * @param blockHeight height of its block; -1 until mined
 * @param bump BRC-74 bytes; null until mined
 * @param header the 80-byte block header; null until mined
 */
public record AnchorRecord(
    String txid,
    String anchorKey,
    String slotInterval,
    byte[] rawTx,
    long leafCount,
    byte[] root,
    Instant createdAt,
    long blockHeight,
    byte[] bump,
    byte[] header) {

  public AnchorRecord {
    Objects.requireNonNull(txid, "txid");
    rawTx = rawTx.clone();
    root = root.clone();
    bump = bump == null ? null : bump.clone();
    header = header == null ? null : header.clone();
    if ((blockHeight >= 0) != (bump != null && header != null)) {
      throw new IllegalArgumentException("height, BUMP and header go together");
    }
  }

  public boolean isMined() {
    return blockHeight >= 0;
  }

  @Override
  public byte[] rawTx() {
    return rawTx.clone();
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  @Override
  public byte[] bump() {
    return bump == null ? null : bump.clone();
  }

  @Override
  public byte[] header() {
    return header == null ? null : header.clone();
  }

  /** This anchor once mined. */
  public AnchorRecord mined(long height, byte[] bumpBytes, byte[] header80) {
    return new AnchorRecord(
        txid,
        anchorKey,
        slotInterval,
        rawTx,
        leafCount,
        root,
        createdAt,
        height,
        bumpBytes,
        header80);
  }
}
