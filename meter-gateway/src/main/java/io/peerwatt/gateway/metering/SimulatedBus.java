package io.peerwatt.gateway.metering;

import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.UnknownUnitIdException;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersResponse;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersResponse;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterResponse;
import com.digitalpetri.modbus.serial.server.SerialPortServerTransport;
import com.digitalpetri.modbus.server.ModbusRequestContext;
import com.digitalpetri.modbus.server.ModbusRtuServer;
import com.digitalpetri.modbus.server.ModbusServer;
import com.digitalpetri.modbus.server.ModbusServices;
import com.digitalpetri.modbus.server.ModbusTcpServer;
import com.digitalpetri.modbus.tcp.server.NettyTcpServerTransport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Modbus bus of simulated meters (digitalpetri server): over TCP on 127.0.0.1, like a Modbus TCP
 * gateway in front of an RS-485 line, or as Modbus RTU on a serial device. Each request goes to the
 * meter with its unit id; a unit id nobody has gets no answer, as on a real line. Counts the
 * requests each unit received, so tests can see how many a poll takes.
 */
public final class SimulatedBus {
  private final Map<Integer, SimulatedMeter> meters = new LinkedHashMap<>();
  private final Map<Integer, AtomicLong> requests = new ConcurrentHashMap<>();
  private ModbusServer server;

  /**
   * Own threads, so releasing digitalpetri's shared Netty resources elsewhere cannot stall the bus.
   */
  private EventLoopGroup eventLoop;

  private ExecutorService executor;
  private volatile int port = -1;

  public SimulatedBus(List<? extends SimulatedMeter> onTheBus) {
    for (SimulatedMeter m : onTheBus) {
      if (meters.put(m.unitId(), m) != null) {
        throw new IllegalArgumentException("two meters at unit " + m.unitId());
      }
      requests.put(m.unitId(), new AtomicLong());
    }
  }

  /**
   * Binds Modbus TCP on 127.0.0.1 ({@code requestedPort} 0 = any free port, see {@link #port()}).
   */
  public synchronized SimulatedBus start(int requestedPort) {
    CompletableFuture<Integer> bound = new CompletableFuture<>();
    eventLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    executor = Executors.newSingleThreadExecutor(daemon("meter-simulator"));
    NettyTcpServerTransport transport =
        NettyTcpServerTransport.create(
            cfg ->
                cfg.setBindAddress("127.0.0.1")
                    .setEventLoopGroup(eventLoop)
                    .setExecutor(executor)
                    .setPort(requestedPort)
                    .setBootstrapCustomizer(
                        bootstrap ->
                            bootstrap.handler(
                                new ChannelInboundHandlerAdapter() {
                                  @Override
                                  public void channelActive(ChannelHandlerContext ctx) {
                                    bound.complete(
                                        ((InetSocketAddress) ctx.channel().localAddress())
                                            .getPort());
                                    ctx.fireChannelActive();
                                  }
                                })));
    ModbusTcpServer tcp = ModbusTcpServer.create(transport, new Services());
    server = tcp;
    try {
      tcp.start();
      port = bound.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("meter simulator could not bind port " + requestedPort, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the meter simulator", e);
    }
    return this;
  }

  /**
   * Serves Modbus RTU on a serial device instead (8 data bits, no parity, 1 stop bit), e.g. one end
   * of a {@code socat} pseudo-terminal pair in tests.
   */
  public synchronized SimulatedBus startRtu(String serialDevice, int baud) {
    executor = Executors.newSingleThreadExecutor(daemon("meter-simulator-rtu"));
    SerialPortServerTransport transport =
        SerialPortServerTransport.create(
            cfg -> cfg.setSerialPort(serialDevice).setBaudRate(baud).setExecutor(executor));
    ModbusRtuServer rtu = ModbusRtuServer.create(transport, new Services());
    server = rtu;
    try {
      rtu.start();
    } catch (ExecutionException e) {
      throw new IllegalStateException("meter simulator could not open " + serialDevice, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the meter simulator", e);
    }
    return this;
  }

  /** The bound TCP port. */
  public int port() {
    if (port < 0) {
      throw new IllegalStateException("simulator not started");
    }
    return port;
  }

  /** Requests the meter at {@code unitId} has received (answered or refused). */
  public long requests(int unitId) {
    AtomicLong n = requests.get(unitId);
    return n == null ? 0 : n.get();
  }

  /** Stops the server and its threads. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      if (server instanceof ModbusTcpServer tcp) {
        tcp.stop();
      } else if (server instanceof ModbusRtuServer rtu) {
        rtu.stop();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("meter simulator did not stop cleanly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server = null;
      port = -1;
      if (eventLoop != null) {
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        eventLoop = null;
      }
      if (executor != null) {
        executor.shutdownNow();
        executor = null;
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private final class Services implements ModbusServices {
    @Override
    public ReadInputRegistersResponse readInputRegisters(
        ModbusRequestContext context, int unitId, ReadInputRegistersRequest request)
        throws ModbusResponseException, UnknownUnitIdException {
      return new ReadInputRegistersResponse(
          answer(unitId, 4, request.address(), request.quantity()));
    }

    @Override
    public ReadHoldingRegistersResponse readHoldingRegisters(
        ModbusRequestContext context, int unitId, ReadHoldingRegistersRequest request)
        throws ModbusResponseException, UnknownUnitIdException {
      return new ReadHoldingRegistersResponse(
          answer(unitId, 3, request.address(), request.quantity()));
    }

    @Override
    public WriteSingleRegisterResponse writeSingleRegister(
        ModbusRequestContext context, int unitId, WriteSingleRegisterRequest request)
        throws ModbusResponseException, UnknownUnitIdException {
      byte[] word = {(byte) (request.value() >>> 8), (byte) request.value()};
      at(unitId).write(6, request.address(), word);
      return new WriteSingleRegisterResponse(request.address(), request.value());
    }

    @Override
    public WriteMultipleRegistersResponse writeMultipleRegisters(
        ModbusRequestContext context, int unitId, WriteMultipleRegistersRequest request)
        throws ModbusResponseException, UnknownUnitIdException {
      at(unitId).write(16, request.address(), request.values());
      return new WriteMultipleRegistersResponse(request.address(), request.quantity());
    }

    private SimulatedMeter at(int unitId) throws UnknownUnitIdException {
      SimulatedMeter meter = meters.get(unitId);
      if (meter == null) {
        throw new UnknownUnitIdException(unitId);
      }
      requests.get(unitId).incrementAndGet();
      return meter;
    }

    private byte[] answer(int unitId, int functionCode, int address, int quantity)
        throws ModbusResponseException, UnknownUnitIdException {
      SimulatedMeter meter = meters.get(unitId);
      if (meter == null) {
        // nobody at this unit id: digitalpetri then sends nothing, as a real line stays quiet
        throw new UnknownUnitIdException(unitId);
      }
      requests.get(unitId).incrementAndGet();
      return meter.answer(functionCode, address, quantity);
    }
  }
}
