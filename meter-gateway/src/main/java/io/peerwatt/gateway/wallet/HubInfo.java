package io.peerwatt.gateway.wallet;

import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PublicKey;
import java.util.Map;

/** What the platform tells the wallet about the hub and the chain ({@code GET /gateway/wallet}). */
record HubInfo(
    long deviceId,
    long accountId,
    String network,
    PublicKey hubKey,
    byte[] hubScript,
    FeePolicy feePolicy,
    long tipHeight,
    long channelLifetimeBlocks,
    long closeMarginBlocks,
    boolean faucet) {

  static HubInfo fromJson(Map<String, Object> answer) {
    Map<String, Object> fee = Json.object(answer, "feePolicy");
    return new HubInfo(
        Json.integer(answer, "deviceId"),
        Json.integer(answer, "accountId"),
        Json.string(answer, "network"),
        PublicKey.fromHex(Json.string(answer, "hubKey")),
        StrictHex.decode(Json.string(answer, "hubScript"), "hubScript"),
        new FeePolicy(Json.integer(fee, "satoshisPerKb"), Json.integer(fee, "dustLimitSats")),
        Json.integer(answer, "tipHeight"),
        Json.integer(answer, "channelLifetimeBlocks"),
        Json.integer(answer, "closeMarginBlocks"),
        Boolean.TRUE.equals(answer.get("faucet")));
  }
}
