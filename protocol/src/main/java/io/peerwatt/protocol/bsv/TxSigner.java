package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Signs transaction inputs that spend P2PKH or bare multisig outputs: RFC 6979 deterministic ECDSA
 * with low S ({@link PrivateKey#sign}), strict DER, the sighash type byte appended.
 *
 * <p>The default type is {@link SigHashType#ALL_FORKID}; any defined type may be given (without
 * FORKID the original digest is signed, which BSV nodes no longer accept for new transactions). The
 * CHRONICLE bit (0x20) is refused; see {@link SigHashType}. Wrong keys or scripts are caller bugs
 * and throw {@link IllegalArgumentException}.
 */
public final class TxSigner {
  private TxSigner() {}

  /**
   * The signature push for input {@code inputIndex}: DER signature followed by the type byte.
   *
   * @param scriptCode the locking script being satisfied (no OP_CODESEPARATOR handling is needed
   *     for the templates PeerWatt signs)
   * @param amountSats the spent output's amount
   */
  public static byte[] signature(
      Transaction tx,
      int inputIndex,
      byte[] scriptCode,
      long amountSats,
      PrivateKey key,
      int hashType) {
    requireSignableType(hashType);
    if (inputIndex < 0 || inputIndex >= tx.inputs().size()) {
      throw new IllegalArgumentException("input index " + inputIndex + " out of range");
    }
    byte[] digest = Sighash.digest(tx, inputIndex, scriptCode, amountSats, hashType);
    byte[] der = key.signDer(digest);
    byte[] out = Arrays.copyOf(der, der.length + 1);
    out[der.length] = (byte) hashType;
    return out;
  }

  /**
   * Signs a P2PKH input with SIGHASH_ALL|FORKID; returns the transaction with that input's
   * unlocking script set.
   */
  public static Transaction signP2pkh(
      Transaction tx, int inputIndex, TxOutput spent, PrivateKey key) {
    return signP2pkh(tx, inputIndex, spent, key, SigHashType.ALL_FORKID);
  }

  /**
   * Signs a P2PKH input with the given type; the key's compressed public key must match the
   * output's hash.
   */
  public static Transaction signP2pkh(
      Transaction tx, int inputIndex, TxOutput spent, PrivateKey key, int hashType) {
    byte[] locking = spent.lockingScriptRef();
    byte[] hash = Script.of(locking).p2pkhHash();
    PublicKey pub = key.publicKey();
    if (hash == null) {
      throw new IllegalArgumentException("spent output is not P2PKH");
    }
    if (!Arrays.equals(hash, pub.hash160())) {
      throw new IllegalArgumentException("key does not match the P2PKH output's public key hash");
    }
    byte[] sig = signature(tx, inputIndex, locking, spent.satoshis(), key, hashType);
    return tx.withUnlockingScript(inputIndex, Script.p2pkhUnlock(sig, pub.bytes()).bytes());
  }

  /** Signs a bare m-of-n multisig input with SIGHASH_ALL|FORKID. */
  public static Transaction signMultisig(
      Transaction tx, int inputIndex, TxOutput spent, List<PrivateKey> keys) {
    return signMultisig(tx, inputIndex, spent, keys, SigHashType.ALL_FORKID);
  }

  /**
   * Signs a bare m-of-n multisig input: exactly m keys whose public keys appear in the script, in
   * any order; the signatures are placed in the script's key order as CHECKMULTISIG requires, after
   * the OP_0 dummy.
   */
  public static Transaction signMultisig(
      Transaction tx, int inputIndex, TxOutput spent, List<PrivateKey> keys, int hashType) {
    byte[] locking = spent.lockingScriptRef();
    List<byte[]> scriptKeys = new ArrayList<>();
    int m = parseMultisig(locking, scriptKeys);
    if (keys.size() != m) {
      throw new IllegalArgumentException(
          "the output needs " + m + " signatures, got " + keys.size() + " keys");
    }
    byte[][] sigsByPosition = new byte[scriptKeys.size()][];
    for (PrivateKey key : keys) {
      int position = -1;
      for (int k = 0; k < scriptKeys.size(); k++) {
        if (sigsByPosition[k] == null && matches(scriptKeys.get(k), key.publicKey())) {
          position = k;
          break;
        }
      }
      if (position < 0) {
        throw new IllegalArgumentException(
            "key " + key.publicKey().hex() + " is not (or twice) in the multisig script");
      }
      sigsByPosition[position] =
          signature(tx, inputIndex, locking, spent.satoshis(), key, hashType);
    }
    List<byte[]> ordered = new ArrayList<>();
    for (byte[] sig : sigsByPosition) {
      if (sig != null) {
        ordered.add(sig);
      }
    }
    return tx.withUnlockingScript(inputIndex, Script.multisigUnlock(ordered).bytes());
  }

  private static boolean matches(byte[] scriptKey, PublicKey pub) {
    return Arrays.equals(scriptKey, pub.compressedBytes())
        || Arrays.equals(scriptKey, pub.uncompressedBytes());
  }

  /** Reads OP_m &lt;keys&gt; OP_n OP_CHECKMULTISIG into {@code keysOut}; returns m. */
  public static int parseMultisig(byte[] script, List<byte[]> keysOut) {
    List<ScriptChunk> chunks;
    try {
      chunks = Script.of(script).chunks();
    } catch (FormatException e) {
      throw new IllegalArgumentException("spent output is not bare multisig: " + e.getMessage());
    }
    int size = chunks.size();
    if (size < 4 || chunks.get(size - 1).opcode() != Opcodes.OP_CHECKMULTISIG) {
      throw new IllegalArgumentException(
          "spent output is not bare multisig (OP_m keys OP_n OP_CHECKMULTISIG)");
    }
    int m = smallInt(chunks.get(0));
    int n = smallInt(chunks.get(size - 2));
    if (n != size - 3 || m < 1 || m > n) {
      throw new IllegalArgumentException("spent output is not bare multisig: m=" + m + " n=" + n);
    }
    for (int k = 1; k <= n; k++) {
      ScriptChunk c = chunks.get(k);
      if (c.data() == null) {
        throw new IllegalArgumentException(
            "spent output is not bare multisig: non-push in key list");
      }
      keysOut.add(c.data());
    }
    return m;
  }

  private static int smallInt(ScriptChunk c) {
    int op = c.opcode();
    return op >= Opcodes.OP_1 && op <= Opcodes.OP_16 ? op - Opcodes.OP_1 + 1 : -1;
  }

  private static void requireSignableType(int hashType) {
    if (hashType < 0 || hashType > 0xFF || !SigHashType.isDefined(hashType)) {
      throw new IllegalArgumentException("not a sighash type byte: " + hashType);
    }
    if (SigHashType.hasChronicle(hashType)) {
      throw new IllegalArgumentException(
          "PeerWatt does not sign with the CHRONICLE bit (0x20): " + hashType);
    }
  }
}
