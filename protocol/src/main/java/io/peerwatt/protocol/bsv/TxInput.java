package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import java.util.Arrays;
import org.bouncycastle.util.encoders.Hex;

/**
 * One transaction input: the output it spends and the unlocking script.
 *
 * <p>Wire form: previous txid (32 bytes, internal byte order as hashed), previous output index
 * (uint32 LE), script length (varint) and unlocking script, sequence (uint32 LE).
 *
 * @param prevTxid the spent transaction's id in internal byte order (the reverse of the hex shown
 *     by explorers); 32 bytes
 * @param prevIndex the spent output's index, uint32 held in a long
 * @param unlockingScript the scriptSig bytes, not necessarily a parseable script
 * @param sequence nSequence, uint32 held in a long
 */
public record TxInput(byte[] prevTxid, long prevIndex, byte[] unlockingScript, long sequence) {
  /** The sequence number that marks an input final. */
  public static final long SEQUENCE_FINAL = 0xFFFF_FFFFL;

  public TxInput {
    if (prevTxid.length != 32) {
      throw new IllegalArgumentException("prevTxid must be 32 bytes, got " + prevTxid.length);
    }
    checkUInt32(prevIndex, "prevIndex");
    checkUInt32(sequence, "sequence");
    prevTxid = prevTxid.clone();
    unlockingScript = unlockingScript.clone();
  }

  /** An input spending {@code prevTxidHex:prevIndex} (displayed, byte-reversed txid). */
  public static TxInput spending(
      String prevTxidHex, long prevIndex, byte[] unlockingScript, long sequence) {
    return new TxInput(Transaction.txidFromHex(prevTxidHex), prevIndex, unlockingScript, sequence);
  }

  static void checkUInt32(long v, String name) {
    if (v < 0 || v > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(name + " out of uint32 range: " + v);
    }
  }

  @Override
  public byte[] prevTxid() {
    return prevTxid.clone();
  }

  @Override
  public byte[] unlockingScript() {
    return unlockingScript.clone();
  }

  /** The spent txid as displayed (byte-reversed hex). */
  public String prevTxidHex() {
    return Transaction.txidToHex(prevTxid);
  }

  /** The same input with another unlocking script. */
  public TxInput withUnlockingScript(byte[] script) {
    return new TxInput(prevTxid, prevIndex, script, sequence);
  }

  /** Reads one input from the wire form. */
  public static TxInput read(ByteReader in) {
    byte[] txid = in.readBytes(32, "input prev txid");
    long index = in.readUInt32LE("input prev index");
    byte[] script = in.readVarBytes("input script");
    long seq = in.readUInt32LE("input sequence");
    return new TxInput(txid, index, script, seq);
  }

  /** Appends the wire form. */
  public void write(ByteWriter out) {
    out.write(prevTxid)
        .writeUInt32LE(prevIndex)
        .writeVarBytes(unlockingScript)
        .writeUInt32LE(sequence);
  }

  byte[] prevTxidRef() {
    return prevTxid;
  }

  byte[] unlockingScriptRef() {
    return unlockingScript;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TxInput other
        && Arrays.equals(prevTxid, other.prevTxid)
        && prevIndex == other.prevIndex
        && Arrays.equals(unlockingScript, other.unlockingScript)
        && sequence == other.sequence;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(prevTxid) * 31 + Long.hashCode(prevIndex);
  }

  @Override
  public String toString() {
    return "TxInput["
        + prevTxidHex()
        + ":"
        + prevIndex
        + " script="
        + Hex.toHexString(unlockingScript)
        + " seq="
        + Long.toHexString(sequence)
        + "]";
  }
}
