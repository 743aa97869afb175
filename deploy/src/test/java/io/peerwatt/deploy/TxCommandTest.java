package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.Json;
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
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
    assertThat(json.get("txid")).isEqualTo("23b397edccd3740a74adb603c9756370fafcde9bcc4483eb271ecad09a94dd63");
    assertThat(json.get("size")).isEqualTo(TX_23B397.length() / 2L);
    assertThat(json.get("lockTime")).isEqualTo(0L);
    Map<String, Object> out0 = (Map<String, Object>) ((List<Object>) json.get("outputs")).get(0);
    assertThat(out0.get("satoshis")).isEqualTo(1_000_000L);
    assertThat(((Map<String, Object>) out0.get("lockingScript")).get("asm"))
        .isEqualTo("OP_DUP OP_HASH160 660d4ef3a743e3e696ad990364e555c271ad504b OP_EQUALVERIFY OP_CHECKSIG");
    Map<String, Object> in0 = (Map<String, Object>) ((List<Object>) json.get("inputs")).get(0);
    assertThat((String) ((Map<String, Object>) in0.get("unlockingScript")).get("asm")).startsWith("0 30440220");

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
  }

  @Test
  void sighashMatchesTheNodeVector() {
    // sighash.json row 1: regular digest 61306cf6... (printed reversed by the node)
    String tx = "0122769903cfc6fedb9c63fe76930fed0c87b44be46f5032a534fa05861548616a5b99034701000000040063656ac864c70228"
        + "b3f6ebaf97be065b2180ece52fae4f9039c7bf932e567625d7d89582abe1340100000008ac6363650063ab65ffffffff587125b9"
        + "13706705dc799454ab0343ee8aa59a2f2d538f75e12c0deeb40aa741030000000027b3a02003d21f34040000000000fa7f2c03"
        + "00000000016387213b0300000000056aabacacab00000000";
    Run r = run("tx", "sighash", "--tx", tx, "--input", "1", "--script", "", "--amount", "0", "--type", "902085315");
    assertThat(r.exit()).isZero();
    String natural = r.out().strip();
    assertThat(Hex.toHexString(Arrays.reverse(Hex.decode(natural))))
        .isEqualTo("61306cf6925de09aba87ddb53cca9bbd49c852e9b9990c00f32e2d2e1d4c9ba6");

    Run pre = run("tx", "sighash", "--tx", tx, "--input", "1", "--script", "", "--amount", "0", "--type", "65",
        "--preimage");
    assertThat(pre.exit()).isZero();
    // BIP143 preimage: version, hashPrevouts, hashSequence, outpoint, script, amount, sequence, hashOutputs,
    // lock time, type = 4+32+32+36+1+8+4+32+4+4 bytes
    assertThat(pre.out().strip()).hasSize(2 * 157).startsWith("01227699").endsWith("41000000");

    Run bad = run("tx", "sighash", "--tx", tx, "--input", "7", "--script", "", "--amount", "0", "--type", "65");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("input 7 does not exist");
  }
}
