package io.peerwatt.protocol.bsv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.keys.PrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxSignerTest {
  static final PrivateKey ALICE = PrivateKey.fromHex("00".repeat(31) + "01");
  static final PrivateKey BOB = PrivateKey.fromHex("00".repeat(31) + "02");
  static final PrivateKey CAROL = PrivateKey.fromHex("00".repeat(31) + "03");

  static Transaction spending(int inputs) {
    TxInput[] ins = new TxInput[inputs];
    for (int i = 0; i < inputs; i++) {
      byte[] txid = new byte[32];
      txid[0] = (byte) (i + 1);
      ins[i] = new TxInput(txid, i, new byte[0], TxInput.SEQUENCE_FINAL);
    }
    return new Transaction(
        1,
        List.of(ins),
        List.of(new TxOutput(900, Script.p2pkh(BOB.publicKey().hash160()).bytes())),
        0);
  }

  @Test
  void signsP2pkhThatTheInterpreterAccepts() {
    TxOutput spent = new TxOutput(1000, Script.p2pkh(ALICE.publicKey().hash160()).bytes());
    Transaction signed = TxSigner.signP2pkh(spending(1), 0, spent, ALICE);
    assertThat(Interpreter.verifyInput(signed, 0, spent, ScriptFlags.POST_GENESIS_STANDARD).ok())
        .isTrue();
    // deterministic (RFC 6979)
    assertThat(TxSigner.signP2pkh(spending(1), 0, spent, ALICE)).isEqualTo(signed);
    byte[] unlock = signed.inputs().get(0).unlockingScript();
    assertThat(unlock[unlock[0]]).isEqualTo((byte) SigHashType.ALL_FORKID);
    // the FORKID digest commits to the amount
    TxOutput other = new TxOutput(999, spent.lockingScript());
    ScriptResult wrongAmount =
        Interpreter.verifyInput(signed, 0, other, ScriptFlags.POST_GENESIS_STANDARD);
    assertThat(wrongAmount.error()).isEqualTo(ScriptError.NULLFAIL);
    assertThat(wrongAmount.message()).contains("OP_CHECKSIG").contains("locking script");
  }

  @Test
  void signsEveryTypeAndEachVerifies() {
    TxOutput spent = new TxOutput(1000, Script.p2pkh(ALICE.publicKey().hash160()).bytes());
    for (int base : new int[] {SigHashType.ALL, SigHashType.NONE, SigHashType.SINGLE}) {
      for (int extra : new int[] {0, SigHashType.ANYONECANPAY}) {
        int forkType = base | extra | SigHashType.FORKID;
        Transaction a = TxSigner.signP2pkh(spending(2), 1, spent, ALICE, forkType);
        assertThat(Interpreter.verifyInput(a, 1, spent, ScriptFlags.POST_GENESIS_STANDARD).ok())
            .as("type %x", forkType)
            .isTrue();
        int legacyType = base | extra;
        Transaction b = TxSigner.signP2pkh(spending(2), 1, spent, ALICE, legacyType);
        int legacyFlags =
            ScriptFlags.STRICTENC
                | ScriptFlags.LOW_S
                | ScriptFlags.NULLFAIL
                | ScriptFlags.UTXO_AFTER_GENESIS;
        assertThat(Interpreter.verifyInput(b, 1, spent, legacyFlags).ok())
            .as("type %x", legacyType)
            .isTrue();
        assertThat(Interpreter.verifyInput(b, 1, spent, ScriptFlags.POST_GENESIS_STANDARD).error())
            .isEqualTo(ScriptError.MISSING_FORKID);
      }
    }
  }

  @Test
  void signsTwoOfThreeMultisigInKeyOrder() {
    Script lock =
        Script.multisig(
            2,
            List.of(ALICE.publicKey().bytes(), BOB.publicKey().bytes(), CAROL.publicKey().bytes()));
    TxOutput spent = new TxOutput(5000, lock.bytes());
    // keys given out of order: the signer puts the signatures in script order
    Transaction signed = TxSigner.signMultisig(spending(1), 0, spent, List.of(CAROL, ALICE));
    assertThat(Interpreter.verifyInput(signed, 0, spent, ScriptFlags.POST_GENESIS_STANDARD))
        .isEqualTo(ScriptResult.SUCCESS);
    assertThatThrownBy(() -> TxSigner.signMultisig(spending(1), 0, spent, List.of(ALICE)))
        .isInstanceOf(IllegalArgumentException.class);
    PrivateKey stranger = PrivateKey.fromHex("00".repeat(31) + "09");
    assertThatThrownBy(() -> TxSigner.signMultisig(spending(1), 0, spent, List.of(ALICE, stranger)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesTheChronicleBitAndWrongKeys() {
    TxOutput spent = new TxOutput(1000, Script.p2pkh(ALICE.publicKey().hash160()).bytes());
    assertThatThrownBy(() -> TxSigner.signP2pkh(spending(1), 0, spent, ALICE, 0x61))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CHRONICLE");
    assertThatThrownBy(() -> TxSigner.signP2pkh(spending(1), 0, spent, BOB))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
