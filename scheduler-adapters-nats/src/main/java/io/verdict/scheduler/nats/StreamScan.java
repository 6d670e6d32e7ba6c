package io.verdict.scheduler.nats;

import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;

import java.util.ArrayList;
import java.util.List;

/** Reads the messages of one subject of a stream, oldest first, through a short-lived ordered consumer. */
final class StreamScan {
    private static final int BATCH = 256;

    private StreamScan() {}

    static List<Message> all(NatsConnection nats, String stream, String subject) {
        return from(nats, stream, subject, 0, Integer.MAX_VALUE);
    }

    /** Up to {@code max} messages on {@code subject} from stream sequence {@code startSeq} (0 = the beginning). */
    static List<Message> from(NatsConnection nats, String stream, String subject, long startSeq, int max) {
        OrderedConsumerConfiguration cfg = new OrderedConsumerConfiguration().filterSubject(subject);
        if (startSeq > 0) cfg.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(startSeq);
        else cfg.deliverPolicy(DeliverPolicy.All);
        List<Message> out = new ArrayList<>();
        try {
            OrderedConsumerContext consumer = nats.connection().getStreamContext(stream).createOrderedConsumer(cfg);
            while (out.size() < max) {
                int want = Math.min(BATCH, max - out.size());
                int got = 0;
                try (FetchConsumer fetch = consumer.fetch(FetchConsumeOptions.builder().maxMessages(want).noWait().build())) {
                    for (Message m = fetch.nextMessage(); m != null; m = fetch.nextMessage()) {
                        out.add(m);
                        got++;
                    }
                }
                if (got < want) break;
            }
            return out;
        } catch (Exception e) {
            throw NatsFailures.unchecked("read " + subject + " from " + stream, e);
        }
    }
}
