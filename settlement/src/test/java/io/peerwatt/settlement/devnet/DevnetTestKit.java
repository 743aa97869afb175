package io.peerwatt.settlement.devnet;

import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Signatures;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.PrivateKey;
import java.math.BigInteger;
import java.util.List;

/** Builds signed P2PKH spends for devnet tests. */
final class DevnetTestKit {
  private DevnetTestKit() {}

  static PrivateKey key(int n) {
    return PrivateKey.fromBytes(
        BigInteger.valueOf(1000 + n).toByteArray().length < 32
            ? leftPad(BigInteger.valueOf(1000 + n).toByteArray())
            : BigInteger.valueOf(1000 + n).toByteArray());
  }

  private static byte[] leftPad(byte[] b) {
    byte[] out = new byte[32];
    System.arraycopy(b, 0, out, 32 - b.length, b.length);
    return out;
  }

  static byte[] p2pkh(PrivateKey key) {
    return Script.p2pkh(key.publicKey().hash160()).bytes();
  }

  /**
   * Spends output {@code index} of {@code parent} (locked to {@code owner}) into {@code outputs}.
   */
  static Transaction spend(
      PrivateKey owner,
      Transaction parent,
      int index,
      long lockTime,
      long sequence,
      List<TxOutput> outputs) {
    TxOutput spent = parent.outputs().get(index);
    Transaction unsigned =
        new Transaction(
            1,
            List.of(new TxInput(parent.txid(), index, new byte[0], sequence)),
            outputs,
            lockTime);
    byte[] sig =
        Signatures.signAllForkId(owner, unsigned, 0, spent.lockingScript(), spent.satoshis());
    return unsigned.withUnlockingScript(
        0, Script.p2pkhUnlock(sig, owner.publicKey().bytes()).bytes());
  }

  static Transaction spend(
      PrivateKey owner, Transaction parent, int index, List<TxOutput> outputs) {
    return spend(owner, parent, index, 0, TxInput.SEQUENCE_FINAL, outputs);
  }
}
