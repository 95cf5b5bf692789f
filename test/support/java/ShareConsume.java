/*
 * Test fixture: one member of a KIP-932 share group, for lagwatch's integration tests
 * (started by test/support/java-clients.ts; compiled at test time against the Kafka 4.3.1 jars).
 *
 * Usage: java ShareConsume <bootstrap> <groupId> <topic> <clientId> <recordsToAccept>
 *
 * 1. Sets the group config share.auto.offset.reset=earliest (IncrementalAlterConfigs on the GROUP
 *    resource), so records produced before the member joined are delivered too (the default is latest).
 * 2. Subscribes with a KafkaShareConsumer in explicit acknowledgement mode and ACCEPTs every delivered
 *    record, committing the acknowledgements synchronously after each poll.
 * 3. Once at least <recordsToAccept> records were accepted, prints "ACKED <n>" (n = records accepted so
 *    far) after every commitSync of a non-empty poll, i.e. when the broker has taken the acknowledgements.
 *    Keeps polling (heartbeats, membership, records produced later) until stdin reaches end-of-file or the
 *    JVM gets SIGTERM; then it closes the consumer (leaves the group) and prints "CLOSED".
 *
 * stdout carries only these protocol lines; Kafka's logging goes to stderr (log4j2.properties).
 * Exit codes: 0 after a clean close, 2 for bad arguments, 1 for any other failure.
 */
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;

public final class ShareConsume {
  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: ShareConsume <bootstrap> <groupId> <topic> <clientId> <recordsToAccept>");
      System.exit(2);
    }
    String bootstrap = args[0];
    String groupId = args[1];
    String topic = args[2];
    String clientId = args[3];
    long toAccept = Long.parseLong(args[4]);

    Properties adminProps = new Properties();
    adminProps.put("bootstrap.servers", bootstrap);
    adminProps.put("client.id", clientId + "-admin");
    try (Admin admin = Admin.create(adminProps)) {
      ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
      AlterConfigOp earliest =
          new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET);
      admin.incrementalAlterConfigs(Map.of(group, List.of(earliest))).all().get();
    }

    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("group.id", groupId);
    props.put("client.id", clientId);
    props.put("share.acknowledgement.mode", "explicit");
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", StringDeserializer.class.getName());

    AtomicBoolean running = new AtomicBoolean(true);
    KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(props);
    Thread main = Thread.currentThread();
    Runnable stop = () -> {
      if (running.getAndSet(false)) consumer.wakeup();
    };
    Thread stdinWatcher = new Thread(() -> {
      try {
        InputStream in = System.in;
        while (in.read() >= 0) {
          // ignore input; end-of-file means "stop"
        }
      } catch (Exception ignored) {
        // a broken pipe also means the parent is gone
      }
      stop.run();
    }, "stdin-watcher");
    stdinWatcher.setDaemon(true);
    stdinWatcher.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.run();
      try {
        main.join(10_000);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, "shutdown"));

    long accepted = 0;
    try {
      consumer.subscribe(List.of(topic));
      while (running.get()) {
        ConsumerRecords<String, String> records;
        try {
          records = consumer.poll(Duration.ofMillis(200));
        } catch (org.apache.kafka.common.errors.WakeupException e) {
          break;
        }
        for (ConsumerRecord<String, String> record : records) {
          consumer.acknowledge(record, AcknowledgeType.ACCEPT);
          accepted++;
        }
        if (!records.isEmpty()) {
          consumer.commitSync();
          if (accepted >= toAccept) {
            System.out.println("ACKED " + accepted);
            System.out.flush();
          }
        }
      }
    } finally {
      try {
        consumer.close(Duration.ofSeconds(10));
      } catch (Exception e) {
        System.err.println("close failed: " + e);
      }
      System.out.println("CLOSED");
      System.out.flush();
    }
  }
}
