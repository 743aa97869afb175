package io.peerwatt.settlement.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.Bump;
import io.peerwatt.settlement.anchor.AnchorOutcome;
import io.peerwatt.settlement.anchor.AnchorRecord;
import io.peerwatt.settlement.anchor.JdbcAnchorStore;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.node.NodeRpcBackend;
import io.peerwatt.settlement.chain.node.RegtestNode;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.KeyVault;
import io.peerwatt.settlement.wallet.TransactionWatcher;
import io.peerwatt.settlement.wallet.WalletOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
    return settlement(db, node.backend(1));
  }

  private static Settlement settlement(DSLContext db, NodeRpcBackend chain) throws IOException {
    Path keys = Files.createTempDirectory("peerwatt-keys");
    KeyVault vault =
        KeyVault.open(
            keys.resolve("settlement-vault.bin"),
            keys.resolve("settlement-vault.secret"),
            new SecureRandom());
    return new Settlement(
        db,
        chain,
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

  /** Mines a coinbase to the wallet's address, matures it and books it in the wallet. */
  private static void fund(HubWallet wallet) {
    String block = node.mineTo(1, wallet.address(Network.TESTNET).encode()).get(0);
    Transaction coinbase =
        Transaction.parse(
            HexFormat.of()
                .parseHex(
                    (String) node.rpc("getrawtransaction", node.blockTxids(block).get(0), 0)));
    node.mine(RegtestNode.COINBASE_MATURITY);
    wallet.receive(coinbase, false, List.of(), "funding");
  }

  /** The custodial store opens a buyer channel to the hub and pays 50,000 sat over it. */
  private static void openAndPay(Settlement s, String channel) {
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
  }

  @Test
  void aCustodialBuyerChannelTheHubClosesGivesTheCustodialStoreItsChange(DSLContext db)
      throws IOException {
    Settlement s = settlement(db);
    fund(s.custodialWallet);

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

  @Test
  void aReorgAndANodeRestartWithoutItsMempoolLeaveChannelsAnchorsAndWalletsRight(DSLContext db)
      throws IOException {
    // the node's relay keeps its port over the restart
    Settlement s =
        settlement(
            db, new NodeRpcBackend(node.relayUrl(), "regtest", Duration.ofSeconds(10), 3, 1));
    SettlementPass pass = new SettlementPass(s, Clock.systemUTC());
    fund(s.hubWallet);
    fund(s.custodialWallet);
    assertThat(s.watcher.watch().mined()).as("the two coinbases").isEqualTo(2);
    String channel = "8-to-hub";
    openAndPay(s, channel);
    String funding =
        Transaction.txidToHex(
            s.custodialPayer.channel(channel).orElseThrow().terms().fundingTxid());
    AnchorOutcome anchored =
        s.anchoring.anchorReport(
            Hashes.sha256("a report".getBytes(StandardCharsets.US_ASCII)),
            "2026-11-25T10:00Z/PT15M",
            Instant.now());
    String anchor = anchored.txid();
    String closing = pass.closeAllChannels().get(0);
    String block = node.mine(1).get(0);
    assertThat(node.blockTxids(block)).contains(funding, anchor, closing);
    pass.bookBlocks();
    assertThat(s.watcher.watch().mined()).isEqualTo(3);
    long hubSats = s.hubWallet.balanceSats();
    long storeSats = s.custodialWallet.balanceSats();
    long paid = s.hub.buyerChannel(channel).orElseThrow().payeeAmountSats();

    // the block leaves the best chain; its transactions go back to the mempool and into the longer
    // branch, at the same height in another block
    node.invalidateBlock(block);
    List<String> branch = node.mineOtherBranch(2);
    assertThat(node.blockTxids(branch.get(0))).contains(funding, anchor, closing);
    pass.bookBlocks();
    TransactionWatcher.Report moved = s.watcher.watch();
    assertThat(moved.reorged()).isEqualTo(3);
    assertThat(moved.mined()).isEqualTo(3);
    assertAnchorProvenBy(db, anchored, branch.get(0));
    assertUnchanged(s, channel, paid, hubSats, storeSats);

    // again, but the node restarts without its mempool and mines a longer branch without them:
    // the platform sends them again, the funding before the closing that spends it
    node.invalidateBlock(branch.get(0));
    node.restart("-persistmempool=0");
    assertThat(node.mempool()).doesNotContain(funding, anchor, closing);
    node.mineOtherBranch(3);
    pass.bookBlocks();
    TransactionWatcher.Report resent = s.watcher.watch();
    assertThat(resent.reorged()).isEqualTo(3);
    assertThat(resent.resent()).isEqualTo(3);
    assertThat(node.mempool()).contains(funding, anchor, closing);
    s.custodialWallet.syncConfirmations();
    assertThat(changeOf(s.custodialWallet, closing).isConfirmed())
        .as("its block left the best chain")
        .isFalse();
    String again = node.mine(1).get(0);
    pass.bookBlocks();
    assertThat(s.watcher.watch().mined()).isEqualTo(3);
    assertThat(node.confirmations(closing)).isEqualTo(1);
    assertAnchorProvenBy(db, anchored, again);
    assertThat(changeOf(s.custodialWallet, closing).confirmedHeight()).isEqualTo(node.blockCount());
    assertUnchanged(s, channel, paid, hubSats, storeSats);
  }

  /** The stored anchor's header and BUMP are those of {@code block} on the node. */
  private static void assertAnchorProvenBy(DSLContext db, AnchorOutcome anchored, String block) {
    String txid = anchored.txid();
    AnchorRecord a =
        new JdbcAnchorStore(db)
            .anchorsFor(anchored.anchorKey()).stream()
                .filter(r -> r.txid().equals(txid))
                .findFirst()
                .orElseThrow();
    assertThat(new ChainHeader(a.blockHeight(), a.header()).hashHex()).isEqualTo(block);
    BlockHeader header = BlockHeader.parseHex((String) node.rpc("getblockheader", block, false));
    assertThat(Bump.decode(a.bump()).computeRoot(Transaction.txidFromHex(txid)))
        .isEqualTo(header.merkleRoot());
  }

  /** The channel stays closed on both sides with what was paid; the wallets hold what they held. */
  private static void assertUnchanged(
      Settlement s, String channel, long paid, long hubSats, long storeSats) {
    assertThat(s.hub.buyerChannel(channel).orElseThrow())
        .satisfies(c -> assertThat(c.state()).isEqualTo(ChannelState.CLOSED))
        .satisfies(c -> assertThat(c.payeeAmountSats()).isEqualTo(paid));
    assertThat(s.custodialPayer.channel(channel).orElseThrow().state())
        .isEqualTo(ChannelState.CLOSED);
    assertThat(s.hubWallet.balanceSats()).isEqualTo(hubSats);
    assertThat(s.custodialWallet.balanceSats()).isEqualTo(storeSats);
  }

  /** The wallet's output (its change) of a transaction. */
  private static WalletOutput changeOf(HubWallet wallet, String txid) {
    return wallet.unspent().stream()
        .filter(o -> Transaction.txidToHex(o.txid()).equals(txid))
        .findFirst()
        .orElseThrow();
  }
}
