package org.pibms.protocol.ant;

import java.util.ArrayDeque;
import org.pibms.protocol.StreamServer;

/** The ANT protocol on one link: the request parser feeding the server. */
public final class AntSession implements StreamServer {

    private final AntServer server;
    private final ArrayDeque<AntRequest> requests = new ArrayDeque<>();
    private final AntRequestParser parser = new AntRequestParser(requests::add);

    public AntSession(AntServer server) {
        this.server = server;
    }

    @Override
    public String protocol() {
        return "the ANT protocol";
    }

    @Override
    public void received(byte[] data, int length, long now_ns, Replies replies) {
        parser.accept(data, 0, length);
        answer(now_ns, replies);
    }

    @Override
    public void quiet(long now_ns, Replies replies) {
        if (parser.inFrame()) {
            parser.idle();
            answer(now_ns, replies);
        }
    }

    private void answer(long now_ns, Replies replies) {
        AntRequest request;
        while ((request = requests.poll()) != null) {
            AntServer.Answer answer = server.answer(request, now_ns / 1_000_000);
            if (answer.reply().length > 0) {
                replies.send(answer.reply());
            }
            if (answer.refusal() != null) {
                replies.refused(answer.refusal());
            }
        }
    }
}
