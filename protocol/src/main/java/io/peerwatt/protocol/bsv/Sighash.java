package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.ByteWriter;
import java.util.Optional;

/**
 * Signature hashes of one transaction: the 32 bytes ECDSA signs for an input.
 *
 * <p>Two algorithms, chosen by the type byte exactly as the Bitcoin SV node (1.2) does:
 *
 * <ul>
 *   <li>FORKID (BIP143-style), when the type has FORKID (0x40) and not CHRONICLE (0x20): double
 *       SHA-256 of version, hashPrevouts, hashSequence, the spent outpoint, the script code, the
 *       spent amount, the sequence, hashOutputs, lock time and the 32-bit type; committing to the
 *       amount.
 *   <li>Original (legacy), for every other type, including FORKID|CHRONICLE (0x60, Chronicle's
 *       "OTC" digest, which is the original algorithm): double SHA-256 of a modified copy of the
 *       transaction (other inputs' scripts blanked, OP_CODESEPARATORs removed from the script code,
 *       outputs and sequences dropped per NONE/SINGLE/ANYONECANPAY) followed by the 32-bit type.
 *       With SINGLE and an input index at or beyond the number of outputs (or an input index beyond
 *       the inputs) the digest is the historical constant 1 and there is no preimage.
 * </ul>
 *
 * The node's own vectors (sighash.json) pin this selection; see {@link SigHashType} for what the
 * rest of PeerWatt does with the 0x20 bit.
 *
 * <p>Digests are returned in natural byte order (what ECDSA signs); the node prints them
 * byte-reversed ({@link Transaction#txidToHex}). An instance caches hashPrevouts, hashSequence and
 * hashOutputs, so sign or verify all inputs of a transaction through one instance. Not thread-safe.
 */
public final class Sighash {
  private static final byte[] ONE = new byte[32];

  static {
    ONE[0] = 1;
  }

  private final Transaction tx;
  private byte[] hashPrevouts;
  private byte[] hashSequence;
  private byte[] hashOutputs;

  private Sighash(Transaction tx) {
    this.tx = tx;
  }

  /** Sighash computations for {@code tx}, with the FORKID midstate hashes cached. */
  public static Sighash of(Transaction tx) {
    return new Sighash(tx);
  }

  /** One-off digest; see {@link #digest(int, byte[], long, int)}. */
  public static byte[] digest(
      Transaction tx, int inputIndex, byte[] scriptCode, long amountSats, int hashType) {
    return of(tx).digest(inputIndex, scriptCode, amountSats, hashType);
  }

  /**
   * The 32-byte digest for input {@code inputIndex}, natural byte order.
   *
   * @param scriptCode the script being satisfied, from the last executed OP_CODESEPARATOR on
   * @param amountSats the spent output's amount (only the FORKID digest commits to it)
   * @param hashType the full 32-bit type (the signature's last byte when verifying)
   */
  public byte[] digest(int inputIndex, byte[] scriptCode, long amountSats, int hashType) {
    if (usesForkIdDigest(hashType)) {
      return Hashes.sha256d(forkIdPreimage(inputIndex, scriptCode, amountSats, hashType));
    }
    return legacyPreimage(inputIndex, scriptCode, hashType)
        .map(Hashes::sha256d)
        .orElseGet(ONE::clone);
  }

  /**
   * The bytes that are double-SHA-256'd into {@link #digest}; empty for the legacy algorithm's
   * constant-1 cases (SINGLE without a matching output, input index out of range).
   */
  public Optional<byte[]> preimage(
      int inputIndex, byte[] scriptCode, long amountSats, int hashType) {
    if (usesForkIdDigest(hashType)) {
      return Optional.of(forkIdPreimage(inputIndex, scriptCode, amountSats, hashType));
    }
    return legacyPreimage(inputIndex, scriptCode, hashType);
  }

  /** True when {@code hashType} selects the FORKID digest: 0x40 set and 0x20 clear. */
  public static boolean usesForkIdDigest(int hashType) {
    return SigHashType.hasForkId(hashType) && !SigHashType.hasChronicle(hashType);
  }

  /**
   * The original algorithm's digest regardless of the FORKID bit (the node's "no forkid" digest).
   */
  public byte[] legacyDigest(int inputIndex, byte[] scriptCode, int hashType) {
    return legacyPreimage(inputIndex, scriptCode, hashType)
        .map(Hashes::sha256d)
        .orElseGet(ONE::clone);
  }

  /** The BIP143-style preimage regardless of the FORKID bit. */
  public byte[] forkIdPreimage(int inputIndex, byte[] scriptCode, long amountSats, int hashType) {
    if (inputIndex < 0 || inputIndex >= tx.inputs().size()) {
      throw new IllegalArgumentException(
          "input index " + inputIndex + " out of range 0.." + (tx.inputs().size() - 1));
    }
    int base = SigHashType.baseType(hashType);
    boolean anyoneCanPay = SigHashType.hasAnyoneCanPay(hashType);
    byte[] zero = new byte[32];
    byte[] prevouts = anyoneCanPay ? zero : hashPrevouts();
    byte[] sequences =
        !anyoneCanPay && base != SigHashType.SINGLE && base != SigHashType.NONE
            ? hashSequence()
            : zero;
    byte[] outputs;
    if (base != SigHashType.SINGLE && base != SigHashType.NONE) {
      outputs = hashOutputs();
    } else if (base == SigHashType.SINGLE && inputIndex < tx.outputs().size()) {
      outputs = Hashes.sha256d(tx.outputs().get(inputIndex).serialize());
    } else {
      outputs = zero;
    }
    TxInput in = tx.inputs().get(inputIndex);
    ByteWriter w = new ByteWriter(160 + scriptCode.length);
    w.writeUInt32LE(tx.version());
    w.write(prevouts).write(sequences);
    w.write(in.prevTxidRef()).writeUInt32LE(in.prevIndex());
    w.writeVarBytes(scriptCode);
    w.writeInt64LE(amountSats);
    w.writeUInt32LE(in.sequence());
    w.write(outputs);
    w.writeUInt32LE(tx.lockTime());
    w.writeUInt32LE(hashType);
    return w.toByteArray();
  }

  /**
   * The original algorithm's preimage regardless of the FORKID bit; empty where the digest is 1.
   */
  public Optional<byte[]> legacyPreimage(int inputIndex, byte[] scriptCode, int hashType) {
    int nIn = tx.inputs().size();
    int nOut = tx.outputs().size();
    int base = SigHashType.baseType(hashType);
    if (inputIndex < 0 || inputIndex >= nIn) {
      return Optional.empty();
    }
    if (base == SigHashType.SINGLE && inputIndex >= nOut) {
      return Optional.empty();
    }
    boolean anyoneCanPay = SigHashType.hasAnyoneCanPay(hashType);
    ByteWriter w = new ByteWriter(200 + scriptCode.length + 50 * nIn + 40 * nOut);
    w.writeUInt32LE(tx.version());
    int inputs = anyoneCanPay ? 1 : nIn;
    w.writeVarInt(inputs);
    for (int k = 0; k < inputs; k++) {
      int i = anyoneCanPay ? inputIndex : k;
      TxInput in = tx.inputs().get(i);
      w.write(in.prevTxidRef()).writeUInt32LE(in.prevIndex());
      if (i != inputIndex) {
        w.writeVarInt(0);
      } else {
        writeScriptCodeWithoutSeparators(w, scriptCode);
      }
      if (i != inputIndex && (base == SigHashType.SINGLE || base == SigHashType.NONE)) {
        w.writeUInt32LE(0);
      } else {
        w.writeUInt32LE(in.sequence());
      }
    }
    int outputs = base == SigHashType.NONE ? 0 : base == SigHashType.SINGLE ? inputIndex + 1 : nOut;
    w.writeVarInt(outputs);
    for (int o = 0; o < outputs; o++) {
      if (base == SigHashType.SINGLE && o != inputIndex) {
        // the node's null CTxOut: amount -1, empty script
        w.writeInt64LE(-1L).writeVarInt(0);
      } else {
        tx.outputs().get(o).write(w);
      }
    }
    w.writeUInt32LE(tx.lockTime());
    w.writeUInt32LE(hashType);
    return Optional.of(w.toByteArray());
  }

  /** The node's SerializeScriptCode: the script with every OP_CODESEPARATOR removed. */
  static void writeScriptCodeWithoutSeparators(ByteWriter w, byte[] script) {
    Script.Reader r = new Script.Reader(script);
    int separators = 0;
    while (r.hasNext() && r.next()) {
      if (r.opcode == Opcodes.OP_CODESEPARATOR) {
        separators++;
      }
    }
    w.writeVarInt(script.length - separators);
    r = new Script.Reader(script);
    int begin = 0;
    boolean ok = true;
    while (r.hasNext()) {
      ok = r.next();
      if (!ok) {
        break;
      }
      if (r.opcode == Opcodes.OP_CODESEPARATOR) {
        w.write(script, begin, r.pos - begin - 1);
        begin = r.pos;
      }
    }
    // a truncated final push is written up to where the node's reader stopped, as the node does
    int end = ok ? script.length : Math.min(r.pos, script.length);
    if (begin != script.length) {
      w.write(script, begin, end - begin);
    }
  }

  private byte[] hashPrevouts() {
    if (hashPrevouts == null) {
      ByteWriter w = new ByteWriter(36 * tx.inputs().size());
      for (TxInput in : tx.inputs()) {
        w.write(in.prevTxidRef()).writeUInt32LE(in.prevIndex());
      }
      hashPrevouts = Hashes.sha256d(w.toByteArray());
    }
    return hashPrevouts;
  }

  private byte[] hashSequence() {
    if (hashSequence == null) {
      ByteWriter w = new ByteWriter(4 * tx.inputs().size());
      for (TxInput in : tx.inputs()) {
        w.writeUInt32LE(in.sequence());
      }
      hashSequence = Hashes.sha256d(w.toByteArray());
    }
    return hashSequence;
  }

  private byte[] hashOutputs() {
    if (hashOutputs == null) {
      ByteWriter w = new ByteWriter(40 * tx.outputs().size());
      for (TxOutput o : tx.outputs()) {
        o.write(w);
      }
      hashOutputs = Hashes.sha256d(w.toByteArray());
    }
    return hashOutputs;
  }
}
