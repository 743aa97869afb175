package io.peerwatt.protocol.bsv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

/**
 * Every row of the node's sighash.json: column 5 ("regular") is SignatureHash with amount 0 (FORKID
 * digest when the type has 0x40, else the original), column 6 is always the original digest; both
 * are printed byte-reversed.
 */
class SighashVectorTest {
  @Test
  void everyRowMatchesBothColumns() {
    List<Object> rows = Vectors.load("sighash.json");
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (int i = 1; i < rows.size(); i++) {
      List<Object> row = Vectors.castList(rows.get(i));
      Transaction tx = Transaction.parseHex((String) row.get(0));
      byte[] scriptCode = Hex.decode((String) row.get(1));
      int index = ((Long) row.get(2)).intValue();
      int hashType = ((Long) row.get(3)).intValue();
      Sighash sighash = Sighash.of(tx);
      String regular = Transaction.txidToHex(sighash.digest(index, scriptCode, 0, hashType));
      String original = Transaction.txidToHex(sighash.legacyDigest(index, scriptCode, hashType));
      if (!regular.equals(row.get(4))) {
        failures.add(
            "row "
                + i
                + " regular "
                + regular
                + " != "
                + row.get(4)
                + " type "
                + Integer.toHexString(hashType));
      }
      if (!original.equals(row.get(5))) {
        failures.add(
            "row "
                + i
                + " original "
                + original
                + " != "
                + row.get(5)
                + " type "
                + Integer.toHexString(hashType));
      }
      checked++;
    }
    assertThat(failures).isEmpty();
    assertThat(checked).isEqualTo(1000);
  }
}
