package io.peerwatt.deploy.demo;

import io.peerwatt.gateway.Gateway;
import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.gateway.metering.SimulatedDer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One simulated home: its owner's account, its meter simulator and the gateway polling it; {@code
 * m2m} when its gateway signs its channel payments; {@code battery} when it has one the platform
 * may steer ({@link HomeBattery}).
 */
record Home(
    int index,
    String username,
    long accountId,
    String zone,
    MeterSimulator meter,
    Gateway gateway,
    Thread thread,
    Path dataDir,
    long deviceId,
    boolean m2m,
    long meteringPointId,
    List<Long> ruleIds,
    Optional<SimulatedDer> battery) {}
