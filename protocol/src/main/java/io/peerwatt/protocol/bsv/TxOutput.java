package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import java.util.Arrays;
import org.bouncycastle.util.encoders.Hex;

/**
 * One transaction output. Wire form: satoshis (int64 LE), script length (varint), locking script.
 *
 * @param satoshis the amount; the wire field is a signed 64-bit integer and is kept as read
 * @param lockingScript the scriptPubKey bytes, not necessarily a parseable script
 */
public record TxOutput(long satoshis, byte[] lockingScript) {
  public TxOutput {
    lockingScript = lockingScript.clone();
  }

  @Override
  public byte[] lockingScript() {
    return lockingScript.clone();
  }

  byte[] lockingScriptRef() {
    return lockingScript;
  }

  /** Reads one output from the wire form. */
  public static TxOutput read(ByteReader in) {
    long sats = in.readInt64LE("output satoshis");
    byte[] script = in.readVarBytes("output script");
    return new TxOutput(sats, script);
  }

  /** Appends the wire form. */
  public void write(ByteWriter out) {
    out.writeInt64LE(satoshis).writeVarBytes(lockingScript);
  }

  /** The wire form alone (used by the FORKID sighash's hashOutputs). */
  public byte[] serialize() {
    ByteWriter w = new ByteWriter(9 + lockingScript.length + 9);
    write(w);
    return w.toByteArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TxOutput other
        && satoshis == other.satoshis
        && Arrays.equals(lockingScript, other.lockingScript);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(satoshis) * 31 + Arrays.hashCode(lockingScript);
  }

  @Override
  public String toString() {
    return "TxOutput[" + satoshis + " sat script=" + Hex.toHexString(lockingScript) + "]";
  }
}
