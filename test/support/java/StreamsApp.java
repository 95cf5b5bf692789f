/*
 * Test fixture: a Kafka Streams application in a KIP-1071 `streams` group, for lagwatch's integration
 * tests (started by test/support/java-clients.ts; compiled at test time against the Kafka 4.3.1 jars).
 *
 * Usage: java StreamsApp <bootstrap> <applicationId> <sourceTopic> <clientId> <stateDir> <recordsToProcess>
 *
 * Topology: one stateless sub-topology, source <sourceTopic> → peek (counts records). No state stores and
 * no internal topics. group.protocol=streams, one stream thread, commit.interval.ms=100,
 * auto.offset.reset=earliest (the Streams default).
 *
 * Prints "RUNNING" when the instance reaches state RUNNING, "PROCESSED <n>" once <recordsToProcess> records
 * went through the topology, and keeps running until stdin reaches end-of-file or the JVM gets SIGTERM;
 * then it closes the instance (leaves the group) and prints "CLOSED".
 *
 * stdout carries only these protocol lines; Kafka's logging goes to stderr (log4j2.properties).
 * Exit codes: 0 after a clean close, 2 for bad arguments, 1 for any other failure.
 */
import java.io.InputStream;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;

public final class StreamsApp {
  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println(
          "usage: StreamsApp <bootstrap> <applicationId> <sourceTopic> <clientId> <stateDir> <recordsToProcess>");
      System.exit(2);
    }
    String bootstrap = args[0];
    String applicationId = args[1];
    String sourceTopic = args[2];
    String clientId = args[3];
    String stateDir = args[4];
    long toProcess = Long.parseLong(args[5]);

    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.CLIENT_ID_CONFIG, clientId);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);

    AtomicLong processed = new AtomicLong();
    AtomicBoolean announced = new AtomicBoolean();
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(sourceTopic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .peek((key, value) -> {
          if (processed.incrementAndGet() >= toProcess && !announced.getAndSet(true)) {
            System.out.println("PROCESSED " + processed.get());
            System.out.flush();
          }
        });

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean failed = new AtomicBoolean();
    streams.setStateListener((next, previous) -> {
      if (next == KafkaStreams.State.RUNNING) {
        System.out.println("RUNNING");
        System.out.flush();
      } else if (next == KafkaStreams.State.ERROR) {
        failed.set(true);
        done.countDown();
      }
    });
    streams.setUncaughtExceptionHandler(e -> {
      System.err.println("stream thread failed: " + e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
          .SHUTDOWN_CLIENT;
    });

    Thread stdinWatcher = new Thread(() -> {
      try {
        InputStream in = System.in;
        while (in.read() >= 0) {
          // ignore input; end-of-file means "stop"
        }
      } catch (Exception ignored) {
        // a broken pipe also means the parent is gone
      }
      done.countDown();
    }, "stdin-watcher");
    stdinWatcher.setDaemon(true);
    stdinWatcher.start();
    Thread main = Thread.currentThread();
    AtomicBoolean shuttingDown = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      shuttingDown.set(true);
      done.countDown();
      try {
        main.join(15_000);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, "shutdown"));

    streams.start();
    done.await();
    streams.close(Duration.ofSeconds(10));
    System.out.println("CLOSED");
    System.out.flush();
    // System.exit would block inside a shutdown (SIGTERM): the hook waits for this thread to return.
    if (failed.get() && !shuttingDown.get()) System.exit(1);
  }
}
