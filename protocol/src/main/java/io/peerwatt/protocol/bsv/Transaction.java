package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import java.util.List;
import org.bouncycastle.util.encoders.Hex;

/**
 * A Bitcoin SV transaction in its original (pre-SegWit) serialization.
 *
 * <p>Wire form: version (int32 LE), input count (varint), inputs, output count (varint), outputs,
 * lock time (uint32 LE). Parsing is strict: varints must be canonical and {@link #parse(byte[])}
 * rejects trailing bytes. Zero inputs or outputs parse (they are a consensus rule, not a format
 * rule); the interpreter and chain code judge them.
 *
 * @param version nVersion, a signed 32-bit integer
 * @param inputs the inputs in order (an unmodifiable copy)
 * @param outputs the outputs in order (an unmodifiable copy)
 * @param lockTime nLockTime, uint32 held in a long
 */
public record Transaction(
    int version, List<TxInput> inputs, List<TxOutput> outputs, long lockTime) {
  /** Smallest wire size of an input: 32 + 4 + 1 + 4 bytes. */
  private static final int MIN_INPUT_BYTES = 41;

  /** Smallest wire size of an output: 8 + 1 bytes. */
  private static final int MIN_OUTPUT_BYTES = 9;

  public Transaction {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    TxInput.checkUInt32(lockTime, "lockTime");
  }

  /** Parses exactly one transaction; trailing bytes are a {@link FormatException}. */
  public static Transaction parse(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    Transaction tx = read(in);
    in.expectEnd("transaction");
    return tx;
  }

  /** Parses a transaction from hex; see {@link #parse(byte[])}. */
  public static Transaction parseHex(String hex) {
    return parse(decodeHex(hex.strip(), "transaction hex"));
  }

  /**
   * Reads one transaction from a stream of wire data (e.g. inside BEEF), leaving the rest unread.
   */
  public static Transaction read(ByteReader in) {
    int version = (int) in.readUInt32LE("tx version");
    int nIn = in.readCount("input count", MIN_INPUT_BYTES);
    TxInput[] ins = new TxInput[nIn];
    for (int i = 0; i < nIn; i++) {
      ins[i] = TxInput.read(in);
    }
    int nOut = in.readCount("output count", MIN_OUTPUT_BYTES);
    TxOutput[] outs = new TxOutput[nOut];
    for (int i = 0; i < nOut; i++) {
      outs[i] = TxOutput.read(in);
    }
    long lockTime = in.readUInt32LE("tx lock time");
    return new Transaction(version, List.of(ins), List.of(outs), lockTime);
  }

  /** Appends the wire form. */
  public void write(ByteWriter out) {
    out.writeUInt32LE(version);
    out.writeVarInt(inputs.size());
    for (TxInput in : inputs) {
      in.write(out);
    }
    out.writeVarInt(outputs.size());
    for (TxOutput o : outputs) {
      o.write(out);
    }
    out.writeUInt32LE(lockTime);
  }

  /** The wire form. */
  public byte[] serialize() {
    ByteWriter w = new ByteWriter(10 + 150 * inputs.size() + 40 * outputs.size());
    write(w);
    return w.toByteArray();
  }

  /** The wire form as lower-case hex. */
  public String toHex() {
    return Hex.toHexString(serialize());
  }

  /** Size of the wire form in bytes. */
  public int size() {
    return serialize().length;
  }

  /** The txid in internal byte order: double SHA-256 of the wire form. */
  public byte[] txid() {
    return Hashes.sha256d(serialize());
  }

  /** The txid as displayed by nodes and explorers: byte-reversed hex. */
  public String txidHex() {
    return txidToHex(txid());
  }

  /**
   * True for a coinbase: one input spending the null outpoint (all-zero txid, index 0xFFFFFFFF).
   */
  public boolean isCoinbase() {
    if (inputs.size() != 1) {
      return false;
    }
    TxInput in = inputs.get(0);
    if (in.prevIndex() != 0xFFFF_FFFFL) {
      return false;
    }
    for (byte b : in.prevTxidRef()) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** The same transaction with input {@code index}'s unlocking script replaced. */
  public Transaction withUnlockingScript(int index, byte[] script) {
    TxInput[] ins = inputs.toArray(new TxInput[0]);
    ins[index] = ins[index].withUnlockingScript(script);
    return new Transaction(version, List.of(ins), outputs, lockTime);
  }

  /** Displays a 32-byte hash in the node's uint256 style: bytes reversed, lower-case hex. */
  public static String txidToHex(byte[] internalOrder) {
    return Hex.toHexString(reversed(internalOrder));
  }

  /** Parses a displayed (byte-reversed) 64-character txid into internal byte order. */
  public static byte[] txidFromHex(String displayHex) {
    byte[] b = decodeHex(displayHex, "txid");
    if (b.length != 32) {
      throw new FormatException(
          "txid must be 32 bytes (64 hex characters), got " + b.length + " bytes");
    }
    return reversed(b);
  }

  static byte[] reversed(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }

  /**
   * Strict hex decoding for operator input: an even number of hex digits, else a {@link
   * FormatException} naming {@code what}.
   */
  public static byte[] parseHexBytes(String hex, String what) {
    return decodeHex(hex, what);
  }

  static byte[] decodeHex(String hex, String what) {
    if ((hex.length() & 1) != 0) {
      throw new FormatException(what + ": odd number of hex digits");
    }
    for (int i = 0; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) {
        throw new FormatException(what + ": not a hex digit at position " + i);
      }
    }
    return Hex.decode(hex);
  }

  @Override
  public String toString() {
    return "Transaction["
        + txidHex()
        + " v"
        + version
        + " in="
        + inputs.size()
        + " out="
        + outputs.size()
        + " lock="
        + lockTime
        + "]";
  }
}
