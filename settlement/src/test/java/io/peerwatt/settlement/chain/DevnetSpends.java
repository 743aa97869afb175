package io.peerwatt.settlement.chain;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Signatures;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.devnet.DevnetBackend;
import java.util.List;

/** Funded, signed P2PKH spends on an in-memory devnet, for the backend tests' fake servers. */
public final class DevnetSpends {
  public static final PrivateKey OWNER =
      PrivateKey.fromBytes(Hashes.sha256("backend test owner".getBytes()));

  private DevnetSpends() {}

  public static byte[] ownerScript() {
    return Script.p2pkh(OWNER.publicKey().hash160()).bytes();
  }

  /** A faucet payment to {@link #OWNER}. */
  public static Transaction fund(DevnetBackend devnet, long sats) {
    return Transaction.parse(devnet.faucet(ownerScript(), sats).rawTx());
  }

  /** Spends output 0 of {@code parent} (locked to OWNER) to OWNER with {@code fee} sats of fee. */
  public static Transaction spend(Transaction parent, long fee) {
    TxOutput spent = parent.outputs().get(0);
    Transaction unsigned =
        new Transaction(
            1,
            List.of(new TxInput(parent.txid(), 0, new byte[0], TxInput.SEQUENCE_FINAL)),
            List.of(new TxOutput(spent.satoshis() - fee, ownerScript())),
            0);
    byte[] sig =
        Signatures.signAllForkId(OWNER, unsigned, 0, spent.lockingScript(), spent.satoshis());
    return unsigned.withUnlockingScript(
        0, Script.p2pkhUnlock(sig, OWNER.publicKey().bytes()).bytes());
  }
}
