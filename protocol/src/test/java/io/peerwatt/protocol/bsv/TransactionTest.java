package io.peerwatt.protocol.bsv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.ByteReader;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

class TransactionTest {
  /** Mainnet tx 23b397ed... (the first row of tx_valid.json). */
  static final String TX_23B397 =
      "0100000001b14bdcbc3e01bdaad36cc08e81e69c82e1060bc14e518db2b49aa43ad90ba26000000000490047304402203f16c6f"
          + "40162ab686621ef3000b04e75418a0c0cb2d8aebeac894ae360ac1e780220ddc15ecdfc3507ac48e1681a33eb60996631bf6"
          + "bf5bc0a0682c4db743ce7ca2b01ffffffff0140420f00000000001976a914660d4ef3a743e3e696ad990364e555c271ad50"
          + "4b88ac00000000";

  @Test
  void parsesKnownTransactionAndComputesTxid() {
    Transaction tx = Transaction.parseHex(TX_23B397);
    assertThat(tx.txidHex())
        .isEqualTo("23b397edccd3740a74adb603c9756370fafcde9bcc4483eb271ecad09a94dd63");
    assertThat(tx.version()).isEqualTo(1);
    assertThat(tx.inputs()).hasSize(1);
    assertThat(tx.inputs().get(0).prevTxidHex())
        .isEqualTo("60a20bd93aa49ab4b28d514ec10b06e1829ce6818ec06cd3aabd013ebcdc4bb1");
    assertThat(tx.inputs().get(0).sequence()).isEqualTo(0xFFFF_FFFFL);
    assertThat(tx.outputs().get(0).satoshis()).isEqualTo(1_000_000L);
    assertThat(tx.lockTime()).isZero();
    assertThat(tx.toHex()).isEqualTo(TX_23B397);
    assertThat(tx.size()).isEqualTo(TX_23B397.length() / 2);
  }

  @Test
  void rejectsTrailingBytesTruncationAndNonCanonicalVarints() {
    assertThatThrownBy(() -> Transaction.parseHex(TX_23B397 + "00"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("trailing");
    assertThatThrownBy(() -> Transaction.parseHex(TX_23B397.substring(0, TX_23B397.length() - 2)))
        .isInstanceOf(FormatException.class);
    // input count 1 written as fd0100
    String nonCanonical = "01000000" + "fd0100" + TX_23B397.substring(10);
    assertThatThrownBy(() -> Transaction.parseHex(nonCanonical))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("non-canonical");
  }

  @Test
  void readFromStreamLeavesTheRest() {
    byte[] two = Hex.decode(TX_23B397 + TX_23B397 + "ab");
    ByteReader in = new ByteReader(two);
    Transaction a = Transaction.read(in);
    Transaction b = Transaction.read(in);
    assertThat(a).isEqualTo(b);
    assertThat(in.readByte("tail")).isEqualTo(0xab);
  }

  @Test
  void everyVectorTransactionRoundTrips() {
    int n = 0;
    for (String file : List.of("tx_valid.json", "tx_invalid.json")) {
      for (Object row : Vectors.load(file)) {
        List<Object> r = Vectors.castList(row);
        if (r.size() < 2) {
          continue;
        }
        String hex = (String) r.get(1);
        Transaction tx;
        try {
          tx = Transaction.parseHex(hex);
        } catch (FormatException e) {
          continue; // tx_invalid holds a few that are not even well-formed
        }
        assertThat(tx.toHex()).isEqualTo(hex.toLowerCase());
        n++;
      }
    }
    assertThat(n).isGreaterThan(150);
  }

  @Test
  void txidHexRoundTrips() {
    String id = "23b397edccd3740a74adb603c9756370fafcde9bcc4483eb271ecad09a94dd63";
    assertThat(Transaction.txidToHex(Transaction.txidFromHex(id))).isEqualTo(id);
    assertThatThrownBy(() -> Transaction.txidFromHex("zz")).isInstanceOf(FormatException.class);
  }

  @Property(tries = 200)
  void randomTransactionsRoundTrip(
      @ForAll int version,
      @ForAll @Size(min = 32, max = 32) byte[] txid,
      @ForAll @IntRange(min = 0, max = 3) int inputs,
      @ForAll @IntRange(min = 0, max = 3) int outputs,
      @ForAll @Size(max = 300) byte[] script,
      @ForAll long satoshis,
      @ForAll @IntRange(min = 0) int lockTime) {
    List<TxInput> ins = new java.util.ArrayList<>();
    for (int i = 0; i < inputs; i++) {
      ins.add(new TxInput(txid, i, script, 0xFFFF_FFFFL - i));
    }
    List<TxOutput> outs = new java.util.ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      outs.add(new TxOutput(satoshis + i, script));
    }
    Transaction tx = new Transaction(version, ins, outs, lockTime);
    byte[] bytes = tx.serialize();
    Transaction back = Transaction.parse(bytes);
    assertThat(back).isEqualTo(tx);
    assertThat(back.txid()).isEqualTo(Hashes.sha256d(bytes));
    assertThat(back.size()).isEqualTo(bytes.length);
  }
}
