package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.bsv.TxSigner;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.spv.Beef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bouncycastle.util.Arrays;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peerwatt tx} end to end through {@link PeerwattCommand#run}, capturing what it prints. */
class TxCommandTest {
  static final String TX_23B397 =
      "0100000001b14bdcbc3e01bdaad36cc08e81e69c82e1060bc14e518db2b49aa43ad90ba26000000000490047304402203f16c6f"
          + "40162ab686621ef3000b04e75418a0c0cb2d8aebeac894ae360ac1e780220ddc15ecdfc3507ac48e1681a33eb60996631bf6"
          + "bf5bc0a0682c4db743ce7ca2b01ffffffff0140420f00000000001976a914660d4ef3a743e3e696ad990364e555c271ad50"
          + "4b88ac00000000";

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = PeerwattCommand.run(args);
      return new Run(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void decodePrintsJson(@TempDir Path dir) throws Exception {
    Run r = run("tx", "decode", TX_23B397);
    assertThat(r.exit()).isZero();
    Map<String, Object> json = Json.parseObject(r.out());
    assertThat(json.get("txid"))
        .isEqualTo("23b397edccd3740a74adb603c9756370fafcde9bcc4483eb271ecad09a94dd63");
    assertThat(json.get("size")).isEqualTo(TX_23B397.length() / 2L);
    assertThat(json.get("lockTime")).isEqualTo(0L);
    Map<String, Object> out0 = (Map<String, Object>) ((List<Object>) json.get("outputs")).get(0);
    assertThat(out0.get("satoshis")).isEqualTo(1_000_000L);
    assertThat(((Map<String, Object>) out0.get("lockingScript")).get("asm"))
        .isEqualTo(
            "OP_DUP OP_HASH160 660d4ef3a743e3e696ad990364e555c271ad504b OP_EQUALVERIFY OP_CHECKSIG");
    Map<String, Object> in0 = (Map<String, Object>) ((List<Object>) json.get("inputs")).get(0);
    assertThat((String) ((Map<String, Object>) in0.get("unlockingScript")).get("asm"))
        .startsWith("0 30440220");

    // the same from a binary file and from a hex file
    Path bin = dir.resolve("tx.bin");
    Files.write(bin, Hex.decode(TX_23B397));
    assertThat(run("tx", "decode", "@" + bin).out()).isEqualTo(r.out());
    Path hex = dir.resolve("tx.hex");
    Files.writeString(hex, TX_23B397 + "\n");
    assertThat(run("tx", "decode", "@" + hex).out()).isEqualTo(r.out());
  }

  @Test
  void decodeRejectsBadInputWithOneLine() {
    Run r = run("tx", "decode", TX_23B397 + "00");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("trailing");
    assertThat(run("tx", "decode", "@/nonexistent/tx.hex").err()).contains("no such file");
    Run notHex = run("tx", "decode", "hello");
    assertThat(notHex.exit()).isEqualTo(2);
    assertThat(notHex.err()).contains("peerwatt: transaction: odd number of hex digits");
  }

  @Test
  void sighashMatchesTheNodeVector() {
    // sighash.json row 1: regular digest 61306cf6... (printed reversed by the node)
    String tx =
        "0122769903cfc6fedb9c63fe76930fed0c87b44be46f5032a534fa05861548616a5b99034701000000040063656ac864c70228"
            + "b3f6ebaf97be065b2180ece52fae4f9039c7bf932e567625d7d89582abe1340100000008ac6363650063ab65ffffffff587125b9"
            + "13706705dc799454ab0343ee8aa59a2f2d538f75e12c0deeb40aa741030000000027b3a02003d21f34040000000000fa7f2c03"
            + "00000000016387213b0300000000056aabacacab00000000";
    Run r =
        run(
            "tx",
            "sighash",
            "--tx",
            tx,
            "--input",
            "1",
            "--script",
            "",
            "--amount",
            "0",
            "--type",
            "902085315");
    assertThat(r.exit()).isZero();
    String natural = r.out().strip();
    assertThat(Hex.toHexString(Arrays.reverse(Hex.decode(natural))))
        .isEqualTo("61306cf6925de09aba87ddb53cca9bbd49c852e9b9990c00f32e2d2e1d4c9ba6");

    Run pre =
        run(
            "tx",
            "sighash",
            "--tx",
            tx,
            "--input",
            "1",
            "--script",
            "",
            "--amount",
            "0",
            "--type",
            "65",
            "--preimage");
    assertThat(pre.exit()).isZero();
    // BIP143 preimage: version, hashPrevouts, hashSequence, outpoint, script, amount, sequence,
    // hashOutputs,
    // lock time, type = 4+32+32+36+1+8+4+32+4+4 bytes
    assertThat(pre.out().strip()).hasSize(2 * 157).startsWith("01227699").endsWith("41000000");

    Run bad =
        run(
            "tx",
            "sighash",
            "--tx",
            tx,
            "--input",
            "7",
            "--script",
            "",
            "--amount",
            "0",
            "--type",
            "65");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("input 7 does not exist");
  }

  static final PrivateKey ALICE = PrivateKey.fromHex("00".repeat(31) + "0a");
  static final PrivateKey BOB = PrivateKey.fromHex("00".repeat(31) + "0b");

  /** A parent paying Alice (P2PKH) and Alice+Bob (2-of-2), and a child spending both, signed. */
  static Transaction[] parentAndChild() {
    TxOutput toAlice = new TxOutput(10_000, Script.p2pkh(ALICE.publicKey().hash160()).bytes());
    TxOutput toBoth =
        new TxOutput(
            20_000,
            Script.multisig(2, List.of(ALICE.publicKey().bytes(), BOB.publicKey().bytes()))
                .bytes());
    Transaction parent =
        new Transaction(
            1,
            List.of(new TxInput(new byte[32], 7, new byte[] {0x51}, TxInput.SEQUENCE_FINAL)),
            List.of(toAlice, toBoth),
            0);
    Transaction child =
        new Transaction(
            1,
            List.of(
                new TxInput(parent.txid(), 0, new byte[0], TxInput.SEQUENCE_FINAL),
                new TxInput(parent.txid(), 1, new byte[0], TxInput.SEQUENCE_FINAL)),
            List.of(new TxOutput(29_000, Script.p2pkh(BOB.publicKey().hash160()).bytes())),
            0);
    child = TxSigner.signP2pkh(child, 0, toAlice, ALICE);
    child = TxSigner.signMultisig(child, 1, toBoth, List.of(BOB, ALICE));
    return new Transaction[] {parent, child};
  }

  @Test
  void verifyAcceptsAValidBeefInEveryVersion(@TempDir Path dir) throws Exception {
    Transaction[] pc = parentAndChild();
    List<Beef.Tx> txs = List.of(Beef.Tx.of(pc[0], null), Beef.Tx.of(pc[1], null));
    Beef v1 = Beef.v1(List.of(), txs);
    Beef v2 = new Beef(Beef.V2, List.of(), txs, null);
    Beef atomic = new Beef(Beef.V1, List.of(), txs, pc[1].txid());
    for (Beef beef : List.of(v1, v2, atomic)) {
      Run r = run("tx", "verify", beef.toHex());
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out().lines()).hasSize(2);
      assertThat(r.out())
          .contains(
              "input 0 (" + pc[0].txidHex() + ":0): OK", "input 1 (" + pc[0].txidHex() + ":1): OK");
    }
    Path bin = dir.resolve("tx.beef");
    Files.write(bin, atomic.encode());
    assertThat(run("tx", "verify", "@" + bin).exit()).isZero();
  }

  @Test
  void verifyReportsTheFailingInputAndExitsOne() {
    Transaction[] pc = parentAndChild();
    Transaction child = pc[1];
    // move 1 satoshi elsewhere after signing: both ALL|FORKID signatures break
    Transaction tampered =
        new Transaction(
            child.version(),
            child.inputs(),
            List.of(new TxOutput(28_999, child.outputs().get(0).lockingScript())),
            child.lockTime());
    Beef beef = Beef.v1(List.of(), List.of(Beef.Tx.of(pc[0], null), Beef.Tx.of(tampered, null)));
    Run r = run("tx", "verify", beef.toHex());
    assertThat(r.exit()).isEqualTo(1);
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("input 0").contains("NULLFAIL").contains("OP_CHECKSIG");
    assertThat(lines.get(1)).contains("input 1").contains("NULLFAIL").contains("OP_CHECKMULTISIG");

    // a BEEF without the parent cannot be verified: the spent outputs are unknown
    Beef orphan = Beef.v1(List.of(), List.of(Beef.Tx.of(child, null)));
    Run o = run("tx", "verify", orphan.toHex());
    assertThat(o.exit()).isEqualTo(1);
    assertThat(o.out()).contains("not in the BEEF");

    Run garbage = run("tx", "verify", "0100beef00");
    assertThat(garbage.exit()).isEqualTo(2);
    assertThat(garbage.err()).startsWith("peerwatt: BEEF:");
  }
}
