package io.peerwatt.settlement.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.chain.node.RegtestNode;
import io.peerwatt.settlement.wallet.KeyVault;
import io.peerwatt.settlement.wallet.WalletOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The platform's settlement on a real Bitcoin SV node (regtest, miners taking 0.5 sat/byte): what
 * used to hold on devnet only (issue 15 item 5).
 */
@ExtendWith({RegtestNode.Available.class, PostgresExtension.class})
class SettlementOnNodeTest {
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

  private static Settlement settlement(DSLContext db) throws IOException {
    Path keys = Files.createTempDirectory("peerwatt-keys");
    KeyVault vault =
        KeyVault.open(
            keys.resolve("settlement-vault.bin"),
            keys.resolve("settlement-vault.secret"),
            new SecureRandom());
    return new Settlement(
        db,
        node.backend(1),
        vault,
        PrivateKey.fromBytes(Hashes.sha256("platform".getBytes(StandardCharsets.US_ASCII))),
        Clock.systemUTC(),
        2_000_000,
        1_000_000);
  }

  @Test
  void theHubAddressIsLabelledWithTheNodesNetwork(DSLContext db) throws IOException {
    Settlement s = settlement(db);
    assertThat(s.hubWalletAddress())
        .isEqualTo("regtest:" + s.hubWallet.address(Network.TESTNET).encode());
  }

  @Test
  void aCustodialBuyerChannelTheHubClosesGivesTheCustodialStoreItsChange(DSLContext db)
      throws IOException {
    Settlement s = settlement(db);
    String custodial = s.custodialWallet.address(Network.TESTNET).encode();
    String block = node.mineTo(1, custodial).get(0);
    Transaction coinbase =
        Transaction.parse(
            HexFormat.of()
                .parseHex(
                    (String) node.rpc("getrawtransaction", node.blockTxids(block).get(0), 0)));
    node.mine(RegtestNode.COINBASE_MATURITY);
    s.custodialWallet.receive(coinbase, false, List.of(), "funding");

    String channel = "7-to-hub";
    assertThat(
            s.custodialPayer
                .open(
                    channel,
                    ChannelDirection.BUYER_TO_HUB,
                    "7",
                    s.hub.hubKey(),
                    s.hub.hubPayeeScript(),
                    200_000,
                    s.chain.tip().height() + Settlement.CHANNEL_LIFETIME_BLOCKS,
                    190_000,
                    s.hub.buyers())
                .isOk())
        .isTrue();
    assertThat(s.custodialPayer.pay(channel, 50_000, s.hub.buyers()).isOk()).isTrue();
    long before = s.custodialWallet.balanceSats();

    List<String> closed = new SettlementPass(s, Clock.systemUTC()).closeAllChannels();

    assertThat(closed).hasSize(1);
    String closing = closed.get(0);
    List<WalletOutput> change =
        s.custodialWallet.unspent().stream()
            .filter(o -> Transaction.txidToHex(o.txid()).equals(closing))
            .toList();
    assertThat(change)
        .singleElement()
        .satisfies(o -> assertThat(o.satoshis()).isBetween(140_000L, 150_000L));
    assertThat(s.custodialWallet.balanceSats()).isEqualTo(before + change.get(0).satoshis());
    assertThat(s.custodialPayer.channel(channel).orElseThrow().state())
        .isEqualTo(ChannelState.CLOSED);
    node.mine(1);
    assertThat(node.confirmations(closing)).isEqualTo(1);
  }
}
