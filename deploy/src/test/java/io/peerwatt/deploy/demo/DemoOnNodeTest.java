package io.peerwatt.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peerwatt.deploy.ChainSettings;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.settlement.chain.node.RegtestNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerwatt demo --chain node} on a real Bitcoin SV node in regtest whose miners take 0.5
 * sat/byte: the demo funds the platform and the gateways from coins it mines, mines on its timer,
 * and ends with every channel closed; every transaction it exported is mined by the node and paid
 * at least what miners take.
 */
@ExtendWith(RegtestNode.Available.class)
class DemoOnNodeTest {
  static RegtestNode node;

  @BeforeAll
  static void start() {
    node = RegtestNode.start("-minminingtxfee=0.00000500");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void threeHomesTwoSlotsOnANodeEndWithEveryExportedTransactionMined(@TempDir Path dir)
      throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    ChainSettings chain =
        new ChainSettings(
            "node",
            "regtest",
            node.rpcUrl().toString(),
            null,
            null,
            null,
            null,
            Duration.ofSeconds(10),
            3,
            1);
    Map<String, Object> summary;
    try (Demo demo =
        Demo.start(new Demo.Options(3, 1, 2, 180, 0, dir.resolve("data"), chain, null), out)) {
      demo.printWelcome();
      demo.run();
      demo.closeChannels();
      summary = demo.summary();
      demo.export(dir.resolve("out"));
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("chain regtest").contains("funded on regtest by");
    assertThat(((Number) summary.get("trades")).longValue()).isPositive();
    assertThat(((Number) summary.get("channelsClosed")).longValue()).isPositive();
    assertThat(summary.get("anchorsMined")).isEqualTo(summary.get("anchors"));

    JsonNode txs =
        new ObjectMapper()
            .readTree(dir.resolve("out").resolve("transactions.json").toFile())
            .get("transactions");
    assertThat(txs.size()).isEqualTo(((Number) summary.get("transactions")).intValue());
    long madeFees = 0;
    for (JsonNode entry : txs) {
      String txid = entry.get("txid").asText();
      assertThat(node.confirmations(txid)).as("confirmations of %s", txid).isPositive();
      Transaction tx = Transaction.parse(HexFormat.of().parseHex(entry.get("rawTx").asText()));
      long in = 0;
      for (JsonNode input : entry.get("inputs")) {
        in += input.get("satoshis").asLong();
      }
      long fee = in - tx.outputs().stream().mapToLong(o -> o.satoshis()).sum();
      assertThat(fee * 1000)
          .as("%s pays the node's 500 sat/kB", txid)
          .isGreaterThanOrEqualTo(500L * tx.size());
      madeFees += fee;
    }
    // the platform's own transactions' fees, and the gateways' channel fundings on top
    assertThat(((Number) summary.get("feesPaidSats")).longValue())
        .isPositive()
        .isGreaterThanOrEqualTo(madeFees);
  }
}
