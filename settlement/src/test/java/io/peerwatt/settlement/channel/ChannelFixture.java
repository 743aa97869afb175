package io.peerwatt.settlement.channel;

import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.chain.DevnetControl.FaucetPayment;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import io.peerwatt.settlement.wallet.WalletStore;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** A devnet with a funded payer wallet, and helpers to open channels on it. */
final class ChannelFixture {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
  final DevnetBackend devnet = DevnetBackend.inMemory(CLOCK, new FeePolicy(50, 100));
  final PrivateKey payerKey = key(11);
  final PrivateKey payeeKey = key(12);
  final InMemoryTransactionLog log = new InMemoryTransactionLog();
  final HubWallet payerWallet;

  ChannelFixture(WalletStore walletStore) {
    payerWallet = new HubWallet(payerKey, devnet, walletStore, log);
    FaucetPayment pay = devnet.faucet(payerWallet.lockingScript(), 5_000_000);
    payerWallet.receive(Transaction.parse(pay.rawTx()), false, List.of(), "faucet");
  }

  ChannelFixture() {
    this(new InMemoryWalletStore());
  }

  static PrivateKey key(int n) {
    byte[] b = new byte[32];
    byte[] v = BigInteger.valueOf(7_000 + n).toByteArray();
    System.arraycopy(v, 0, b, 32 - v.length, v.length);
    return PrivateKey.fromBytes(b);
  }

  byte[] payeeScript() {
    return Script.p2pkh(payeeKey.publicKey().hash160()).bytes();
  }

  /** Builds a funding transaction from the payer wallet (not broadcast) and terms over it. */
  Opened prepare(String channelId, long capacitySats, long expiryLockTime) {
    byte[] fundingScript = ChannelTerms.fundingScript(payerKey.publicKey(), payeeKey.publicKey());
    HubWallet.PreparedSpend funding =
        payerWallet.prepare(List.of(new TxOutput(capacitySats, fundingScript)));
    long fee =
        ChannelTerms.commitmentFeeSats(
            devnet.feePolicy(), payerWallet.lockingScript(), payeeScript());
    ChannelTerms terms =
        new ChannelTerms(
            channelId,
            ChannelDirection.HUB_TO_SELLER,
            "seller-1",
            payerKey.publicKey(),
            payeeKey.publicKey(),
            payerWallet.lockingScript(),
            payeeScript(),
            capacitySats,
            fee,
            100,
            expiryLockTime,
            funding.transaction().txid(),
            0);
    return new Opened(terms, funding);
  }

  /** Funding and terms of a channel being opened. */
  record Opened(ChannelTerms terms, HubWallet.PreparedSpend funding) {}
}
