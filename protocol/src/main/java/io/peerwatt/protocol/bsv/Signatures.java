package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import java.util.Arrays;

/**
 * Transaction input signatures in the form scripts carry them: strict DER followed by the sighash
 * type byte, always SIGHASH_ALL|FORKID (BSV's digest that commits to the spent amount). A thin
 * layer over protocol's {@link TxSigner} and {@link Sighash}.
 */
public final class Signatures {
  private Signatures() {}

  /**
   * Signs input {@code inputIndex} of {@code tx}, which spends {@code amountSats} locked by {@code
   * lockingScript}.
   */
  public static byte[] signAllForkId(
      PrivateKey key, Transaction tx, int inputIndex, byte[] lockingScript, long amountSats) {
    return TxSigner.signature(
        tx, inputIndex, lockingScript, amountSats, key, SigHashType.ALL_FORKID);
  }

  /**
   * True when {@code signatureWithType} is {@code key}'s SIGHASH_ALL|FORKID signature of that
   * input. Anything else (other type byte, bad DER, wrong key) is false.
   */
  public static boolean verifyAllForkId(
      PublicKey key,
      byte[] signatureWithType,
      Transaction tx,
      int inputIndex,
      byte[] lockingScript,
      long amountSats) {
    if (signatureWithType.length < 9
        || (signatureWithType[signatureWithType.length - 1] & 0xFF) != SigHashType.ALL_FORKID) {
      return false;
    }
    byte[] der = Arrays.copyOf(signatureWithType, signatureWithType.length - 1);
    byte[] digest =
        Sighash.digest(tx, inputIndex, lockingScript, amountSats, SigHashType.ALL_FORKID);
    return key.verify(digest, der);
  }
}
